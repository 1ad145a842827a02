import Factorization
import LinearAlgebra
import Ranking

/// Reads: top-K for one user or a batch, and similar items. They use no BLAS (one
/// request is one thread's work, so a host's concurrency is the parallelism, with no
/// oversubscription of OpenBLAS's pool) and break score ties by item index: the fitted
/// model's items in its order, then added items in the order they were added.
extension LiveSnapshot {
    /// The `count` best items for `user` by score, best first.
    ///
    /// - Parameters:
    ///   - user: a user of the snapshot.
    ///   - count: the ranking length K (≥ 0).
    ///   - filter: what to leave out: by default every item in the user's history (the
    ///     training interactions and those recorded since); ``RankingFilter/excluded``
    ///     is a deny list, ``RankingFilter/candidates`` an allow list (unknown ids in
    ///     either are ignored).
    /// - Throws: ``ServingError/unknownUser(_:)``, ``ServingError/invalidArgument(name:value:reason:)``
    ///   for a negative count.
    /// - Complexity: O(nk + n log K) over n items, O(|candidates|·k) with an allow list.
    public func recommend(
        user: UserID, count: Int, filter: RankingFilter<ItemID> = RankingFilter()
    ) throws(ServingError) -> [RankedItem<ItemID>] {
        try recommend(users: [user], count: count, filter: filter)[0]
    }

    /// ``recommend(user:count:filter:)`` for a batch of users on this one snapshot; each
    /// chunk of items is scored for every user of the batch while it is in cache.
    ///
    /// - Throws: as ``recommend(user:count:filter:)`` (the first unknown user).
    public func recommend(
        users: [UserID], count: Int, filter: RankingFilter<ItemID> = RankingFilter()
    ) throws(ServingError) -> [[RankedItem<ItemID>]] {
        guard count >= 0 else { throw .invalidArgument(name: "count", value: "\(count)", reason: "must be non-negative") }
        var indices: [Int] = []
        for user in users {
            guard let u = state.users.index(of: user) else { throw .unknownUser("\(user)") }
            indices.append(u)
        }
        let width = factorCount + 2
        let queries = indices.map { state.userRows.row($0) }
        let denied = Set(filter.excluded.compactMap { state.items.index(of: $0) })
        let excluded: [[Int]] = indices.map { u in
            guard filter.excludesTrainingItems else { return denied.sorted() }
            return denied.union(state.histories.element(u, 0).map { Int($0.item) }).sorted()
        }
        let ranked = scan(queries: queries, width: width, count: count, excluded: excluded, candidates: filter.candidates) {
            query, row, _ in _dot(query, row, width)
        }
        return ranked.map { $0.map { RankedItem(id: state.items.id(at: $0.position), score: Double($0.score)) } }
    }

    /// The `count` items most similar to `item` by cosine similarity of their factors
    /// (an item with zero factors has similarity 0), best first, the item itself left out.
    ///
    /// - Parameters:
    ///   - filter: ``RankingFilter/excluded`` and ``RankingFilter/candidates`` apply;
    ///     ``RankingFilter/excludesTrainingItems`` does not.
    /// - Throws: ``ServingError/unknownItem(_:)``, ``ServingError/invalidArgument(name:value:reason:)``.
    /// - Complexity: O(nk + n log K).
    public func similarItems(
        to item: ItemID, count: Int, filter: RankingFilter<ItemID> = RankingFilter()
    ) throws(ServingError) -> [RankedItem<ItemID>] {
        guard count >= 0 else { throw .invalidArgument(name: "count", value: "\(count)", reason: "must be non-negative") }
        guard let q = state.items.index(of: item) else { throw .unknownItem("\(item)") }
        let k = factorCount
        let query = state.itemRows.withRow(q) { Array($0[0..<k]) }
        let queryNorm = query.withUnsafeBufferPointer { _dot($0.baseAddress!, $0.baseAddress!, k) }.squareRoot()
        var excluded = Set(filter.excluded.compactMap { state.items.index(of: $0) })
        excluded.insert(q)
        let ranked = scan(queries: [query], width: k, count: count, excluded: [excluded.sorted()], candidates: filter.candidates) {
            query, row, _ in
            let norm = _dot(row, row, k).squareRoot() * queryNorm
            return norm > 0 ? _dot(query, row, k) / norm : 0
        }
        return ranked[0].map { RankedItem(id: state.items.id(at: $0.position), score: Double($0.score)) }
    }

