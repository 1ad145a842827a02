/// One entry of a ranking: an external id and its score.
///
/// Rankings are arrays of these in rank order: the best first.
public struct RankedItem<ID: Hashable & Sendable>: Sendable {
    /// The external id of the ranked item (or user, for similar users).
    public var id: ID
    /// The score that placed it: a model score, a cosine similarity, or a blended score.
    public var score: Double

    /// Creates an entry.
    public init(id: ID, score: Double) {
        self.id = id
        self.score = score
    }
}

extension RankedItem: Equatable {}
extension RankedItem: Hashable {}
