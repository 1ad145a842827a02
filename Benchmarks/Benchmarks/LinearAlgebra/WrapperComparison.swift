import Benchmark
import CFusionRecBLAS
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra

/// Per-call throughput of each way to compute `C = A·B`, recorded in the same iterations.
enum ComparisonMetrics {
    static let addProduct = BenchmarkMetric.custom(
        "Matrix.addProduct MFLOP/s", polarity: .prefersLarger, useScalingFactor: false)
    static let multiplied = BenchmarkMetric.custom(
        "Matrix.multiplied MFLOP/s", polarity: .prefersLarger, useScalingFactor: false)
    static let direct = BenchmarkMetric.custom(
        "cblas_sgemm direct MFLOP/s", polarity: .prefersLarger, useScalingFactor: false)
    /// The wrapper's throughput over the direct call's in the same iteration, in per mille.
    static let addProductRatio = BenchmarkMetric.custom(
        "addProduct vs direct (permille)", polarity: .prefersLarger, useScalingFactor: false)
    static let multipliedRatio = BenchmarkMetric.custom(
        "multiplied vs direct (permille)", polarity: .prefersLarger, useScalingFactor: false)

    static let all = [addProduct, multiplied, direct, addProductRatio, multipliedRatio]
}

/// How a comparison times each call.
enum ComparisonClock {
    /// Elapsed time, which on a shared machine includes the time the call spent preempted.
    case wall
    /// CPU time of the calling thread. With BLAS on one thread the whole product runs on
    /// the calling thread, so this is the work of the call alone, free of preemption.
    case threadCPU

    /// The seconds `body` takes on this clock.
    @inline(__always)
    func seconds(_ body: () -> Void) -> Double {
        switch self {
        case .wall:
            let elapsed = ContinuousClock().measure(body)
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        case .threadCPU:
            let start = Self.threadCPUSeconds()
            body()
            return Self.threadCPUSeconds() - start
        }
    }

    private static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}

/// The wrapper against a direct `cblas_sgemm` on the same buffers, interleaved.
///
/// Each iteration runs `Matrix.addProduct` (into a preallocated output), `Matrix.multiplied`
/// (allocating its result) and `cblas_sgemm` on the operands' own storage, in an order that
/// rotates from one iteration to the next. On a shared machine the load changes from second
/// to second; measuring the three calls side by side puts them under the same load, so the
/// ratio of their medians reflects the wrapper rather than the neighbours.
///
/// Each size runs twice: with the library's default thread count (BLAS on every core),
/// timed by the wall clock; and with ``Parallel/threadCount`` set to 1, timed by the
/// calling thread's CPU time, which neighbours taking the cores cannot inflate.
func registerWrapperComparisonBenchmarks() {
    let libraryThreadCount = Parallel.threadCount
    for (threadCount, clock) in [(nil, ComparisonClock.wall), (1, .threadCPU)] as [(Int?, ComparisonClock)] {
        for n in [256, 512, 1024, 2048] {
            registerWrapperComparison(order: n, threadCount: threadCount, clock: clock, restoring: libraryThreadCount)
        }
    }
}

private func registerWrapperComparison(
    order n: Int, threadCount: Int?, clock: ComparisonClock, restoring libraryThreadCount: Int
) {
    let flops = 2 * Double(n) * Double(n) * Double(n)
    let configuration = Benchmark.Configuration(
        metrics: [
            .wallClock, ComparisonMetrics.addProduct, ComparisonMetrics.multiplied, ComparisonMetrics.direct,
            ComparisonMetrics.addProductRatio, ComparisonMetrics.multipliedRatio,
        ],
        timeUnits: .milliseconds,
        units: Dictionary(uniqueKeysWithValues: ComparisonMetrics.all.map { ($0, .count) }),
        warmupIterations: 1,
        maxDuration: .seconds(n >= 2048 ? (threadCount == 1 ? 10 : 15) : n >= 1024 ? 8 : 4),
        maxIterations: 400
    )
    var iteration = 0
    Benchmark(
        "gemm \(n) interleaved, "
            + (threadCount.map { "\($0) thread" } ?? "default threads")
            + (clock == .wall ? ", wall clock" : ", thread CPU time")
            + ": addProduct, multiplied, cblas_sgemm direct",
        configuration: configuration
    ) { (benchmark: Benchmark, operands: ProductOperands<Float>) in
        var seconds = (addProduct: 0.0, multiplied: 0.0, direct: 0.0)
        let variants: [() -> Void] = [
            {
                seconds.addProduct = clock.seconds {
                    operands.c.addProduct(operands.a, operands.b, beta: 0)
                }
            },
            {
                var product = Matrix<Float>(rowCount: 0, columnCount: 0)
                seconds.multiplied = clock.seconds { product = operands.a.multiplied(by: operands.b) }
                blackHole(product)
            },
            {
                operands.a.withUnsafeBufferPointer { a in
                    operands.b.withUnsafeBufferPointer { b in
                        operands.c.withUnsafeMutableBufferPointer { c in
                            seconds.direct = clock.seconds {
                                cblas_sgemm(
                                    CblasRowMajor, CblasNoTrans, CblasNoTrans, blasint(n), blasint(n),
                                    blasint(n), 1, a.baseAddress, blasint(n), b.baseAddress, blasint(n), 0,
                                    c.baseAddress, blasint(n))
                            }
                        }
                    }
                }
            },
        ]
        for offset in 0..<variants.count { variants[(iteration + offset) % variants.count]() }
        iteration += 1
        blackHole(operands.c)

        benchmark.measurement(ComparisonMetrics.addProduct, Int((flops / seconds.addProduct / 1e6).rounded()))
        benchmark.measurement(ComparisonMetrics.multiplied, Int((flops / seconds.multiplied / 1e6).rounded()))
        benchmark.measurement(ComparisonMetrics.direct, Int((flops / seconds.direct / 1e6).rounded()))
        benchmark.measurement(
            ComparisonMetrics.addProductRatio, Int((1000 * seconds.direct / seconds.addProduct).rounded()))
        benchmark.measurement(
            ComparisonMetrics.multipliedRatio, Int((1000 * seconds.direct / seconds.multiplied).rounded()))
    } setup: {
        if let threadCount { Parallel.threadCount = threadCount }
        return ProductOperands<Float>(order: n, seed: 1)
    } teardown: {
        Parallel.threadCount = libraryThreadCount
    }
}
