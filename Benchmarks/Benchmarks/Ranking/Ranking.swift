import Benchmark
import Factorization
import LinearAlgebra
import Ranking

/// A trained-model stand-in: seeded Gaussian factors for `users` × `items` with k factors.
struct RandomFactors: FactorModel {
    let userIDs: IDMap<Int>
    let itemIDs: IDMap<Int>
    let userFactors: Matrix<Float>
    let itemFactors: Matrix<Float>

    init(users: Int, items: Int, factors k: Int) {
        var generator = SplitMix64(seed: 3)
        userIDs = IDMap(Array(0..<users))
        itemIDs = IDMap(Array(0..<items))
        userFactors = .randomNormal(rowCount: users, columnCount: k, using: &generator)
        itemFactors = .randomNormal(rowCount: items, columnCount: k, using: &generator)
    }
}

/// Seeded training interactions: 20 items per user, power-law popular, to be excluded.
func trainingInteractions(users: Int, items: Int) -> Interactions<Int, Int> {
    var generator = SplitMix64(seed: 5)
    var records: [Interactions<Int, Int>.Record] = []
    records.reserveCapacity(users * 20)
    for user in 0..<users {
        for _ in 0..<20 {
            let u = Double.random(in: 0..<1, using: &generator)
            records.append(.init(user: user, item: Int(Double(items) * u * u * u), value: 1))
        }
    }
    return try! Interactions(records, userIDs: IDMap(Array(0..<users)), itemIDs: IDMap(Array(0..<items)))
}

/// The Ranking suite: batched top-10 over every user (k = 64), excluding each user's
/// training items — users-block × items-tile gemms and a thresholded selection, never a full
/// users × items score matrix (peak memory is reported next to the time).
let benchmarks: @Sendable () -> Void = {
    for (users, items, iterations) in [(1_000, 10_000, 50), (100_000, 50_000, 1)] {
        var ranker: Ranker<Float, Int, Int>!
        Benchmark(
            "top-10 for \(users) users × \(items) items, k 64",
            configuration: .init(
                metrics: [.wallClock, .peakMemoryResident, .mallocCountTotal], timeUnits: .milliseconds,
                warmupIterations: iterations > 1 ? 1 : 0, maxDuration: .seconds(120), maxIterations: iterations),
            closure: { benchmark in
                for _ in benchmark.scaledIterations {
                    blackHole(ranker.recommend(userIndices: Array(0..<users), count: 10))
                }
            },
            setup: {
                ranker = try! Ranker(
                    model: RandomFactors(users: users, items: items, factors: 64),
                    training: trainingInteractions(users: users, items: items))
            })
    }
}
