/// The ranking metrics of one user at a cut-off K.
///
/// With Tᵤ the user's test items (items outside the catalogue included, as misses) and
/// relᵣ = 1 when the item at rank r is in Tᵤ:
///
/// - precision@K = hits / K (K even when fewer than K items were ranked)
/// - recall@K = hits / |Tᵤ|
/// - NDCG@K = Σ_{r≤K} relᵣ / log₂(r+1) divided by Σ_{r≤min(K,|Tᵤ|)} 1 / log₂(r+1)
/// - AP@K = Σ_{r≤K} P@r · relᵣ / min(K, |Tᵤ|)
/// - hit rate@K = 1 when hits > 0, else 0
/// - reciprocal rank@K = 1 / (rank of the first hit), 0 when there is none in the top K
/// - AUC: see ``areaUnderCurve(positiveScores:negativeScores:)``.
public struct UserRankingMetrics: Sendable, Equatable {
    /// |Tᵤ|, the number of test items.
    public var testItemCount: Int
    /// The number of test items in the top K.
    public var hits: Int
    /// hits / K.
    public var precision: Double
    /// hits / |Tᵤ|.
    public var recall: Double
    /// Normalised discounted cumulative gain with binary gains.
    public var ndcg: Double
    /// Average precision, normalised by min(K, |Tᵤ|).
    public var averagePrecision: Double
    /// 1 when a test item is in the top K.
    public var hitRate: Double
    /// 1 / rank of the first hit in the top K, or 0.
    public var reciprocalRank: Double
    /// The area under the ROC curve, or `nil` when the user has no positive or no negative
    /// in the catalogue.
    public var auc: Double?

    /// Computes the top-K metrics of one ranking.
    ///
    /// - Parameters:
    ///   - relevance: for each ranked item, best first, whether it is a test item; only the
    ///     first `k` entries count.
    ///   - testItemCount: |Tᵤ|, at least 1.
    ///   - k: the cut-off K, at least 1.
    ///   - auc: the user's AUC, if defined.
    /// - Precondition: `k >= 1`, `testItemCount >= 1`, and the hits do not exceed `testItemCount`.
    public init(relevance: [Bool], testItemCount: Int, k: Int, auc: Double? = nil) {
        precondition(k >= 1, "The cut-off K must be at least 1, got \(k)")
        precondition(testItemCount >= 1, "A user needs at least one test item, got \(testItemCount)")
        let ranked = relevance.prefix(k)
        var hits = 0, dcg = 0.0, precisionSum = 0.0, reciprocalRank = 0.0
        for (offset, relevant) in ranked.enumerated() where relevant {
            let rank = offset + 1
            hits += 1
            dcg += 1 / _log2(Double(rank + 1))
            precisionSum += Double(hits) / Double(rank)
            if reciprocalRank == 0 { reciprocalRank = 1 / Double(rank) }
        }
        precondition(hits <= testItemCount, "\(hits) hits exceed the \(testItemCount) test items")
        let idealCount = min(k, testItemCount)
        var ideal = 0.0
        for rank in 1...idealCount { ideal += 1 / _log2(Double(rank + 1)) }
        self.testItemCount = testItemCount
        self.hits = hits
        precision = Double(hits) / Double(k)
        recall = Double(hits) / Double(testItemCount)
        ndcg = dcg / ideal
        averagePrecision = precisionSum / Double(idealCount)
        hitRate = hits > 0 ? 1 : 0
        self.reciprocalRank = reciprocalRank
        self.auc = auc
    }

    /// The probability that a positive scores above a negative (Mann–Whitney U / (|P|·|N|)),
    /// ties counting ½; `nil` when either set is empty.
    ///
    /// - Complexity: O((|P| + |N|) log |N|).
    public static func areaUnderCurve<S: BinaryFloatingPoint>(positiveScores: [S], negativeScores: [S]) -> Double? {
        guard !positiveScores.isEmpty, !negativeScores.isEmpty else { return nil }
        let negatives = negativeScores.sorted()
        var wins = 0.0
        for score in positiveScores {
            let below = negatives.partitioningIndex { $0 >= score }
            let notAbove = negatives.partitioningIndex { $0 > score }
            wins += Double(below) + 0.5 * Double(notAbove - below)
        }
        return wins / (Double(positiveScores.count) * Double(negativeScores.count))
    }
}

extension Array {
    /// The first index whose element satisfies `predicate`, which must be false then true
    /// along the array (binary search).
    func partitioningIndex(where predicate: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            if predicate(self[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
