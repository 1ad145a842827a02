import Benchmark
import BenchmarkSupport
import Factorization
import LinearAlgebra

/// The Factorization suite: one ALS sweep (a fit of one iteration, users then items) for
/// interaction sets from 1k × 1k × 50k to 100k × 50k × 5M at k = 16, 64 and 128, with the
/// implicit conjugate-gradient and Cholesky solvers and explicit ALS with biases. Data is
/// seeded, with a power-law item popularity. See `Docs/Benchmarks.md` (section "Factorization vs implicit and cmfrec").
let benchmarks: @Sendable () -> Void = {
    let sizes = [(1_000, 1_000, 50_000), (10_000, 5_000, 500_000), (100_000, 50_000, 5_000_000)]
    for (users, items, count) in sizes {
        for factors in [16, 64, 128] {
            let large = count >= 5_000_000
            let configuration = Benchmark.Configuration(
                metrics: [.wallClock, .peakMemoryResident], timeUnits: .milliseconds, warmupIterations: large ? 0 : 1,
                maxDuration: .seconds(large ? 20 : 5), maxIterations: large ? 2 : 20)
            let label = "\(users / 1_000)k×\(items / 1_000)k×\(count / 1_000)k k=\(factors)"
            for solver in [ImplicitAlternatingLeastSquares.Solver.conjugateGradient(steps: 3), .cholesky] {
                let name = solver == .cholesky ? "cholesky" : "cg"
                Benchmark("implicit ALS sweep (\(name)) \(label)", configuration: configuration) { benchmark, data in
                    let trainer = ImplicitAlternatingLeastSquares(.init(
                        factorCount: factors, values: .binary, iterationCount: 1, solver: solver))
                    for _ in benchmark.scaledIterations {
                        blackHole(try trainer.fit(data, as: Float.self))
                    }
                } setup: {
                    try syntheticInteractions(users: users, items: items, count: count, ratings: false)
                }
            }
            Benchmark("explicit ALS sweep \(label)", configuration: configuration) { benchmark, data in
                let trainer = AlternatingLeastSquares(.init(factorCount: factors, iterationCount: 1))
                for _ in benchmark.scaledIterations {
                    blackHole(try trainer.fit(data, as: Float.self))
                }
            } setup: {
                try syntheticInteractions(users: users, items: items, count: count, ratings: true)
            }
        }
    }
}
