/// Ranking metrics at a cut-off K, averaged over the evaluated users.
///
/// Each metric is the mean of ``UserRankingMetrics`` over the users with at least one
/// test item in the report (AUC over those whose AUC is defined), except coverage@K: the
/// share of the report's ranked items that appear in at least one evaluated user's top K.
/// Every value is 0 when no user was evaluated.
public struct RankingMetrics: Sendable, Equatable {
    /// The cut-off K.
    public var k: Int
    /// The number of users averaged over.
    public var usersEvaluated: Int
    /// The number of items ranked (the catalogue, or the cold items of a cold-item report).
    public var items: Int
    /// Mean precision@K.
    public var precision: Double
    /// Mean recall@K.
    public var recall: Double
    /// Mean NDCG@K.
    public var ndcg: Double
    /// MAP@K, the mean of AP@K.
    public var map: Double
    /// Mean hit rate@K.
    public var hitRate: Double
    /// MRR@K, the mean reciprocal rank of the first hit.
    public var mrr: Double
    /// Mean AUC.
    public var auc: Double
    /// coverage@K.
    public var coverage: Double

    /// Averages per-user metrics.
    ///
    /// - Parameters:
    ///   - users: one entry per evaluated user.
    ///   - k: the cut-off K the entries were computed at.
    ///   - coveredItems: the number of distinct items in the evaluated users' top K.
    ///   - items: the number of items that could be ranked.
    public init(averaging users: [UserRankingMetrics], k: Int, coveredItems: Int, items: Int) {
        self.k = k
        self.usersEvaluated = users.count
        self.items = items
        func mean(_ value: (UserRankingMetrics) -> Double) -> Double {
            users.isEmpty ? 0 : users.reduce(0) { $0 + value($1) } / Double(users.count)
        }
        precision = mean(\.precision)
        recall = mean(\.recall)
        ndcg = mean(\.ndcg)
        map = mean(\.averagePrecision)
        hitRate = mean(\.hitRate)
        mrr = mean(\.reciprocalRank)
        let aucs = users.compactMap(\.auc)
        auc = aucs.isEmpty ? 0 : aucs.reduce(0, +) / Double(aucs.count)
        coverage = items == 0 ? 0 : Double(coveredItems) / Double(items)
    }
}
