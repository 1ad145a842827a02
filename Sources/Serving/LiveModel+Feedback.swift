import Factorization
import LinearAlgebra

extension LiveModel {
    /// Records interactions and re-folds each user concerned from their whole history,
    /// visible to every read that takes a snapshot after this call returns. A user the
    /// model does not know is added. All interactions are checked before any is applied,
    /// and they become one version.
    ///
    /// - Parameter interactions: `(user, item, value)` triples; repeated (user, item) pairs
    ///   are summed by the re-fold, as in training.
    /// - Returns: the version that holds them.
    /// - Throws: ``ServingError/unknownItem(_:)`` for an item the live model has no factors
    ///   for, ``ServingError/invalidValue(user:item:value:reason:)`` for NaN, infinity, or a
    ///   negative value under an implicit rule with raw values, and
    ///   ``ServingError/linearAlgebra(_:)`` when a re-fold's system is singular.
    /// - Complexity: per user, the re-fold (see ``LiveModel``) plus copying one chunk of
    ///   rows and one of histories.
    @_specialize(exported: false, where Scalar == Float, UserID == Int, ItemID == Int)
    @_specialize(exported: false, where Scalar == Double, UserID == Int, ItemID == Int)
    @discardableResult
    public func record(_ interactions: [(user: UserID, item: ItemID, value: Double)]) throws(ServingError) -> Int {
        try writer.withLock { (writerState) throws(ServingError) -> Int in
            var state = snapshot.state
            let (order, grouped) = try Self.grouped(interactions, in: state)
            for user in order { try state.record(user: user, entries: grouped[user]!) }
            for user in order {
                let entries = grouped[user]!.map { (item: state.items.id(at: Int($0.item)), value: $0.value) }
                writerState.journal.append(.interactions(user: user, items: entries))
            }
            return publish(state).version
        }
    }

    /// Adds items whose factors were computed elsewhere (zero bias). They are not
    /// journaled: factors from this model mean nothing to the next, so a swap drops them
    /// unless the new model knows them.
    ///
    /// - Throws: ``ServingError/invalidArgument(name:value:reason:)`` when `factors` is not
    ///   `ids.count × k`, holds NaN or infinity, or an id is known or repeated.
    /// - Complexity: O(k²) per item plus one chunk copy.
    @discardableResult
    public func addItems(_ ids: [ItemID], factors: Matrix<Scalar>) throws(ServingError) -> Int {
        try writer.withLock { (_) throws(ServingError) -> Int in
            var state = snapshot.state
            try Self.checkNew(ids, factors: factors, k: state.factorCount) { state.items.index(of: $0) != nil }
            state.addItems(ids, factors: factors)
            return publish(state).version
        }
    }

    /// Checks rows to be added: the shape, finite values, and ids new and distinct.
    static func checkNew<ID: Hashable>(_ ids: [ID], factors: Matrix<Scalar>, k: Int, known: (ID) -> Bool) throws(ServingError) {
        guard factors.shape == (ids.count, k) else {
            throw .invalidArgument(name: "factors", value: "\(factors.rowCount)×\(factors.columnCount)",
                                   reason: "expected \(ids.count)×\(k)")
        }
        if let (row, column) = factors.firstNonFiniteIndex() {
            throw .invalidArgument(name: "factors", value: "row \(row), column \(column)", reason: "NaN or infinite")
        }
        var seen = Set<ID>()
        for id in ids where known(id) || !seen.insert(id).inserted {
            throw .invalidArgument(name: "id", value: "\(id)", reason: "already present")
        }
    }

    /// Interactions checked and grouped by user, users in order of first appearance.
    @_specialize(exported: false, where Scalar == Float, UserID == Int, ItemID == Int)
    @_specialize(exported: false, where Scalar == Double, UserID == Int, ItemID == Int)
    static func grouped(
        _ interactions: [(user: UserID, item: ItemID, value: Double)], in state: _LiveState<Scalar, UserID, ItemID>
    ) throws(ServingError) -> ([UserID], [UserID: [_HistoryEntry]]) {
        var order: [UserID] = []
        var grouped: [UserID: [_HistoryEntry]] = [:]
        let rawImplicit: Bool
        if case .implicit(_, _, let binary) = state.served.rule { rawImplicit = !binary } else { rawImplicit = false }
        for (user, item, value) in interactions {
            guard let i = state.items.index(of: item) else { throw .unknownItem("\(item)") }
            guard value.isFinite else {
                throw .invalidValue(user: "\(user)", item: "\(item)", value: value, reason: "not finite")
            }
            if rawImplicit && value < 0 {
                throw .invalidValue(user: "\(user)", item: "\(item)", value: value,
                                    reason: "implicit-feedback values must not be negative")
            }
            if grouped[user] == nil { order.append(user) }
            grouped[user, default: []].append(_HistoryEntry(item: Int32(i), value: value))
        }
        return (order, grouped)
    }
}
