import Factorization

/// A train/test split of interaction records.
///
/// Every strategy (``randomHoldout(of:testFraction:using:)``, ``temporalHoldout(of:testFraction:)``,
/// ``leaveKOut(of:count:latest:using:)``, ``coldItems(of:fraction:using:)``,
/// ``coldUsers(of:fraction:using:)``) puts each stored interaction in exactly one of the
/// two sets and visits users and items in ascending id order (``catalogueOrder(of:)``),
/// so a split depends only on the data and the generator's seed, never on input order.
///
/// ```swift
/// var generator = SplitMix64(seed: 42)
/// let split = try Split.randomHoldout(of: data, testFraction: 0.2, using: &generator)
/// let train = try split.trainInteractions()
/// ```
public struct Split<UserID: Hashable & Sendable, ItemID: Hashable & Sendable>: Sendable {
    /// A record of the split.
    public typealias Record = Interactions<UserID, ItemID>.Record

    /// The training records, by user then item in ascending id order.
    public var train: [Record]
    /// The test records, likewise.
    public var test: [Record]
    /// The held-out items of a cold-item split, in ascending id order; otherwise `nil`.
    public var coldItems: [ItemID]?
    /// The held-out users of a cold-user split, in ascending id order; otherwise `nil`.
    public var coldUsers: [UserID]?

    /// Creates a split from its parts.
    public init(train: [Record], test: [Record], coldItems: [ItemID]? = nil, coldUsers: [UserID]? = nil) {
        self.train = train
        self.test = test
        self.coldItems = coldItems
        self.coldUsers = coldUsers
    }

    /// The training records as interactions.
    ///
    /// - Throws: `FactorizationError` for a non-finite value.
    public func trainInteractions() throws(FactorizationError) -> Interactions<UserID, ItemID> {
        try Interactions(train)
    }

    /// The test records as interactions, with the training ids first so that indices agree.
    ///
    /// - Throws: `FactorizationError` for a non-finite value.
    public func testInteractions() throws(FactorizationError) -> Interactions<UserID, ItemID> {
        let training = try trainInteractions()
        return try Interactions(test, userIDs: training.userIDs, itemIDs: training.itemIDs)
    }
}
