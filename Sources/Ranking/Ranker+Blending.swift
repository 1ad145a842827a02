import LinearAlgebra

/// How each model's scores are put on a common scale before they are blended.
public enum BlendNormalization: Sendable, Hashable {
    /// Use the raw scores.
    case none
    /// Standardise each model's scores for the user over the eligible items (zero mean,
    /// unit standard deviation; a constant score becomes 0).
    case standardized
}

extension Ranker {
    /// The `count` best items for `user` by a weighted sum of several models' scores,
    /// Σₘ wₘ · normₘ(score), best first, ties by catalogue order.
    ///
    /// Every ranker must have the same catalogue. An item is eligible when it passes
    /// `filter` for every ranker (so the training items of each are left out by default).
    ///
    /// - Parameters:
    ///   - components: the rankers and their weights.
    ///   - user: the user, known to every ranker.
    ///   - count: K, the length of the ranking.
    ///   - filter: exclusions and candidates, applied for every ranker.
    ///   - normalization: how each model's scores are scaled before the weighted sum.
    /// - Throws: ``RankingError/invalidArgument(_:)`` when there is no component or the
    ///   catalogues differ, and ``RankingError/unknownUser(_:)`` when a ranker does not know the user.
    /// - Complexity: O(M · n · k) for M models.
    public static func blendedRecommendations(
        _ components: [(ranker: Ranker, weight: Double)], user: UserID, count: Int,
        filter: RankingFilter<ItemID> = RankingFilter(), normalization: BlendNormalization = .standardized
    ) throws(RankingError) -> [RankedItem<ItemID>] {
        guard let first = components.first?.ranker else { throw .invalidArgument("blending needs at least one model") }
        guard count >= 0 else { throw .invalidArgument("ranking length must be non-negative, got \(count)") }
        let n = first.catalogue.count
        let universe = first.universe(for: filter)
        var eligible = [Bool](repeating: true, count: universe.count)
        for id in filter.excluded {
            if let c = first.catalogue.index(of: id), case let p = universe.position(ofCatalogueIndex: c), p >= 0 {
                eligible[p] = false
            }
        }
        var rows: [[Scalar]] = []
        for (ranker, _) in components {
            guard ranker.catalogue == first.catalogue else {
                throw .invalidArgument("blended rankers must share one catalogue (\(ranker.catalogue.count) vs \(n) items)")
            }
            guard let u = ranker.users.index(of: user) else { throw .unknownUser("\(user)") }
            if filter.excludesTrainingItems {
                for c in ranker.trainingItems(ofUser: u) {
                    let p = universe.position(ofCatalogueIndex: Int(c))
                    if p >= 0 { eligible[p] = false }
                }
            }
            let componentUniverse = _ScoringUniverse(
                vectors: ranker.universe(for: filter).vectors, like: universe)
            rows.append(_mapScoreRows(queries: ranker.userVectors, rows: [u], universe: componentUniverse,
                                      blockSize: 1) { _, scores in Array(scores) }[0])
        }
        var blended = [Double](repeating: 0, count: universe.count)
        for ((_, weight), row) in zip(components, rows) {
            var shift = 0.0, scale = 1.0
            if normalization == .standardized {
                let values = zip(row, eligible).filter(\.1).map { Double($0.0) }
                if !values.isEmpty {
                    let mean = values.reduce(0, +) / Double(values.count)
                    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
                    shift = mean
                    scale = variance > 0 ? 1 / variance.squareRoot() : 0
                }
            }
            for p in 0..<blended.count { blended[p] += weight * (Double(row[p]) - shift) * scale }
        }
        var selection = _TopKSelection<Double>(capacity: count)
        for p in 0..<blended.count where eligible[p] { selection.offer(position: p, score: blended[p]) }
        return selection.sorted().map {
            RankedItem(id: first.catalogue.id(at: universe.catalogueIndex(ofPosition: $0.position)), score: $0.score)
        }
    }
}

extension _ScoringUniverse {
    /// `vectors` over the same positions as `other`.
    init(vectors: Matrix<Scalar>, like other: _ScoringUniverse) {
        self.vectors = vectors
        self.catalogueIndices = other.catalogueIndices
        self.positions = other.positions
    }
}
