/// A hash set of byte strings that numbers its keys `0..<count` in insertion order:
/// the id tables of the CSV reader, keyed by the bytes of a field so that looking up a
/// repeated id allocates nothing.
///
/// Open addressing with linear probing over a power-of-two slot array; keys live in one
/// byte arena. Deterministic: the hash has no per-process seed.
struct _ByteKeyTable: Sendable {
    private var slots: [Int32]
    private var hashes: [UInt64] = []
    private var keyOffsets: [Int] = [0]
    private var arena: [UInt8] = []

    /// The number of keys.
    var count: Int { hashes.count }

    init(capacity: Int = 1024) {
        var slotCount = 16
        while slotCount < capacity * 2 { slotCount <<= 1 }
        slots = [Int32](repeating: -1, count: slotCount)
        hashes.reserveCapacity(capacity)
        keyOffsets.reserveCapacity(capacity + 1)
    }

    /// The hash of `count` bytes at `bytes`.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawPointer, _ count: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: count)
        var index = 0
        while index + 8 <= count {
            h = (h ^ bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            index += 8
        }
        var tail: UInt64 = 0, shift: UInt64 = 0
        while index < count {
            tail |= UInt64(bytes.load(fromByteOffset: index, as: UInt8.self)) << shift
            shift += 8
            index += 1
        }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 32)
    }

    /// The number of `key`, or `nil` when the table does not hold it.
    @inline(__always)
    func index(of key: UnsafeRawBufferPointer, hash: UInt64) -> Int? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        return slots.withUnsafeBufferPointer { slots in
            arena.withUnsafeBytes { arena in
                while true {
                    let entry = Int(slots[slot])
                    if entry < 0 { return nil }
                    if hashes[entry] == hash {
                        let start = keyOffsets[entry], length = keyOffsets[entry + 1] - start
                        if length == key.count
                            && (length == 0 || Self.equal(arena.baseAddress! + start, key.baseAddress!, length)) {
                            return entry
                        }
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    /// Whether `count` bytes at `a` and `b` are equal.
    @inline(__always)
    private static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
        var index = 0
        while index + 8 <= count {
            if a.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                != b.loadUnaligned(fromByteOffset: index, as: UInt64.self) { return false }
            index += 8
        }
        while index < count {
            if a.load(fromByteOffset: index, as: UInt8.self) != b.load(fromByteOffset: index, as: UInt8.self) {
                return false
            }
            index += 1
        }
        return true
    }

    /// Adds `key`, which the table must not hold, and returns its number.
    @discardableResult
    mutating func insert(_ key: UnsafeRawBufferPointer, hash: UInt64) -> Int {
        if (count + 1) * 2 > slots.count { grow() }
        let entry = count
        hashes.append(hash)
        arena.append(contentsOf: key)
        keyOffsets.append(arena.count)
        place(entry, hash: hash)
        return entry
    }

    /// Calls `body` with the bytes of key `entry`.
    func withKey<R>(_ entry: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try arena.withUnsafeBytes { arena in
            try body(UnsafeRawBufferPointer(rebasing: arena[keyOffsets[entry]..<keyOffsets[entry + 1]]))
        }
    }

    /// The stored hash of key `entry`.
    func hash(ofEntry entry: Int) -> UInt64 { hashes[entry] }

    private mutating func place(_ entry: Int, hash: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(entry)
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        for entry in 0..<count { place(entry, hash: hashes[entry]) }
    }
}
