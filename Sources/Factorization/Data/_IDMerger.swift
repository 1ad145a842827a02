/// The global numbers of the ids read so far, by their bytes, in front of the id map: what
/// the CSV reader's chunks consult first (read-only, in parallel), so that only ids new
/// to the file go into a chunk's own table and through ``merge(_:keys:into:)``.
///
/// Only an id never seen before builds a value, and spellings of one id (such as `7` and
/// `07` for `Int` ids) share the number the map gives the id.
struct _IDMerger: Sendable {
    /// The ids held by their bytes, and their numbers.
    private var known = _ByteKeyTable()
    private var numbers: [Int32] = []
    /// The numbers of ids spelled as canonical decimal integers below ``directLimit``,
    /// indexed by that integer (`-1`: not seen): the common case of numeric ids costs one
    /// array read, in an array about as long as the largest id.
    private var direct: [Int32] = []
    static let directLimit = 1 << 22

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

    /// Remembers that the id spelled `key` has `number`.
    private mutating func remember(_ key: UnsafeRawBufferPointer, hash: UInt64, number: Int32) {
        if let value = Self.decimalValue(key), value < Self.directLimit {
            if value >= direct.count {
                direct.append(contentsOf: repeatElement(-1, count: max(value + 1, 2 * direct.count) - direct.count))
            }
            direct[value] = number
        } else {
            known.insert(key, hash: hash)
            numbers.append(number)
        }
    }

    /// Gives the ids new to the file of a chunk (`keys`) their numbers in `map`, appending
    /// them in order, and renumbers `records`: a record `r < 0` is key `~r` of `keys`, one
    /// `r >= 0` already a global number.
    mutating func merge<ID: LosslessStringConvertible>(
        _ records: inout [Int32], keys: _ByteKeyTable, into map: inout IDMap<ID>
    ) {
        guard keys.count > 0 else { return }
        var global = [Int32](repeating: 0, count: keys.count)
        for entry in 0..<keys.count {
            let hash = keys.hash(ofEntry: entry)
            global[entry] = keys.withKey(entry) { key in
                if let number = number(of: key, hash: hash) { return number }
                let id = ID(String(decoding: key, as: UTF8.self))!
                let number = Int32(map.index(of: id) ?? map.append(id))
                remember(key, hash: hash, number: number)
                return number
            }
        }
        global.withUnsafeBufferPointer { global in
            records.withUnsafeMutableBufferPointer { records in
                for index in records.indices where records[index] < 0 { records[index] = global[Int(~records[index])] }
            }
        }
    }
}
