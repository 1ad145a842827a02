import Benchmark
import CFusionRecBLAS
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

/// The seconds `body` takes.
@inline(__always)
func secondsTaken(_ body: () -> Void) -> Double {
    let elapsed = ContinuousClock().measure(body)
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

/// The wrapper against a direct `cblas_sgemm` on the same buffers, interleaved.
///
/// Each iteration runs `Matrix.addProduct` (into a preallocated output), `Matrix.multiplied`
/// (allocating its result) and `cblas_sgemm` on the operands' own storage, in an order that
/// rotates from one iteration to the next. On a shared machine the load changes from second
/// to second; measuring the three calls side by side puts them under the same load, so the
/// ratio of their medians reflects the wrapper rather than the neighbours.
func registerWrapperComparisonBenchmarks() {
    for n in [256, 512, 1024, 2048] {
        let flops = 2 * Double(n) * Double(n) * Double(n)
        let configuration = Benchmark.Configuration(
            metrics: [
                .wallClock, ComparisonMetrics.addProduct, ComparisonMetrics.multiplied, ComparisonMetrics.direct,
                ComparisonMetrics.addProductRatio, ComparisonMetrics.multipliedRatio,
            ],
            timeUnits: .milliseconds,
            units: Dictionary(uniqueKeysWithValues: ComparisonMetrics.all.map { ($0, .count) }),
            warmupIterations: 1,
            maxDuration: .seconds(n >= 2048 ? 15 : n >= 1024 ? 8 : 4),
            maxIterations: 400
        )
        var iteration = 0
        Benchmark(
            "gemm \(n) interleaved: addProduct, multiplied, cblas_sgemm direct", configuration: configuration
        ) { benchmark, operands in
            var seconds = (addProduct: 0.0, multiplied: 0.0, direct: 0.0)
            let variants: [() -> Void] = [
                {
                    seconds.addProduct = secondsTaken {
                        operands.c.addProduct(operands.a, operands.b, beta: 0)
                    }
                },
                {
                    var product = Matrix<Float>(rowCount: 0, columnCount: 0)
                    seconds.multiplied = secondsTaken { product = operands.a.multiplied(by: operands.b) }
                    blackHole(product)
                },
                {
                    operands.a.withUnsafeBufferPointer { a in
                        operands.b.withUnsafeBufferPointer { b in
                            operands.c.withUnsafeMutableBufferPointer { c in
                                seconds.direct = secondsTaken {
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
            ProductOperands<Float>(order: n, seed: 1)
        }
    }
}
