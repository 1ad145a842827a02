import Factorization
import LinearAlgebra

extension Ranker {
    /// Evaluates the ranking of every test user at cut-off `k` (the definitions are in
    /// ``UserRankingMetrics`` and ``RankingMetrics``, and in `Docs/Ranking.md`).
    ///
    /// Each test user's test items are ranked among all catalogue items that are not in
    /// the user's training interactions (full ranking, no sampling); ties are broken by
    /// catalogue order. Test items outside the catalogue stay in Tᵤ and count as misses.
    /// Test users the model does not know are skipped and counted in
    /// ``EvaluationReport/skippedUsers``.
    ///
    /// Cold items are the catalogue items without training interactions that occur in the
    /// test set. When there are any, warm test items are ranked among the catalogue minus
    /// the cold items, and, separately, every user with a cold test item ranks the cold
    /// items only, with their cold test items as Tᵤ.
    ///
    /// RMSE and MAE are reported for models whose scores estimate values, over the test
    /// interactions of known users (an item without factors is predicted μ + bᵤ).
    ///
    /// - Parameters:
    ///   - test: the held-out interactions.
    ///   - k: the cut-off K.
    ///   - includingPerUser: whether to return per-user values as well.
    ///   - blockSize: users per gemm block (see ``recommend(users:count:filter:blockSize:)``).
    /// - Throws: ``RankingError/invalidArgument(_:)`` when `k < 1`.
    /// - Complexity: O(users·n·k) for the scores and O(users·n·log |Tᵤ|) for the AUC.
    public func evaluate(
        test: Interactions<UserID, ItemID>, k: Int, includingPerUser: Bool = false, blockSize: Int? = nil
    ) throws(RankingError) -> EvaluationReport<UserID> {
        guard k >= 1 else { throw .invalidArgument("the cut-off K must be at least 1, got \(k)") }
        let testCatalogueIndex = test.itemIDs.ids.map { catalogue.index(of: $0) }
        var isCold = [Bool](repeating: false, count: catalogue.count)
        for i in 0..<test.itemCount where test.byItem.nonZeroCount(inRow: i) > 0 {
            if let c = testCatalogueIndex[i], !hasTrainingInteractions[c] { isCold[c] = true }
        }
        let hasCold = isCold.contains(true)

        var tests: [_UserTest] = []
        var skipped = 0, outside = 0
        var squaredError = 0.0, absoluteError = 0.0, errorCount = 0
        for t in 0..<test.userCount where test.byUser.nonZeroCount(inRow: t) > 0 {
            guard let u = users.index(of: test.userIDs.id(at: t)) else {
                skipped += 1
                continue
            }
            var entry = _UserTest(user: u, warm: [], outside: 0, cold: [])
            for offset in test.byUser.entryRange(ofRow: t) {
                let item = Int(test.byUser.columnIndices[offset])
                if let c = testCatalogueIndex[item] {
                    if isCold[c] { entry.cold.append(c) } else { entry.warm.append(c) }
                } else {
                    entry.outside += 1
                }
                if predictsValues {
                    let predicted = testCatalogueIndex[item].map { Double(score(userIndex: u, itemIndex: $0)) }
                        ?? Double(userVectors[u, factorCount])
                    let error = predicted - test.byUser.values[offset]
                    squaredError += error * error
                    absoluteError += abs(error)
                    errorCount += 1
                }
            }
            outside += entry.outside
            tests.append(entry)
        }
        tests.sort { $0.user < $1.user }

        let blockSize = blockSize ?? _defaultBlockSize(universeCount: catalogue.count)
        let warmUniverse = hasCold
            ? _ScoringUniverse(itemVectors, restrictedTo: (0..<catalogue.count).filter { !isCold[$0] })
            : _ScoringUniverse(all: itemVectors)
        let warmTests = tests.filter { !$0.warm.isEmpty || $0.outside > 0 }
        let (metrics, perUser) = evaluate(
            warmTests.map { ($0.user, $0.warm, $0.warm.count + $0.outside) }, universe: warmUniverse, k: k,
            blockSize: blockSize)
        var report = EvaluationReport<UserID>(
            metrics: metrics,
            perUser: includingPerUser ? zip(warmTests, perUser).map { .init(user: users.id(at: $0.user), metrics: $1) } : nil,
            coldItems: nil, coldItemsPerUser: nil,
            rmse: predictsValues && errorCount > 0 ? (squaredError / Double(errorCount)).squareRoot() : nil,
            mae: predictsValues && errorCount > 0 ? absoluteError / Double(errorCount) : nil,
            skippedUsers: skipped, testItemsOutsideCatalogue: outside)
        if hasCold {
            let coldUniverse = _ScoringUniverse(itemVectors, restrictedTo: (0..<catalogue.count).filter { isCold[$0] })
            let coldTests = tests.filter { !$0.cold.isEmpty }
            let (coldMetrics, coldPerUser) = evaluate(
                coldTests.map { ($0.user, $0.cold, $0.cold.count) }, universe: coldUniverse, k: k, blockSize: blockSize)
            report.coldItems = coldMetrics
            if includingPerUser {
                report.coldItemsPerUser = zip(coldTests, coldPerUser).map { .init(user: users.id(at: $0.user), metrics: $1) }
            }
        }
        return report
    }

    /// Ranks the universe for each (user, test catalogue indices, |Tᵤ|) and computes the metrics.
    func evaluate(
        _ tests: [(user: Int, items: [Int], testCount: Int)], universe: _ScoringUniverse<Scalar>, k: Int,
        blockSize: Int
    ) -> (RankingMetrics, [UserRankingMetrics]) {
        let results = _mapScoreRows(
            queries: userVectors, rows: tests.map(\.user), universe: universe, blockSize: blockSize
        ) { query, scores -> (UserRankingMetrics, [Int]) in
            let test = tests[query]
            let training = trainingItems(ofUser: test.user).map { universe.position(ofCatalogueIndex: Int($0)) }
                .filter { $0 >= 0 }
            let positives = Array(Set(test.items.map { universe.position(ofCatalogueIndex: $0) }.filter { $0 >= 0 })
                .subtracting(training)).sorted()
            let top = _selectTopK(k, from: scores, skipping: training, [])
            let auc = _areaUnderCurve(scores, positives: positives, excluded: training)
            let relevance = top.map { entry in
                let index = positives.partitioningIndex { $0 >= entry.position }
                return index < positives.count && positives[index] == entry.position
            }
            let metrics = UserRankingMetrics(relevance: relevance, testItemCount: test.testCount, k: k, auc: auc)
            return (metrics, top.map(\.position))
        }
        var covered = Set<Int>()
        for (_, top) in results { covered.formUnion(top) }
        let perUser = results.map(\.0)
        return (RankingMetrics(averaging: perUser, k: k, coveredItems: covered.count, items: universe.count), perUser)
    }
}

/// One test user's catalogue indices of warm and cold test items, and the number of test
/// items outside the catalogue.
struct _UserTest {
    var user: Int
    var warm: [Int]
    var outside: Int
    var cold: [Int]
}
