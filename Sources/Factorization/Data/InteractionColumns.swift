/// The column names of an interactions file.
///
/// ``automatic`` finds MovieLens columns (`userId,movieId,rating,timestamp`) and common
/// alternatives; set names to read other layouts.
public struct InteractionColumns: Sendable, Hashable {
    /// The user id column; `nil` looks for `userId`, `user_id`, `user`.
    public var user: String?
    /// The item id column; `nil` looks for `movieId`, `itemId`, `item_id`, `item`, `movie_id`.
    public var item: String?
    /// The value column; `nil` looks for `rating`, `value`, `weight`, `count`, and uses
    /// 1 for every record when none is present (implicit feedback).
    public var value: String?
    /// The time stamp column; `nil` looks for `timestamp`, `time`; records have no time
    /// stamp when none is present.
    public var timestamp: String?

    /// Names the columns; each `nil` is detected from the header.
    public init(user: String? = nil, item: String? = nil, value: String? = nil, timestamp: String? = nil) {
        self.user = user
        self.item = item
        self.value = value
        self.timestamp = timestamp
    }

    /// Detect every column from the header.
    public static var automatic: InteractionColumns { InteractionColumns() }

    package static let userCandidates = ["userId", "user_id", "user", "userID"]
    static let itemCandidates = ["movieId", "itemId", "item_id", "item", "movie_id", "itemID"]
    static let valueCandidates = ["rating", "value", "weight", "count", "score"]
    static let timestampCandidates = ["timestamp", "time", "ts"]
}
