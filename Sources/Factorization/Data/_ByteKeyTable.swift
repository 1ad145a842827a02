/// A hash set of byte strings that numbers its keys `0..<count` in insertion order:
/// the id tables of the CSV reader, keyed by the bytes of a field so that looking up a
/// repeated id allocates nothing.
///
/// Open addressing with linear probing over a power-of-two slot array; keys live in one
/// byte arena. Deterministic: the hash has no per-process seed.
struct _ByteKeyTable: Sendable {
    /// One slot: a key of at most 8 bytes itself (zero-padded), and `tag << 40 | length << 32
    /// | (number + 1)` with the hash's top 24 bits as tag and the length capped at 255; `meta`
    /// 0 is an empty slot. A probe of a short key reads nothing but its slots.
    private struct Slot {
        var word: UInt64 = 0
        var meta: UInt64 = 0
    }

    private var slots: [Slot]
    private var hashes: [UInt64] = []
    private var keyOffsets: [Int] = [0]
    private var arena: [UInt8] = []

    /// The number of keys.
    var count: Int { hashes.count }

    init(capacity: Int = 1024) {
        var slotCount = 16
        while slotCount < capacity * 2 { slotCount <<= 1 }
        slots = [Slot](repeating: Slot(), count: slotCount)
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
        h = (h ^ tail(bytes + index, count - index)) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 32)
    }

    /// The `count` (< 8) bytes at `bytes` as the low bytes of a word.
    @inline(__always)
    private static func tail(_ bytes: UnsafeRawPointer, _ count: Int) -> UInt64 {
        var word: UInt64 = 0, shift: UInt64 = 0, index = 0
        while index < count {
            word |= UInt64(bytes.load(fromByteOffset: index, as: UInt8.self)) << shift
            shift += 8
            index += 1
        }
        return word
    }

    /// A key of at most 8 bytes as a slot word; 0 for a longer key.
    @inline(__always)
    private static func word(_ key: UnsafeRawBufferPointer) -> UInt64 {
        if key.count > 8 || key.count == 0 { return 0 }
        return key.count == 8 ? key.loadUnaligned(as: UInt64.self) : tail(key.baseAddress!, key.count)
    }

    @inline(__always)
    private static func meta(hash: UInt64, length: Int, entry: Int) -> UInt64 {
        (hash >> 40) << 40 | UInt64(min(length, 255)) << 32 | UInt64(entry + 1)
    }

    /// The number of `key`, or `nil` when the table does not hold it.
    @inline(__always)
    func index(of key: UnsafeRawBufferPointer, hash: UInt64) -> Int? {
        let mask = slots.count - 1
        let expected = Self.meta(hash: hash, length: key.count, entry: 0) & ~0xFFFF_FFFF
        let word = Self.word(key)
        var slot = Int(truncatingIfNeeded: hash) & mask
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let meta = slots[slot].meta
                if meta == 0 { return nil }
                if meta & ~0xFFFF_FFFF == expected {
                    let entry = Int(meta & 0xFFFF_FFFF) - 1
                    if key.count <= 8 {
                        if slots[slot].word == word { return entry }
                    } else if longKey(entry, equals: key) {
                        return entry
                    }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Whether key `entry` (longer than 8 bytes) is `key`.
    private func longKey(_ entry: Int, equals key: UnsafeRawBufferPointer) -> Bool {
        let start = keyOffsets[entry]
        guard keyOffsets[entry + 1] - start == key.count else { return false }
        return arena.withUnsafeBytes { arena in
            var index = 0
            let a = arena.baseAddress! + start, b = key.baseAddress!
            while index + 8 <= key.count {
                if a.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    != b.loadUnaligned(fromByteOffset: index, as: UInt64.self) { return false }
                index += 8
            }
            return Self.tail(a + index, key.count - index) == Self.tail(b + index, key.count - index)
        }
    }

    /// Adds `key`, which the table must not hold, and returns its number.
    @discardableResult
    mutating func insert(_ key: UnsafeRawBufferPointer, hash: UInt64) -> Int {
        if (count + 1) * 2 > slots.count { grow() }
        let entry = count
        hashes.append(hash)
        arena.append(contentsOf: key)
        keyOffsets.append(arena.count)
        place(Slot(word: Self.word(key), meta: Self.meta(hash: hash, length: key.count, entry: entry)), hash: hash)
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

    private mutating func place(_ content: Slot, hash: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot].meta != 0 { slot = (slot + 1) & mask }
        slots[slot] = content
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        for content in old where content.meta != 0 {
            place(content, hash: hashes[Int(content.meta & 0xFFFF_FFFF) - 1])
        }
    }
}
