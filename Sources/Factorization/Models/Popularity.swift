import LinearAlgebra

/// The most-popular baseline: every user gets the same score for an item, the number of
/// training interactions of that item.
///
/// It conforms to ``FactorModel`` with one factor: user factors are all 1 and item
/// factors are the interaction counts, so uᵤᵀvᵢ = count(i). It is the floor every
/// personalised model has to beat, and it lets the ranking and evaluation pipeline run
/// without a trained factorization.
public struct Popularity<Scalar: BLASScalar, UserID: Hashable & Sendable, ItemID: Hashable & Sendable>: FactorModel {
    /// The training users.
    public let userIDs: IDMap<UserID>
    /// The training items.
    public let itemIDs: IDMap<ItemID>
    /// `userCount × 1`, every entry 1.
    public let userFactors: Matrix<Scalar>
    /// `itemCount × 1`, the number of training interactions of each item.
    public let itemFactors: Matrix<Scalar>

    /// Counts the interactions of every item (distinct users, whatever the values).
    ///
    /// - Complexity: O(users + items).
    public init(fitting interactions: Interactions<UserID, ItemID>) {
        userIDs = interactions.userIDs
        itemIDs = interactions.itemIDs
        userFactors = Matrix(rowCount: interactions.userCount, columnCount: 1, repeating: 1)
        var counts = Matrix<Scalar>(rowCount: interactions.itemCount, columnCount: 1)
        for i in 0..<interactions.itemCount {
            counts[i, 0] = Scalar(interactions.byItem.nonZeroCount(inRow: i))
        }
        itemFactors = counts
    }
}
