import Ranking

/// One top-K request — a user, a ranking length and a filter — for the batched reads
/// ``LiveSnapshot/recommend(_:)`` and ``RecommendationBatcher/recommend(_:)``.
public struct RecommendationQuery<UserID: Hashable & Sendable, ItemID: Hashable & Sendable>: Sendable {
    /// The user to rank items for.
    public var user: UserID
    /// The ranking length K (≥ 0).
    public var count: Int
    /// What to leave out; see ``LiveSnapshot/recommend(user:count:filter:)``.
    public var filter: RankingFilter<ItemID>

    /// Creates a query; by default the user's history is left out.
    public init(user: UserID, count: Int, filter: RankingFilter<ItemID> = RankingFilter()) {
        self.user = user
        self.count = count
        self.filter = filter
    }
}
