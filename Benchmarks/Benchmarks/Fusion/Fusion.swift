import Benchmark
import BenchmarkSupport
import Factorization
import Fusion
import LinearAlgebra

/// The Fusion suite: the offset joint factorization's setup (a fit of 0 sweeps: aligning
/// the blocks, the design's Gram matrix and its ridge inverse) and one sweep (a fit of 1
/// sweep), next to a plain implicit ALS fit of 1 sweep on the same interactions, for
/// 10k × 5k × 500k and 100k × 50k × 5M seeded interactions at k = 64, in float32. Every
/// item has three blocks shaped like the MovieLens ones: a hashed text block (256 columns,
/// 50 signed non-zeros per row, unit rows), genres (multi-hot over 20, 1–3 per item) and a
/// one-hot year (100 buckets). See `Docs/Benchmarks.md` (section "Fusion").
let benchmarks: @Sendable () -> Void = {
    for (users, items, count) in [(10_000, 5_000, 500_000), (100_000, 50_000, 5_000_000)] {
        let large = count >= 5_000_000
        let configuration = Benchmark.Configuration(
            metrics: [.wallClock, .peakMemoryResident], timeUnits: .milliseconds, warmupIterations: large ? 0 : 1,
            maxDuration: .seconds(large ? 20 : 5), maxIterations: large ? 2 : 20)
        let label = "\(users / 1_000)k×\(items / 1_000)k×\(count / 1_000)k k=64"
        for sweeps in [0, 1] {
            Benchmark("joint fit, offset, \(sweeps) sweeps \(label)", configuration: configuration) { benchmark, data in
                let trainer = JointFactorization(.init(feedback: .implicit(.init(values: .binary)), factorCount: 64,
                                                       iterationCount: sweeps))
                for _ in benchmark.scaledIterations {
                    blackHole(try trainer.fit(data.interactions, itemBlocks: data.blocks, as: Float.self))
                }
            } setup: {
                try SideInformationData(users: users, items: items, count: count)
            }
        }
        Benchmark("implicit ALS fit, 1 sweep \(label)", configuration: configuration) { benchmark, data in
            let trainer = ImplicitAlternatingLeastSquares(.init(factorCount: 64, values: .binary, iterationCount: 1))
            for _ in benchmark.scaledIterations {
                blackHole(try trainer.fit(data, as: Float.self))
            }
        } setup: {
            try syntheticInteractions(users: users, items: items, count: count, ratings: false)
        }
    }
}

/// Seeded interactions and three item blocks covering every item.
struct SideInformationData {
    let interactions: Interactions<Int, Int>
    let blocks: [SideInformationBlock<Int, Float>]

    init(users: Int, items: Int, count: Int) throws {
        interactions = try syntheticInteractions(users: users, items: items, count: count, ratings: false)
        var generator = SplitMix64(seed: 11)
        var text = Matrix<Float>(rowCount: items, columnCount: 256)
        var genres = Matrix<Float>(rowCount: items, columnCount: 20)
        var years = Matrix<Float>(rowCount: items, columnCount: 100)
        for item in 0..<items {
            for _ in 0..<50 {
                text[item, Int(generator.next() % 256)] += Float.random(in: -1...1, using: &generator)
            }
            for _ in 0...(generator.next() % 3) { genres[item, Int(generator.next() % 20)] = 1 }
            years[item, Int(generator.next() % 100)] = 1
        }
        text.normalizeRows()
        let ids = Array(0..<items)
        blocks = [
            try SideInformationBlock(name: "text", ids: ids, features: text),
            try SideInformationBlock(name: "genres", ids: ids, features: genres, weight: 0.3),
            try SideInformationBlock(name: "year", ids: ids, features: years),
        ]
    }
}
