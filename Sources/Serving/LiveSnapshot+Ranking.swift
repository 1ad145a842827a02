import Factorization
import LinearAlgebra
import Ranking

/// Reads: top-K for one user or a batch, and similar items. One read is one thread's
/// work — a top-K scan scores each chunk of 64 rows for up to 32 queries at once, on one
/// thread (the panel kernel; a lone query, or every query where the processor lacks the
/// kernel, through BLAS pinned to one thread), so a host's concurrency is the parallelism
/// and OpenBLAS's pool is never woken. Where the live model keeps its items in norm order
/// (``LiveModel/Configuration/prunesScans``) a query leaves the scan once no item still
/// to come can reach its K-th best. Score ties go to the lower item index: the fitted
/// model's items in its order, then added items in the order they were added.
extension LiveSnapshot {
    /// The `count` best items for `user` by score, best first.
    ///
    /// - Parameters:
    ///   - user: a user of the snapshot.
    ///   - count: the ranking length K (≥ 0).
    ///   - filter: what to leave out: by default every item in the user's history (the
    ///     training interactions and those recorded since); `RankingFilter.excluded`
    ///     is a deny list, `RankingFilter.candidates` an allow list (unknown ids in
    ///     either are ignored).
    /// - Throws: ``ServingError/unknownUser(_:)``, ``ServingError/invalidArgument(name:value:reason:)``
    ///   for a negative count.
    /// - Complexity: O(nk + n log K) over n items, O(|candidates|·k) with an allow list.
    public func recommend(
        user: UserID, count: Int, filter: RankingFilter<ItemID> = RankingFilter()
    ) throws(ServingError) -> [RankedItem<ItemID>] {
        try recommend(users: [user], count: count, filter: filter)[0]
    }

    /// ``recommend(user:count:filter:)`` for a batch of users on this one snapshot (every
    /// user's ranking comes from the same version).
    ///
    /// - Throws: as ``recommend(user:count:filter:)`` (the first unknown user).
    @_specialize(exported: false, where Scalar == Float, UserID == Int, ItemID == Int)
    @_specialize(exported: false, where Scalar == Double, UserID == Int, ItemID == Int)
    public func recommend(
        users: [UserID], count: Int, filter: RankingFilter<ItemID> = RankingFilter()
    ) throws(ServingError) -> [[RankedItem<ItemID>]] {
        guard count >= 0 else { throw .invalidArgument(name: "count", value: "\(count)", reason: "must be non-negative") }
        var indices: [Int] = []
        for user in users {
            guard let u = state.users.index(of: user) else { throw .unknownUser("\(user)") }
            indices.append(u)
        }
        return rank(users: indices, count: count, filter: filter)
    }

    /// Rankings for users at live indices `users`, all with one count and filter.
    @_specialize(exported: false, where Scalar == Float, UserID == Int, ItemID == Int)
    @_specialize(exported: false, where Scalar == Double, UserID == Int, ItemID == Int)
    private func rank(users: [Int], count: Int, filter: RankingFilter<ItemID>) -> [[RankedItem<ItemID>]] {
        let ranked = scanItems(queries: users.map { state.userRows.row($0) }, width: factorCount + 2,
                          cosine: false, counts: users.map { _ in count },
                          excluded: users.map { exclusions(of: $0, filter: filter) }, candidates: filter.candidates)
        return ranked.map(items)
    }

    /// The item positions `filter` leaves out for the user at live index `user`, in any
    /// order (repeats allowed: the scan marks them in a bitset).
    @_specialize(exported: false, where Scalar == Float, UserID == Int, ItemID == Int)
    @_specialize(exported: false, where Scalar == Double, UserID == Int, ItemID == Int)
    private func exclusions(of user: Int, filter: RankingFilter<ItemID>) -> [Int] {
        var denied = filter.excluded.compactMap { state.items.index(of: $0) }
        if filter.excludesTrainingItems {
            let history = state.histories.element(user, 0)
            denied.reserveCapacity(denied.count + history.count)
            for entry in history { denied.append(Int(entry.item)) }
        }
        return denied
    }

    /// Ranked item ids for scanned positions.
    @_specialize(exported: false, where Scalar == Float, UserID == Int, ItemID == Int)
    @_specialize(exported: false, where Scalar == Double, UserID == Int, ItemID == Int)
    private func items(_ positions: [(position: Int, score: Scalar)]) -> [RankedItem<ItemID>] {
        positions.map { RankedItem(id: state.items.id(at: $0.position), score: Double($0.score)) }
    }

