import LinearAlgebra

extension Interactions where UserID: LosslessStringConvertible, ItemID: LosslessStringConvertible {
    /// Builds interactions from `.npy` triplets, the form a Python pipeline already has:
    /// parallel 1-D arrays of user ids, item ids and (optionally) values, as written by
    /// `np.save`.
    ///
    /// Ids are integers (`<i4`, `<i8`, or `<f4`/`<f8` holding whole numbers), turned into
    /// `UserID` and `ItemID` through their decimal text (so `String` ids read `"42"`); users
    /// and items are numbered in order of first appearance, as the CSV reader numbers them.
    /// Without a values file every value is 1.
    ///
    /// ```swift
    /// // numpy: np.save("users.npy", users); np.save("items.npy", items)
    /// let data = try Interactions<String, String>(numPyUsers: "users.npy", items: "items.npy")
    /// ```
    ///
    /// - Throws: ``FactorizationError/cannotReadFile(file:reason:)`` for a file that is not a
    ///   readable 1-D `.npy` array, ``FactorizationError/inconsistentData(_:)`` for arrays of
    ///   different lengths or an id that is not a whole number, and
    ///   ``FactorizationError/nonFiniteValue(record:user:item:value:)``.
    /// - Complexity: O(n) expected for n triplets; memory about 16 bytes per triplet
    ///   besides the arrays read and the matrices built.
    public init(
        numPyUsers usersPath: String, items itemsPath: String, values valuesPath: String? = nil,
        duplicates: DuplicatePolicy = .sum
    ) throws(FactorizationError) {
        func read(_ path: String) throws(FactorizationError) -> _NumPyColumn {
            do { return try _NumPyColumn(numPyFile: path) } catch {
                throw .cannotReadFile(file: path, reason: "\(error)")
            }
        }
        func ids(_ path: String) throws(FactorizationError) -> [Int] {
            switch try read(path) {
            case .integers(let values):
                return values
            case .reals(let values):
                var ids: [Int] = []
                ids.reserveCapacity(values.count)
                for (index, value) in values.enumerated() {
                    guard let id = Int(exactly: value) else {
                        throw .inconsistentData("\(path): element \(index) is \(value), not a whole-number id")
                    }
                    ids.append(id)
                }
                return ids
            }
        }
        let userIDs = try ids(usersPath), itemIDs = try ids(itemsPath)
        var values: [Double] = []
        if let valuesPath {
            switch try read(valuesPath) {
            case .integers(let integers): values = integers.map(Double.init)
            case .reals(let reals): values = reals
            }
        }
        guard userIDs.count == itemIDs.count, valuesPath == nil || values.count == userIDs.count else {
            throw .inconsistentData(
                "\(usersPath) has \(userIDs.count) elements, \(itemIDs.count) \(itemsPath)"
                    + (valuesPath.map { ", \(values.count) \($0)" } ?? "") + "; the arrays must be parallel")
        }
        var chunk = _InteractionChunk()
        var users = IDMap<Int>(), items = IDMap<Int>()
        chunk.users.reserveCapacity(userIDs.count)
        chunk.items.reserveCapacity(userIDs.count)
        for index in userIDs.indices {
            if valuesPath != nil {
                guard values[index].isFinite else {
                    throw .nonFiniteValue(record: index, user: "\(userIDs[index])", item: "\(itemIDs[index])",
                                          value: values[index])
                }
                chunk.absoluteValueSum += abs(values[index])
            }
            chunk.users.append(Int32(users.append(userIDs[index])))
            chunk.items.append(Int32(items.append(itemIDs[index])))
        }
        chunk.values = values
        func converted<ID: LosslessStringConvertible>(_ map: IDMap<Int>, _ path: String) throws(FactorizationError) -> IDMap<ID> {
            var result = IDMap<ID>()
            for id in map.ids {
                guard let converted = ID(String(id)) else { throw .inconsistentData("\(path): id \(id) is not a valid id") }
                result.append(converted)
            }
            return result
        }
        var chunks = [chunk]
        self = try Self._built(
            from: &chunks, userIDs: converted(users, usersPath), itemIDs: converted(items, itemsPath),
            duplicates: duplicates, hasValues: valuesPath != nil, stamped: false)
    }
}
