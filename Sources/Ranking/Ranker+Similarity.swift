import LinearAlgebra

extension Ranker {
    /// The `count` catalogue items most similar to `item` by cosine similarity of the item
    /// factors, most similar first; the item itself is never returned.
    ///
    /// Items without factors (or with zero factors) have similarity 0 to every item. Ties
    /// are broken by catalogue order. `filter.excludesTrainingItems` does not apply.
    ///
    /// - Throws: ``RankingError/unknownItem(_:)``, and ``RankingError/invalidArgument(_:)``
    ///   for a negative `count`.
    /// - Complexity: O(n·k + n log K).
    public func similarItems(
        to item: ItemID, count: Int, filter: RankingFilter<ItemID> = RankingFilter()
    ) throws(RankingError) -> [RankedItem<ItemID>] {
        try similarItems(to: [item], count: count, filter: filter, blockSize: 1)[0]
    }

    /// ``similarItems(to:count:filter:)`` for each of `items`, computed in blocks like
    /// ``recommend(users:count:filter:blockSize:)``.
    ///
    /// - Throws: ``RankingError/unknownItem(_:)`` for the first item outside the catalogue,
    ///   and ``RankingError/invalidArgument(_:)`` for a negative `count`.
    public func similarItems(
        to items: [ItemID], count: Int, filter: RankingFilter<ItemID> = RankingFilter(), blockSize: Int? = nil
    ) throws(RankingError) -> [[RankedItem<ItemID>]] {
        guard count >= 0 else { throw .invalidArgument("ranking length must be non-negative, got \(count)") }
        var queries: [Int] = []
        for item in items {
            guard let i = catalogue.index(of: item) else { throw .unknownItem("\(item)") }
            queries.append(i)
        }
        let normalized = itemFactors.rowNormalized()
        let universe = filter.candidates.map {
            _ScoringUniverse(normalized, restrictedTo: $0.compactMap { catalogue.index(of: $0) })
        } ?? _ScoringUniverse(all: normalized)
        let denied = filter.excluded.compactMap { catalogue.index(of: $0) }
        let ranked = Self.similar(queries: queries, in: normalized, universe: universe, denied: denied, count: count,
                                  blockSize: blockSize)
        return ranked.map { row in row.map { RankedItem(id: catalogue.id(at: $0.index), score: Double($0.score)) } }
    }

    /// The `count` users most similar to `user` by cosine similarity of the user factors,
    /// most similar first; the user itself is never returned. Ties are broken by ascending
    /// user id. `filter.excludesTrainingItems` does not apply.
    ///
    /// - Throws: ``RankingError/unknownUser(_:)``, and ``RankingError/invalidArgument(_:)``
    ///   for a negative `count`.
    /// - Complexity: O(m·k + m log K).
    public func similarUsers(
        to user: UserID, count: Int, filter: RankingFilter<UserID> = RankingFilter()
    ) throws(RankingError) -> [RankedItem<UserID>] {
        guard let u = users.index(of: user) else { throw .unknownUser("\(user)") }
        guard count >= 0 else { throw .invalidArgument("ranking length must be non-negative, got \(count)") }
        let normalized = userFactors.rowNormalized()
        let universe = filter.candidates.map {
            _ScoringUniverse(normalized, restrictedTo: $0.compactMap { users.index(of: $0) })
        } ?? _ScoringUniverse(all: normalized)
        let denied = filter.excluded.compactMap { users.index(of: $0) }
        let ranked = Self.similar(queries: [u], in: normalized, universe: universe, denied: denied, count: count,
                                  blockSize: 1)
        return ranked[0].map { RankedItem(id: users.id(at: $0.index), score: Double($0.score)) }
    }

    /// Top-K cosine neighbours of the query rows (indices into `vectors`), leaving out each
    /// query itself and the `denied` indices.
    static func similar(
        queries: [Int], in vectors: Matrix<Scalar>, universe: _ScoringUniverse<Scalar>, denied: [Int], count: Int,
        blockSize: Int?
    ) -> [[(index: Int, score: Scalar)]] {
        precondition(count >= 0, "Ranking length must be non-negative, got \(count)")
        let deniedPositions = denied.map { universe.position(ofCatalogueIndex: $0) }.filter { $0 >= 0 }.sorted()
        let ranked = _tiledTopK(
            count, queries: vectors, rows: queries, universe: universe,
            excluding: { query, positions in
                let own = universe.position(ofCatalogueIndex: queries[query])
                if own >= 0 { positions.append(Int32(own)) }
            },
            denied: deniedPositions, tiling: .standard(universeCount: universe.count, rows: blockSize))
        return ranked.map { row in row.map { (universe.catalogueIndex(ofPosition: $0.position), $0.score) } }
    }
}
