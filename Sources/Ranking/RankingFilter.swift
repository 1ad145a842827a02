/// Which catalogue items a ranking may return.
///
/// Ids that are not in the catalogue are ignored in both lists.
public struct RankingFilter<ItemID: Hashable & Sendable>: Sendable {
    /// Whether to leave out the items of the user's training interactions (default `true`).
    /// Similar-item and similar-user rankings ignore it.
    public var excludesTrainingItems: Bool
    /// Items never to return (a deny list).
    public var excluded: Set<ItemID>
    /// When set, only these items may be returned (an allow list).
    public var candidates: Set<ItemID>?

    /// Creates a filter; the default excludes training items only.
    public init(excludesTrainingItems: Bool = true, excluded: Set<ItemID> = [], candidates: Set<ItemID>? = nil) {
        self.excludesTrainingItems = excludesTrainingItems
        self.excluded = excluded
        self.candidates = candidates
    }
}
