import LinearAlgebra

extension Popularity {
    /// Creates a popularity model from its parts, for example read back from a file.
    ///
    /// - Parameters:
    ///   - userIDs: the users the model ranks for.
    ///   - itemIDs: the items, in the order of `itemCounts`.
    ///   - itemCounts: the `itemIDs.count × 1` interaction counts.
    /// - Throws: ``FactorizationError/inconsistentData(_:)`` when the counts are not one
    ///   per item, and ``FactorizationError/linearAlgebra(_:)`` wrapping
    ///   `LinearAlgebraError.nonFiniteValue` for NaN or infinity.
    public init(userIDs: IDMap<UserID>, itemIDs: IDMap<ItemID>, itemCounts: Matrix<Scalar>) throws(FactorizationError) {
        guard itemCounts.rowCount == itemIDs.count, itemCounts.columnCount == 1 else {
            throw .inconsistentData("popularity counts \(itemCounts.rowCount)×\(itemCounts.columnCount) for \(itemIDs.count) items")
        }
        do { try itemCounts.validateFinite("popularity counts") } catch { throw .linearAlgebra(error) }
        self.userIDs = userIDs
        self.itemIDs = itemIDs
        self.userFactors = Matrix(rowCount: userIDs.count, columnCount: 1, repeating: 1)
        self.itemFactors = itemCounts
    }
}
