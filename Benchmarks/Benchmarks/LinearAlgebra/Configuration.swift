import Benchmark

/// Throughput in millions of floating-point operations per second, measured around the
/// call alone (one call per iteration).
let megaflopsPerSecond = BenchmarkMetric.custom("MFLOP/s", polarity: .prefersLarger, useScalingFactor: false)

/// The settings shared by the suite. Time budgets keep the whole run to a few minutes on
/// two cores; every benchmark still takes at least a handful of samples.
func suiteConfiguration(
    maxDuration: Duration = .seconds(2), maxIterations: Int = 1_000, flops: Bool = false
) -> Benchmark.Configuration {
    .init(
        metrics: [.wallClock, .mallocCountTotal] + (flops ? [megaflopsPerSecond] : []),
        timeUnits: .microseconds,
        units: [megaflopsPerSecond: .count],
        warmupIterations: 2,
        maxDuration: maxDuration,
        maxIterations: maxIterations
    )
}

/// Runs `body` once, and records `flopCount / elapsed` as ``megaflopsPerSecond``.
@inline(__always)
func measuringFlops(_ benchmark: Benchmark, flopCount: Double, _ body: () -> Void) {
    let clock = ContinuousClock()
    let elapsed = clock.measure(body)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    benchmark.measurement(megaflopsPerSecond, Int((flopCount / seconds / 1e6).rounded()))
}
