import FeatureEncoding
import Factorization
import Fusion
import LinearAlgebra

extension LiveModel {
    /// Places the new items of `attributes` from their raw attributes through the served
    /// joint model's fitted item pipeline (`JointFactorizationModel.itemFactors(placing:encoders:media:cache:)`)
    /// and adds them, rankable by the next read. Items the live model already has and rows
    /// with none of the pipeline's attributes are left out.
    ///
    /// Encoding runs outside the writer lock; if a swap lands meanwhile, the rows are
    /// placed again through the new model.
    ///
    /// - Returns: the ids added.
    /// - Throws: ``ServingError/invalidModel(_:)`` when the served model has no item
    ///   pipeline, ``ServingError/placement(_:)`` for the pipeline's errors (a missing
    ///   column, an unreadable value), ``ServingError/encoding(_:)`` for an encoder's.
    /// - Complexity: encoding, one k×k solve and O(k²) per item, one chunk copy.
    @discardableResult
    public func addItems(
        _ attributes: AttributeTable<ItemID>, encoders: [String: any TextEncoder] = [:],
        cache: EncodingCache<String>? = nil
    ) async throws(ServingError) -> [ItemID] {
        try await place(
            attributes, side: "item", hasPipeline: { $0.itemPipeline != nil }, known: { $0.items.index(of: $1) != nil },
            rows: { joint, table in try await joint.itemFactors(placing: table, encoders: encoders, cache: cache) },
            add: { $0.addItems($1, factors: $2) }, journal: { .items($0) })
    }

    /// Places the new users of `attributes` (a sign-up form) through the served joint
    /// model's user pipeline and adds them with an empty history; see ``addItems(_:encoders:cache:)``.
    @discardableResult
    public func addUsers(
        _ attributes: AttributeTable<UserID>, encoders: [String: any TextEncoder] = [:],
        cache: EncodingCache<String>? = nil
    ) async throws(ServingError) -> [UserID] {
        try await place(
            attributes, side: "user", hasPipeline: { $0.userPipeline != nil }, known: { $0.users.index(of: $1) != nil },
            rows: { joint, table in try await joint.userFactors(placing: table, encoders: encoders, cache: cache) },
            add: { $0.addUsers($1, factors: $2) }, journal: { .users($0) })
    }

    /// Placement on either side: encode and solve outside the writer lock, then add the
    /// rows still new under the lock, or start again if a swap landed meanwhile.
    private func place<ID>(
        _ attributes: AttributeTable<ID>, side: String,
        hasPipeline: (JointFactorizationModel<Scalar, UserID, ItemID>) -> Bool,
        known: (_LiveState<Scalar, UserID, ItemID>, ID) -> Bool,
        rows: (JointFactorizationModel<Scalar, UserID, ItemID>, AttributeTable<ID>) async throws -> (ids: [ID], factors: Matrix<Scalar>),
        add: (inout _LiveState<Scalar, UserID, ItemID>, [ID], Matrix<Scalar>) -> Void,
        journal: (AttributeTable<ID>) -> _JournalEntry
    ) async throws(ServingError) -> [ID] {
        while true {
            let start = snapshot
            guard let joint = start.state.served.joint, hasPipeline(joint) else {
                throw .invalidModel("the served model has no \(side) pipeline to place \(side)s from attributes")
            }
            let fresh = try Self.rows(of: attributes, where: { !known(start.state, $0) })
            guard fresh.count > 0 else { return [] }
            let placed = try await Self.placing { try await rows(joint, fresh) }
            let added = writer.withLock { (writerState) -> [ID]? in
                guard snapshot.generation == start.generation else { return nil }
                var state = snapshot.state
                let keep = placed.ids.indices.filter { !known(state, placed.ids[$0]) }
                let ids = keep.map { placed.ids[$0] }
                add(&state, ids, Self.selecting(keep, of: placed.factors))
                writerState.journal.append(journal(fresh))
                _ = publish(state)
                return ids
            }
            if let added { return added }
        }
    }

    /// The rows of `table` whose ids satisfy `include`, as a table.
    static func rows<ID>(of table: AttributeTable<ID>, where include: (ID) -> Bool) throws(ServingError) -> AttributeTable<ID> {
        let kept = table.ids.indices.filter { include(table.ids[$0]) }
        do {
            return try AttributeTable(columnNames: table.columnNames, rows: kept.map { table.values[$0] },
                                      idColumn: table.idColumn)
        } catch {
            throw .invalidArgument(name: "attributes", value: table.source, reason: "\(error)")
        }
    }

    /// Runs a placement, mapping its errors to ``ServingError``.
    static func placing<T>(_ body: () async throws -> T) async throws(ServingError) -> T {
        do {
            return try await body()
        } catch let error as FusionError {
            throw .placement(error)
        } catch {
            throw .encoding("\(error)")
        }
    }

    /// Rows `rows` of `matrix`.
    static func selecting(_ rows: [Int], of matrix: Matrix<Scalar>) -> Matrix<Scalar> {
        var result = Matrix<Scalar>(rowCount: rows.count, columnCount: matrix.columnCount)
        for (target, source) in rows.enumerated() { result.setRow(target, to: matrix.row(source)) }
        return result
    }
}
