/// The result of evaluating a ranker on a test set.
///
/// When the test set holds cold items (catalogue items without training interactions),
/// ``metrics`` covers the warm test items ranked among the warm items and ``coldItems``
/// covers the cold test items ranked among the cold items only; otherwise ``metrics``
/// covers every test item ranked among the whole catalogue and ``coldItems`` is `nil`.
public struct EvaluationReport<UserID: Hashable & Sendable>: Sendable {
    /// One user's metrics.
    public struct UserEntry: Sendable {
        /// The user.
        public var user: UserID
        /// The user's metrics.
        public var metrics: UserRankingMetrics
    }

    /// The ranking metrics (warm items when the test set holds cold items).
    public var metrics: RankingMetrics
    /// The per-user values behind ``metrics``, in ascending user id order, when asked for.
    public var perUser: [UserEntry]?
    /// The cold-item ranking metrics, when the test set holds cold items.
    public var coldItems: RankingMetrics?
    /// The per-user values behind ``coldItems``, when asked for.
    public var coldItemsPerUser: [UserEntry]?
    /// Root mean squared error of the scores against the test values, for models whose
    /// scores estimate values.
    public var rmse: Double?
    /// Mean absolute error, likewise.
    public var mae: Double?
    /// Test users the model has no factors for; they are left out of every metric.
    public var skippedUsers: Int
    /// Test interactions whose item is outside the catalogue (counted as misses).
    public var testItemsOutsideCatalogue: Int
}
