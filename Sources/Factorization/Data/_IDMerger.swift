/// The numbers of the ids read so far, by their bytes, in front of the id map: what the
/// CSV reader's chunks consult first (read-only, in parallel), so that only ids new to
/// the file go into a chunk's own table and through ``merge(_:keys:)``.
///
/// The merge hands out provisional numbers, counting on from the map's ids in order of
/// first appearance, and builds no id value; ``finish(into:)`` builds them all at the end
/// in one pass over a map of the right size. Spellings of one id (such as `7` and `07` for
/// `Int` ids, or an id the map already held) get one provisional number each, and
/// ``finish(into:)`` returns the renumbering that gives them the map's number.
struct _IDMerger: Sendable {
    /// The ids held by their bytes, and their numbers.
    private var known = _ByteKeyTable()
    private var numbers: [Int32] = []
    /// The numbers of ids spelled as canonical decimal integers below ``directLimit``,
    /// indexed by that integer (`-1`: not seen): the common case of numeric ids costs one
    /// array read, in an array about as long as the largest id.
    private var direct: [Int32] = []
    static let directLimit = 1 << 22
    /// The spellings given numbers, in number order: a canonical integer `v` as `v`, a
    /// spelling held by its bytes as `~entry` of `known`.
    private var spellings: [Int] = []
    /// The number of ids the map held before the file: the first provisional number.
    private let base: Int

    /// A merger for ids new to a map of `base` ids.
    init(base: Int) { self.base = base }

    /// A chunk's code for an id written as the canonical integer `value` (below
    /// ``directLimit``) that the chunk did not look up: `Int32.min + value`. Chunk keys are
    /// `~n` (small negative numbers) and global numbers are not negative, so the three kinds
    /// never meet.
    @inline(__always)
    static func pendingCode(_ value: Int) -> Int32 { Int32.min &+ Int32(truncatingIfNeeded: value) }

    /// The ``pendingCode(_:)`` of `key` when it is a canonical integer below ``directLimit``.
    @inline(__always)
    static func pendingCode(_ key: UnsafeRawBufferPointer) -> Int32? {
        guard let value = decimalValue(key), value < directLimit else { return nil }
        return pendingCode(value)
    }

    /// Whether `code` is a ``pendingCode(_:)``.
    @inline(__always)
    static func isPending(_ code: Int32) -> Bool { code < Int32.min &+ Int32(directLimit) }

    /// Whether every canonical integer below ``directLimit`` parses as an `ID`, so that a chunk
    /// may leave such ids as ``pendingCode(_:)`` without checking them.
    static func acceptsDirectDecimals<ID>(_ type: ID.Type) -> Bool {
        type == String.self || type == Int.self || type == Int64.self || type == Int32.self || type == UInt.self
            || type == UInt64.self || type == UInt32.self
    }

