import LinearAlgebra

extension Ranker {
    /// Re-orders `ranking` by maximal marginal relevance (see
    /// ``maximalMarginalRelevance(relevance:count:lambda:similarity:)``), with the entries'
    /// scores as relevance and the cosine similarity of the item factors as similarity.
    ///
    /// Entries keep their original scores; only the order (and the length, `count`) change.
    ///
    /// - Throws: ``RankingError/unknownItem(_:)`` for an entry outside the catalogue, and
    ///   ``RankingError/invalidArgument(_:)`` unless `0 ≤ λ ≤ 1`.
    /// - Complexity: O(count · |ranking| · k).
    public func diversified(
        _ ranking: [RankedItem<ItemID>], count: Int, lambda: Double
    ) throws(RankingError) -> [RankedItem<ItemID>] {
        var rows: [Int] = []
        for entry in ranking {
            guard let i = catalogue.index(of: entry.id) else { throw .unknownItem("\(entry.id)") }
            rows.append(i)
        }
        let k = factorCount
        var vectors = Matrix<Scalar>(rowCount: rows.count, columnCount: k)
        for (position, row) in rows.enumerated() { itemFactors.withRow(row) { vectors.setRow(position, to: $0) } }
        vectors.normalizeRows()
        let order = try maximalMarginalRelevance(relevance: ranking.map(\.score), count: count, lambda: lambda) { i, j in
            vectors.withRow(i) { a in vectors.withRow(j) { b in
                var sum = 0.0
                for t in 0..<k { sum += Double(a[t]) * Double(b[t]) }
                return sum
            } }
        }
        return order.map { ranking[$0] }
    }
}
