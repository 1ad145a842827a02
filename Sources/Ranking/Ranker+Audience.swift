import LinearAlgebra

extension Ranker {
    /// The `count` users an item would be recommended to first: the users whose score for
    /// `item` is highest, highest first, leaving out the users who already have it among
    /// their training interactions. Ties are broken by ascending user id (ranker order).
    ///
    /// Use it to see who a newly placed item reaches, or to target a campaign.
    ///
    /// - Throws: ``RankingError/unknownItem(_:)``, and ``RankingError/invalidArgument(_:)``
    ///   for a negative `count`.
    /// - Complexity: O(m·k + m log m).
    public func audience(of item: ItemID, count: Int) throws(RankingError) -> [RankedItem<UserID>] {
        guard let i = catalogue.index(of: item) else { throw .unknownItem("\(item)") }
        guard count >= 0 else { throw .invalidArgument("ranking length must be non-negative, got \(count)") }
        var scored: [(user: Int, score: Scalar)] = []
        scored.reserveCapacity(users.count)
        for u in 0..<users.count {
            if trainingItems(ofUser: u).contains(Int32(i)) { continue }
            scored.append((u, score(userIndex: u, itemIndex: i)))
        }
        let top = scored.sorted { $0.score > $1.score || ($0.score == $1.score && $0.user < $1.user) }.prefix(count)
        return top.map { RankedItem(id: users.id(at: $0.user), score: Double($0.score)) }
    }
}