    /// The `count` users an item would be recommended to first: the users whose score for
    /// `item` is highest, highest first, leaving out users who have it in their history.
    /// Ties go to the lower user index. Use it to see whom a newly placed item reaches.
    ///
    /// - Throws: ``ServingError/unknownItem(_:)``, ``ServingError/invalidArgument(name:value:reason:)``.
    /// - Complexity: O(mk + m log K) plus the histories' lengths.
    public func audience(of item: ItemID, count: Int) throws(ServingError) -> [RankedItem<UserID>] {
        guard count >= 0 else { throw .invalidArgument(name: "count", value: "\(count)", reason: "must be non-negative") }
        guard let i = state.items.index(of: item) else { throw .unknownItem("\(item)") }
        let width = factorCount + 2
        let query = state.itemRows.row(i)
        var selection = _TopKSelection<Scalar>(capacity: count)
        guard count > 0 else { return [] }
        query.withUnsafeBufferPointer { query in
            for c in 0..<state.userRows.chunkCount {
                let (first, elements) = state.userRows.chunk(c)
                let histories = state.histories.chunk(c).elements
                elements.withUnsafeBufferPointer { block in
                    for r in 0..<elements.count / width where !histories[r].contains(where: { Int($0.item) == i }) {
                        selection.offer(position: first + r, score: _dot(query.baseAddress!, block.baseAddress! + r * width, width))
                    }
                }
            }
        }
        return selection.sorted().map { RankedItem(id: state.users.id(at: $0.position), score: Double($0.score)) }
    }

    /// The best `count` item positions per query by `score(query, itemRow, position)`,
    /// skipping each query's excluded positions (ascending) and, with candidates, every other item.
    private func scan(
        queries: [[Scalar]], width: Int, count: Int, excluded: [[Int]], candidates: Set<ItemID>?,
        score: (UnsafePointer<Scalar>, UnsafePointer<Scalar>, Int) -> Scalar
    ) -> [[(position: Int, score: Scalar)]] {
        var selections = queries.map { _ in _TopKSelection<Scalar>(capacity: count) }
        guard count > 0 else { return selections.map { $0.sorted() } }
        let rowWidth = state.itemRows.width
        if let candidates {
            let positions = candidates.compactMap { state.items.index(of: $0) }.sorted()
            for (q, query) in queries.enumerated() {
                let skip = Set(excluded[q])
                query.withUnsafeBufferPointer { query in
                    for i in positions where !skip.contains(i) {
                        let value = state.itemRows.withRow(i) { score(query.baseAddress!, $0.baseAddress!, i) }
                        selections[q].offer(position: i, score: value)
                    }
                }
            }
            return selections.map { $0.sorted() }
        }
        // Each query walks its excluded positions alongside the items.
        var cursors = [Int](repeating: 0, count: queries.count)
        for c in 0..<state.itemRows.chunkCount {
            let (first, elements) = state.itemRows.chunk(c)
            let rows = elements.count / rowWidth
            elements.withUnsafeBufferPointer { block in
                for (q, query) in queries.enumerated() {
                    let skip = excluded[q]
                    var cursor = cursors[q]
                    query.withUnsafeBufferPointer { query in
                        for r in 0..<rows {
                            let i = first + r
                            if cursor < skip.count && skip[cursor] == i {
                                cursor += 1
                                continue
                            }
                            selections[q].offer(position: i, score: score(query.baseAddress!, block.baseAddress! + r * rowWidth, i))
                        }
                    }
                    cursors[q] = cursor
                }
            }
        }
        return selections.map { $0.sorted() }
    }
}
