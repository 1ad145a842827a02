import Factorization

extension Split {
    /// Per-user random holdout: for each user, round(f·nᵤ) of their nᵤ interactions
    /// (rounded half to even), drawn uniformly without replacement, go to test.
    ///
    /// - Throws: ``RankingError/invalidArgument(_:)`` unless `0 ≤ testFraction ≤ 1`.
    /// - Complexity: O(nnz log d) for at most d interactions per user.
    public static func randomHoldout(
        of data: Interactions<UserID, ItemID>, testFraction: Double, using generator: inout some RandomNumberGenerator
    ) throws(RankingError) -> Split {
        try checkFraction(testFraction)
        return perUser(data) { entries, _ in
            let testCount = heldOutCount(testFraction, of: entries.count)
            let permutation = _permutation(entries.count, using: &generator)
            return Set(permutation.prefix(testCount))
        }
    }

    /// Per-user temporal holdout: for each user, the last round(f·nᵤ) interactions by time
    /// stamp go to test (equal time stamps ordered by ascending item id).
    ///
    /// - Throws: ``RankingError/missingTimestamps(operation:)`` when the data has no time
    ///   stamps; ``RankingError/invalidArgument(_:)`` unless `0 ≤ testFraction ≤ 1`.
    public static func temporalHoldout(
        of data: Interactions<UserID, ItemID>, testFraction: Double
    ) throws(RankingError) -> Split {
        try checkFraction(testFraction)
        guard let stamps = data.timestamps else { throw .missingTimestamps(operation: "temporal holdout") }
        return perUser(data) { entries, offsets in
            let testCount = heldOutCount(testFraction, of: entries.count)
            let byTime = entries.indices.sorted { (stamps[offsets[$0]], $0) < (stamps[offsets[$1]], $1) }
            return Set(byTime.suffix(testCount))
        }
    }

    /// Leave-k-out: for each user with more than `count` interactions, `count` of them go
    /// to test — drawn at random, or the latest by time stamp when `latest` is `true`.
    /// Users with `count` or fewer interactions stay wholly in training.
    ///
    /// - Throws: ``RankingError/invalidArgument(_:)`` for a negative count,
    ///   ``RankingError/missingTimestamps(operation:)`` when `latest` and the data has none.
    public static func leaveKOut(
        of data: Interactions<UserID, ItemID>, count: Int, latest: Bool = false,
        using generator: inout some RandomNumberGenerator
    ) throws(RankingError) -> Split {
        guard count >= 0 else { throw .invalidArgument("leave-k-out needs k ≥ 0, got \(count)") }
        let stamps = data.timestamps
        if latest && stamps == nil { throw .missingTimestamps(operation: "leave-k-out by time") }
        return perUser(data) { entries, offsets in
            guard entries.count > count else { return [] }
            if latest, let stamps {
                let byTime = entries.indices.sorted { (stamps[offsets[$0]], $0) < (stamps[offsets[$1]], $1) }
                return Set(byTime.suffix(count))
            }
            return Set(_permutation(entries.count, using: &generator).prefix(count))
        }
    }

    /// Item cold start: round(f·n) of the n items, drawn uniformly, are cold, and all their
    /// interactions go to test; ``coldItems`` lists them.
    ///
    /// - Throws: ``RankingError/invalidArgument(_:)`` unless `0 ≤ fraction ≤ 1`.
    public static func coldItems(
        of data: Interactions<UserID, ItemID>, fraction: Double, using generator: inout some RandomNumberGenerator
    ) throws(RankingError) -> Split {
        try checkFraction(fraction)
        let order = catalogueOrder(of: data.itemIDs.ids)
        let cold = _permutation(order.count, using: &generator).prefix(heldOutCount(fraction, of: order.count))
            .sorted().map { order[$0] }
        var isCold = [Bool](repeating: false, count: data.itemCount)
        for i in cold { isCold[i] = true }
        var split = perUser(data) { entries, _ in Set(entries.indices.filter { isCold[entries[$0].item] }) }
        split.coldItems = cold.map { data.itemIDs.id(at: $0) }
        return split
    }

    /// User cold start: round(f·m) of the m users, drawn uniformly, are cold, and all their
    /// interactions go to test; ``coldUsers`` lists them.
    ///
    /// - Throws: ``RankingError/invalidArgument(_:)`` unless `0 ≤ fraction ≤ 1`.
    public static func coldUsers(
        of data: Interactions<UserID, ItemID>, fraction: Double, using generator: inout some RandomNumberGenerator
    ) throws(RankingError) -> Split {
        try checkFraction(fraction)
        let order = catalogueOrder(of: data.userIDs.ids)
        let cold = _permutation(order.count, using: &generator).prefix(heldOutCount(fraction, of: order.count))
            .sorted().map { order[$0] }
        let coldSet = Set(cold)
        var split = perUser(data) { entries, _ in coldSet.contains(entries.first?.user ?? -1) ? Set(entries.indices) : [] }
        split.coldUsers = cold.map { data.userIDs.id(at: $0) }
        return split
    }

    private static func checkFraction(_ fraction: Double) throws(RankingError) {
        guard fraction >= 0, fraction <= 1 else {
            throw .invalidArgument("a held-out fraction must lie in 0...1, got \(fraction)")
        }
    }

    /// round(f·n), half to even.
    static func heldOutCount(_ fraction: Double, of count: Int) -> Int {
        Int((fraction * Double(count)).rounded(.toNearestOrEven))
    }

    /// Walks users in ascending id order and each user's interactions in ascending item id
    /// order; `choose` gets the user's entries and their offsets into the CSR arrays and
    /// returns the positions (into the entries) that go to test.
    private static func perUser(
        _ data: Interactions<UserID, ItemID>,
        _ choose: (_ entries: [(user: Int, item: Int, value: Double)], _ offsets: [Int]) -> Set<Int>
    ) -> Split {
        let itemRank = _ranks(catalogueOrder(of: data.itemIDs.ids))
        var train: [Record] = [], test: [Record] = []
        train.reserveCapacity(data.count)
        for u in catalogueOrder(of: data.userIDs.ids) {
            let offsets = data.byUser.entryRange(ofRow: u).sorted {
                itemRank[Int(data.byUser.columnIndices[$0])] < itemRank[Int(data.byUser.columnIndices[$1])]
            }
            let entries = offsets.map { (u, Int(data.byUser.columnIndices[$0]), data.byUser.values[$0]) }
            let held = choose(entries, offsets)
            for (position, offset) in offsets.enumerated() {
                let record = Record(
                    user: data.userIDs.id(at: u), item: data.itemIDs.id(at: entries[position].1),
                    value: data.byUser.values[offset], timestamp: data.timestamps?[offset])
                if held.contains(position) { test.append(record) } else { train.append(record) }
            }
        }
        return Split(train: train, test: test)
    }
}

/// The inverse permutation: `result[order[r]] = r`.
func _ranks(_ order: [Int]) -> [Int] {
    var ranks = [Int](repeating: 0, count: order.count)
    for (rank, index) in order.enumerated() { ranks[index] = rank }
    return ranks
}

/// A uniformly random permutation of `0..<count` (Fisher–Yates), fixed by the generator's state.
func _permutation(_ count: Int, using generator: inout some RandomNumberGenerator) -> [Int] {
    var result = Array(0..<count)
    if count < 2 { return result }
    for i in stride(from: count - 1, to: 0, by: -1) {
        let j = Int(generator.next(upperBound: UInt64(i + 1)))
        result.swapAt(i, j)
    }
    return result
}