    /// `key` as an integer when it is written `0` or as up to 9 digits without a leading zero.
    @inline(__always)
    static func decimalValue(_ key: UnsafeRawBufferPointer) -> Int? {
        let count = key.count
        guard count > 0, count <= 9, key[0] &- 0x30 < 10, key[0] != 0x30 || count == 1 else { return nil }
        var value = 0
        for byte in key {
            let digit = byte &- 0x30
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }

    /// The number of the id written as the canonical integer `value`, if held directly.
    @inline(__always)
    func directNumber(_ value: Int) -> Int32? {
        guard value < direct.count else { return nil }
        let number = direct[value]
        return number >= 0 ? number : nil
    }

    /// The number of the id spelled `key`, when it is not held directly.
    @inline(__always)
    func byteNumber(of key: UnsafeRawBufferPointer, hash: UInt64) -> Int32? {
        known.index(of: key, hash: hash).map { numbers[$0] }
    }

    /// The global number of the id spelled `key`, if it was seen before.
    func number(of key: UnsafeRawBufferPointer, hash: UInt64) -> Int32? {
        if let value = Self.decimalValue(key), let number = directNumber(value) { return number }
        return byteNumber(of: key, hash: hash)
    }

    /// Replaces the ``pendingCode(_:)``s of `records` whose ids are held directly by their
    /// global numbers; the others stay pending for ``merge(_:keys:)``.
    ///
    /// One tight pass over the records, so that the processor overlaps the reads of `direct`
    /// (an array the size of the largest id, often larger than the cache) instead of waiting
    /// for each inside the parser's loop.
    func resolvePending(_ records: inout [Int32]) {
        guard !direct.isEmpty else { return }
        direct.withUnsafeBufferPointer { direct in
            records.withUnsafeMutableBufferPointer { records in
                for index in records.indices {
                    let code = records[index]
                    guard Self.isPending(code) else { continue }
                    let value = Int(code &- Int32.min)
                    if value < direct.count, direct[value] >= 0 { records[index] = direct[value] }
                }
            }
        }
    }

    /// The next provisional number, given to the spelling `spelling` (see ``spellings``).
    private mutating func nextNumber(for spelling: Int) -> Int32 {
        spellings.append(spelling)
        return Int32(base + spellings.count - 1)
    }

    /// Gives the spelling `key`, new to the merger, the next provisional number.
    private mutating func remember(_ key: UnsafeRawBufferPointer, hash: UInt64) -> Int32 {
        if let value = Self.decimalValue(key), value < Self.directLimit { return rememberDirect(value) }
        let number = nextNumber(for: ~known.insert(key, hash: hash))
        numbers.append(number)
        return number
    }

    /// Gives the canonical integer `value`, new to the merger, the next provisional number.
    private mutating func rememberDirect(_ value: Int) -> Int32 {
        if value >= direct.count {
            // A new array rather than appending a repeated element, which is slow unoptimised.
            var grown = [Int32](repeating: -1, count: min(max(value + 1, 2 * direct.count), Self.directLimit))
            direct.withUnsafeBufferPointer { old in
                guard let start = old.baseAddress else { return }
                grown.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: start, count: old.count) }
            }
            direct = grown
        }
        let number = nextNumber(for: value)
        direct[value] = number
        return number
    }

    /// Gives the ids of a chunk new to the file their provisional numbers, in order of first
    /// appearance, and renumbers `records`: a record `r >= 0` is already a number,
    /// ``pendingCode(_:)`` an id written as a canonical integer, any other `r < 0` key `~r` of
    /// `keys`.
    ///
    /// - Complexity: O(records), and O(key length) per new key.
    mutating func merge(_ records: inout [Int32], keys: _ByteKeyTable) {
        var global = [Int32](repeating: -1, count: keys.count)
        records.withUnsafeMutableBufferPointer { records in
            for index in records.indices where records[index] < 0 {
                let code = records[index]
                if Self.isPending(code) {
                    let value = Int(code &- Int32.min)
                    records[index] = directNumber(value) ?? rememberDirect(value)
                    continue
                }
                let entry = Int(~code)
                if global[entry] < 0 {
                    let hash = keys.hash(ofEntry: entry)
                    global[entry] = keys.withKey(entry) { key in
                        number(of: key, hash: hash) ?? remember(key, hash: hash)
                    }
                }
                records[index] = global[entry]
            }
        }
    }

    /// Appends the ids of the provisional numbers to `map`, in number order, and returns what
    /// each provisional number becomes (indexed by number) when any becomes another — a
    /// spelling of an id the map holds already; `nil` when every number stands.
    ///
    /// - Precondition: every spelling parses as an `ID` (the chunks checked them).
    /// - Complexity: O(ids), one hash-table probe each.
    func finish<ID: LosslessStringConvertible>(into map: inout IDMap<ID>) -> [Int32]? {
        precondition(map.count == base, "the map changed while the file was read")
        map.reserveCapacity(base + spellings.count)
        var renumbered: [Int32]?
        for (offset, spelling) in spellings.enumerated() {
            let id: ID
            if spelling >= 0 {
                id = ID(String(spelling))!
            } else {
                id = known.withKey(~spelling) { ID(String(decoding: $0, as: UTF8.self))! }
            }
            let number = map.append(id)
            if renumbered == nil && number != base + offset {
                renumbered = (0..<(base + offset)).map { Int32(truncatingIfNeeded: $0) }
            }
            renumbered?.append(Int32(truncatingIfNeeded: number))
        }
        return renumbered
    }
}
