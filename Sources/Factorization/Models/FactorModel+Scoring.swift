import LinearAlgebra

extension FactorModel {
    /// The score of user index `userIndex` for item index `itemIndex`:
    /// uᵤᵀvᵢ + μ + bᵤ + cᵢ (biases when present).
    ///
    /// - Precondition: both indices are in range.
    /// - Complexity: O(k).
    public func score(userIndex: Int, itemIndex: Int) -> Scalar {
        precondition(userIndex >= 0 && userIndex < userFactors.rowCount,
                     "User index \(userIndex) out of range for \(userFactors.rowCount) users")
        precondition(itemIndex >= 0 && itemIndex < itemFactors.rowCount,
                     "Item index \(itemIndex) out of range for \(itemFactors.rowCount) items")
        var result = globalBias
        userFactors.withRow(userIndex) { u in
            itemFactors.withRow(itemIndex) { v in
                for j in 0..<u.count { result += u[j] * v[j] }
            }
        }
        if let userBiases { result += userBiases[userIndex] }
        if let itemBiases { result += itemBiases[itemIndex] }
        return result
    }

    /// The score of `user` for `item` by external id.
    ///
    /// - Throws: ``FactorizationError/unknownID(kind:id:)`` when the model does not know
    ///   the user or the item.
    public func score(user: UserID, item: ItemID) throws(FactorizationError) -> Scalar {
        guard let u = userIDs.index(of: user) else { throw .unknownID(kind: "user", id: "\(user)") }
        guard let i = itemIDs.index(of: item) else { throw .unknownID(kind: "item", id: "\(item)") }
        return score(userIndex: u, itemIndex: i)
    }
}
