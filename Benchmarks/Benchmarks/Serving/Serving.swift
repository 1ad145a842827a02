import Benchmark
import Factorization
import LinearAlgebra
import Serving

/// The Serving suite, the work behind each request the example service answers:
///
/// - one top-10 scan of a live model's item rows for a batch of queries (b = 1, 8 and 32;
///   32 is `RecommendationBatcher`'s largest batch), each query leaving out its user's
///   training items — time per scan; divide by b for the time per query;
/// - recording one interaction for a random user: the append, the user's re-fold from
///   their whole history (5 conjugate-gradient steps), and the copy-on-write of one chunk.
///
/// Two sizes: ml-latest-small's shape (671 users, 9,066 items, ~150 interactions a user)
/// and the synthetic load's (100,000 users, 50,000 items, 20 a user), k = 64. Their random
/// factors have about equal norms, so the live model keeps no norm-ordered copy and every
/// scan reads every row. A third group scans ml-latest-small's shape with item norms spread
/// as a factorization's are (item i's factors scaled by (1 + rank)^-½ for a random rank),
/// with `prunesScans` on and off: how much of the scan stopping early saves.
let benchmarks: @Sendable () -> Void = {
    for (users, items, perUser) in [(671, 9_066, 150), (100_000, 50_000, 20)] {
        for batch in [1, 8, 32] {
            var snapshot: LiveSnapshot<Float, Int, Int>!
            var queries: [RecommendationQuery<Int, Int>] = []
            Benchmark(
                "top-10 scan of \(items) items for \(batch) quer\(batch == 1 ? "y" : "ies"), k 64",
                configuration: configuration,
                closure: { benchmark in
                    for _ in benchmark.scaledIterations { blackHole(snapshot.recommend(queries)) }
                },
                setup: {
                    var generator = SplitMix64(seed: 3)
                    snapshot = liveModel(users: users, items: items, perUser: perUser, using: &generator).snapshot
                    queries = (0..<batch).map { _ in RecommendationQuery(user: Int(generator.next(upperBound: UInt64(users))), count: 10) }
                })
        }
        if items == 9_066 {
            for batch in [1, 32] {
                for prunes in [true, false] {
                    var snapshot: LiveSnapshot<Float, Int, Int>!
                    var queries: [RecommendationQuery<Int, Int>] = []
                    Benchmark(
                        "top-10 scan of \(items) items with spread norms for \(batch) quer\(batch == 1 ? "y" : "ies"), "
                            + "k 64, \(prunes ? "stopping early" : "full")",
                        configuration: configuration,
                        closure: { benchmark in
                            for _ in benchmark.scaledIterations { blackHole(snapshot.recommend(queries)) }
                        },
                        setup: {
                            var generator = SplitMix64(seed: 3)
                            snapshot = liveModel(users: users, items: items, perUser: perUser, spreadNorms: true,
                                                 prunesScans: prunes, using: &generator).snapshot
                            queries = (0..<batch).map { _ in
                                RecommendationQuery(user: Int(generator.next(upperBound: UInt64(users))), count: 10)
                            }
                        })
                }
            }
        }
        var live: LiveModel<Float, Int, Int>!
        var generator = SplitMix64(seed: 5)
        Benchmark(
            "record one interaction, \(users) users × \(items) items, \(perUser) a user, k 64",
            configuration: .init(
                metrics: [.wallClock, .mallocCountTotal], timeUnits: .microseconds, warmupIterations: 30,
                maxDuration: .seconds(10), maxIterations: 5_000),
            closure: { benchmark in
                for _ in benchmark.scaledIterations {
                    let user = Int(generator.next(upperBound: UInt64(users)))
                    let item = Int(generator.next(upperBound: UInt64(items)))
                    blackHole(try live.record([(user: user, item: item, value: 1)]))
                }
            },
            setup: {
                var setupGenerator = SplitMix64(seed: 3)
                live = liveModel(users: users, items: items, perUser: perUser, using: &setupGenerator)
            })
    }
}

private var configuration: Benchmark.Configuration {
    .init(metrics: [.wallClock, .mallocCountTotal], timeUnits: .microseconds, warmupIterations: 3,
          maxDuration: .seconds(10), maxIterations: 300)
}

/// A live implicit model with random factors and `perUser` random training items a user;
/// with `spreadNorms`, item i's factors scaled by (1 + rank)^-½ for a random rank.
private func liveModel(
    users: Int, items: Int, perUser: Int, spreadNorms: Bool = false, prunesScans: Bool = true,
    using generator: inout SplitMix64
) -> LiveModel<Float, Int, Int> {
    var itemFactors = Matrix<Float>.randomNormal(rowCount: items, columnCount: 64, using: &generator)
    if spreadNorms {
        var ranks = Array(0..<items)
        ranks.shuffle(using: &generator)
        for i in 0..<items {
            let scale = Float(1 / (1 + Double(ranks[i])).squareRoot())
            for k in 0..<64 { itemFactors[i, k] *= scale }
        }
    }
    let model = MatrixFactorizationModel<Float, Int, Int>(
        userIDs: IDMap(0..<users), itemIDs: IDMap(0..<items),
        userFactors: .randomNormal(rowCount: users, columnCount: 64, using: &generator),
        itemFactors: itemFactors,
        predictsValues: false, foldInRule: .implicit(alpha: 40, regularization: 0.05, binaryValues: true))
    var records: [Interactions<Int, Int>.Record] = []
    records.reserveCapacity(users * perUser)
    for user in 0..<users {
        for _ in 0..<perUser {
            records.append(.init(user: user, item: Int(generator.next(upperBound: UInt64(items))), value: 1))
        }
    }
    return try! LiveModel(model: model, training: try Interactions(records), configuration: .init(prunesScans: prunesScans))
}
