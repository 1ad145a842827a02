import Benchmark
import Factorization
import LinearAlgebra
import Serving

/// The Serving suite: one top-10 scan of a live model's item rows for a batch of queries
/// (b = 1, 8 and 32; 32 is `RecommendationBatcher`'s largest batch), each query leaving out
/// its user's 20 training items — the work behind every read the example service answers.
/// Time per scan; divide by b for the time per query.
let benchmarks: @Sendable () -> Void = {
    for (users, items) in [(1_000, 9_066), (100_000, 50_000)] {
        for batch in [1, 8, 32] {
            var snapshot: LiveSnapshot<Float, Int, Int>!
            var queries: [RecommendationQuery<Int, Int>] = []
            Benchmark(
                "top-10 scan of \(items) items for \(batch) quer\(batch == 1 ? "y" : "ies"), k 64",
                configuration: .init(
                    metrics: [.wallClock, .mallocCountTotal], timeUnits: .microseconds, warmupIterations: 3,
                    maxDuration: .seconds(10), maxIterations: 300),
                closure: { benchmark in
                    for _ in benchmark.scaledIterations { blackHole(snapshot.recommend(queries)) }
                },
                setup: {
                    var generator = SplitMix64(seed: 3)
                    let model = MatrixFactorizationModel<Float, Int, Int>(
                        userIDs: IDMap(0..<users), itemIDs: IDMap(0..<items),
                        userFactors: .randomNormal(rowCount: users, columnCount: 64, using: &generator),
                        itemFactors: .randomNormal(rowCount: items, columnCount: 64, using: &generator),
                        predictsValues: false, foldInRule: .implicit(alpha: 40, regularization: 0.05, binaryValues: true))
                    var records: [Interactions<Int, Int>.Record] = []
                    for user in 0..<users {
                        for _ in 0..<20 { records.append(.init(user: user, item: Int(generator.next(upperBound: UInt64(items))), value: 1)) }
                    }
                    snapshot = try! LiveModel(model: model, training: try Interactions(records)).snapshot
                    queries = (0..<batch).map { _ in RecommendationQuery(user: Int(generator.next(upperBound: UInt64(users))), count: 10) }
                })
        }
    }
}