    /// Answers several top-K queries from this one snapshot, each with its own user, count
    /// and filter, scanning the item rows once per 32 queries instead of once per query.
    /// Each answer is the one ``recommend(user:count:filter:)`` gives for the query alone,
    /// up to the last bit of the scores: a lone query is one `gemv` per chunk, a batch goes
    /// through the panel kernel (where the processor has it: x86-64 with AVX2 and FMA,
    /// ARM64), which gives a query the same scores to the last bit in any batch of two or
    /// more; without the kernel OpenBLAS rounds a batched product's last bit by the query's
    /// place in it. Only items whose scores agree to the last bit can order differently.
    ///
    /// - Returns: per query, its ranking or the error ``recommend(user:count:filter:)``
    ///   would throw for it; one failing query does not fail the others.
    /// - Complexity: O(nk·⌈b/32⌉ + b·n log K) for b queries without an allow list; a query
    ///   with an allow list costs O(|candidates|·k) on its own.
    @_specialize(exported: false, where Scalar == Float, UserID == Int, ItemID == Int)
    @_specialize(exported: false, where Scalar == Double, UserID == Int, ItemID == Int)
    public func recommend(
        _ queries: [RecommendationQuery<UserID, ItemID>]
    ) -> [Result<[RankedItem<ItemID>], ServingError>] {
        var answers = [Result<[RankedItem<ItemID>], ServingError>?](repeating: nil, count: queries.count)
        var scanned: [(query: Int, user: Int)] = []
        for (q, query) in queries.enumerated() {
            guard query.count >= 0 else {
                answers[q] = .failure(.invalidArgument(name: "count", value: "\(query.count)", reason: "must be non-negative"))
                continue
            }
            guard let u = state.users.index(of: query.user) else {
                answers[q] = .failure(.unknownUser("\(query.user)"))
                continue
            }
            if query.filter.candidates == nil {
                scanned.append((q, u))
            } else {
                answers[q] = .success(rank(users: [u], count: query.count, filter: query.filter)[0])
            }
        }
        let ranked = scanItems(queries: scanned.map { state.userRows.row($0.user) }, width: factorCount + 2,
                          cosine: false, counts: scanned.map { queries[$0.query].count },
                          excluded: scanned.map { exclusions(of: $0.user, filter: queries[$0.query].filter) },
                          candidates: nil)
        for ((q, _), positions) in zip(scanned, ranked) { answers[q] = .success(items(positions)) }
        return answers.map { $0! }
    }

    /// The `count` items most similar to `item` by cosine similarity of their factors
    /// (an item with zero factors has similarity 0), best first, the item itself left out.
    ///
    /// - Parameters:
    ///   - item: the item to compare with.
    ///   - count: the number of items, K.
    ///   - filter: `RankingFilter.excluded` and `RankingFilter.candidates` apply;
    ///     `RankingFilter.excludesTrainingItems` does not.
    /// - Throws: ``ServingError/unknownItem(_:)``, ``ServingError/invalidArgument(name:value:reason:)``.
    /// - Complexity: O(nk + n log K).
    @_specialize(exported: false, where Scalar == Float, UserID == Int, ItemID == Int)
    @_specialize(exported: false, where Scalar == Double, UserID == Int, ItemID == Int)
    public func similarItems(
        to item: ItemID, count: Int, filter: RankingFilter<ItemID> = RankingFilter()
    ) throws(ServingError) -> [RankedItem<ItemID>] {
        guard count >= 0 else { throw .invalidArgument(name: "count", value: "\(count)", reason: "must be non-negative") }
        guard let q = state.items.index(of: item) else { throw .unknownItem("\(item)") }
        let k = factorCount
        let query = state.itemRows.withRow(q) { Array($0[0..<k]) }
        let excluded = filter.excluded.compactMap { state.items.index(of: $0) } + [q]
        let ranked = scanItems(queries: [query], width: k, cosine: true, counts: [count],
                          excluded: [excluded], candidates: filter.candidates)
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
        var having: [Int] = []
        for c in 0..<state.histories.chunkCount {
            let (first, histories) = state.histories.chunk(c)
            for (r, history) in histories.enumerated() where history.contains(where: { Int($0.item) == i }) {
                having.append(first + r)
            }
        }
        let ranked = _bestRows(
            chunks: state.userRows.chunks.map(\.elements), rowsPerChunk: state.userRows.rowsPerChunk,
            rowWidth: state.userRows.width, queries: [state.itemRows.row(i)], width: factorCount + 2, cosine: false,
            excluded: [having], candidates: nil, count: count)
        return ranked[0].map { RankedItem(id: state.users.id(at: $0.position), score: Double($0.score)) }
    }

    /// The best `count` item positions per query; see `_bestRows`.
    private func scanItems(
        queries: [[Scalar]], width: Int, cosine: Bool, counts: [Int], excluded: [[Int]], candidates: Set<ItemID>?
    ) -> [[(position: Int, score: Scalar)]] {
        let rows = state.itemRows
        return _bestRows(
            chunks: rows.chunks.map(\.elements), rowsPerChunk: rows.rowsPerChunk, rowWidth: rows.width,
            ordered: state.itemOrder, queries: queries, width: width, cosine: cosine, excluded: excluded,
            candidates: candidates.map { $0.compactMap { state.items.index(of: $0) }.sorted() }, counts: counts)
    }
}
