import Factorization
import LinearAlgebra

extension Ranker {
    /// The `count` best catalogue items for `user`, best first.
    ///
    /// Ties in score are broken by catalogue order (ascending item id). Fewer than `count`
    /// items come back when fewer pass the filter.
    ///
    /// - Parameters:
    ///   - user: a user of the model.
    ///   - count: K, the length of the ranking.
    ///   - filter: exclusions and candidates; by default the user's training items are left out.
    /// - Throws: ``RankingError/unknownUser(_:)``, and ``RankingError/invalidArgument(_:)``
    ///   for a negative `count`.
    /// - Complexity: O(n·k + n log K) for n catalogue items (or candidates) and k factors.
    public func recommend(
        user: UserID, count: Int, filter: RankingFilter<ItemID> = RankingFilter()
    ) throws(RankingError) -> [RankedItem<ItemID>] {
        try recommend(users: [user], count: count, filter: filter, blockSize: 1)[0]
    }

    /// The `count` best catalogue items for each of `users`, in the order given; the same
    /// result as calling ``recommend(user:count:filter:)`` for each user.
    ///
    /// Users are scored in blocks of `blockSize`, in parallel on `Parallel`; each block is
    /// scored against the catalogue one tile of 1,024 items at a time (one gemm per tile,
    /// BLAS on one thread), and each user's selection keeps its K-th best score as a
    /// threshold, so most scores are rejected by one compare while the tile is still in
    /// cache. Scratch memory is one `blockSize × 1,024` tile per thread (or `blockSize × n`
    /// when that is at most 256K scalars), never `users × items`.
    ///
    /// - Parameters:
    ///   - users: users of the model.
    ///   - count: K, the length of each ranking.
    ///   - filter: exclusions and candidates; by default each user's training items are left out.
    ///   - blockSize: users per block; by default 256. It bounds memory; the lists do not
    ///     depend on it (but see the note on rounding in Docs/Ranking.md).
    /// - Throws: ``RankingError/unknownUser(_:)`` for the first unknown user, and
    ///   ``RankingError/invalidArgument(_:)`` for a negative `count`.
    /// - Complexity: O(|users|·n·k) for the products, O(|users|·n) compares, and
    ///   O(|users|·n log K) at worst for the selection.
    public func recommend(
        users: [UserID], count: Int, filter: RankingFilter<ItemID> = RankingFilter(), blockSize: Int? = nil
    ) throws(RankingError) -> [[RankedItem<ItemID>]] {
        guard count >= 0 else { throw .invalidArgument("ranking length must be non-negative, got \(count)") }
        var indices: [Int] = []
        indices.reserveCapacity(users.count)
        for user in users {
            guard let u = self.users.index(of: user) else { throw .unknownUser("\(user)") }
            indices.append(u)
        }
        return recommend(userIndices: indices, count: count, filter: filter, blockSize: blockSize)
    }

    /// The `count` best catalogue items for the users at ranker indices `userIndices`
    /// (indices into ``users``); see ``recommend(users:count:filter:blockSize:)``.
    ///
    /// - Precondition: every index is in `0..<users.count`, `count >= 0`.
    public func recommend(
        userIndices: [Int], count: Int, filter: RankingFilter<ItemID> = RankingFilter(), blockSize: Int? = nil
    ) -> [[RankedItem<ItemID>]] {
        recommend(userIndices: userIndices, count: count, filter: filter) {
            .standard(universeCount: $0, rows: blockSize)
        }
    }

    /// The `count` best catalogue items for the users at ranker indices `userIndices`,
    /// scored with an explicit tiling; for benchmarks that compare tilings and threading.
    package func recommend(
        userIndices: [Int], count: Int, filter: RankingFilter<ItemID> = RankingFilter(), tiling: _TopKTiling
    ) -> [[RankedItem<ItemID>]] {
        recommend(userIndices: userIndices, count: count, filter: filter) { _ in tiling }
    }

    private func recommend(
        userIndices: [Int], count: Int, filter: RankingFilter<ItemID>, tiling: (_ universeCount: Int) -> _TopKTiling
    ) -> [[RankedItem<ItemID>]] {
        let universe = universe(for: filter)
        let denied = filter.excluded.compactMap { catalogue.index(of: $0) }
            .map { universe.position(ofCatalogueIndex: $0) }.filter { $0 >= 0 }.sorted()
        let ranked = topK(userIndices: userIndices, count: count, universe: universe,
                          excludingTraining: filter.excludesTrainingItems, denied: denied,
                          tiling: tiling(universe.count))
        return ranked.map { row in
            row.map {
                RankedItem(id: catalogue.id(at: universe.catalogueIndex(ofPosition: $0.position)), score: Double($0.score))
            }
        }
    }

    /// The scoring universe for a filter: the whole catalogue, or its candidates.
    func universe(for filter: RankingFilter<ItemID>) -> _ScoringUniverse<Scalar> {
        guard let candidates = filter.candidates else { return _ScoringUniverse(all: itemVectors) }
        return _ScoringUniverse(itemVectors, restrictedTo: candidates.compactMap { catalogue.index(of: $0) })
    }

    /// Top-K by universe position for users at ranker indices, skipping training items (when
    /// asked) and the universe positions in `denied` (ascending).
    func topK(
        userIndices: [Int], count: Int, universe: _ScoringUniverse<Scalar>, excludingTraining: Bool,
        denied: [Int], tiling: _TopKTiling
    ) -> [[(position: Int, score: Scalar)]] {
        precondition(count >= 0, "Ranking length must be non-negative, got \(count)")
        for u in userIndices {
            precondition(u >= 0 && u < users.count, "User index \(u) out of range for \(users.count) users")
        }
        return _tiledTopK(
            count, queries: userVectors, rows: userIndices, universe: universe,
            excluding: { query, positions in
                guard excludingTraining else { return }
                let items = trainingItems(ofUser: userIndices[query])
                if universe.positions == nil {
                    positions.append(contentsOf: items)
                } else {
                    for item in items {
                        let position = universe.position(ofCatalogueIndex: Int(item))
                        if position >= 0 { positions.append(Int32(position)) }
                    }
                }
            },
            denied: denied, tiling: tiling)
    }
}
