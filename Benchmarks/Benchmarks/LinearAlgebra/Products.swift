import Benchmark
import CFusionRecBLAS
import LinearAlgebra

/// Square operands and a preallocated output for `C = A·B`.
final class ProductOperands<Scalar: BLASScalar> {
    let a: Matrix<Scalar>
    let b: Matrix<Scalar>
    var c: Matrix<Scalar>

    init(order n: Int, seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        a = .random(rowCount: n, columnCount: n, in: -1...1, using: &generator)
        b = .random(rowCount: n, columnCount: n, in: -1...1, using: &generator)
        c = Matrix(rowCount: n, columnCount: n)
    }
}

/// Orders of the square products in the sweep.
let productOrders = [64, 128, 256, 512, 1024, 2048]

func registerProductBenchmarks() {
    for n in productOrders {
        let flops = 2 * Double(n) * Double(n) * Double(n)
        let configuration = suiteConfiguration(maxDuration: .seconds(n >= 1024 ? 4 : 2), flops: true)
        let tag = "gemm \(n)"

        Benchmark("\(tag) Matrix.addProduct", configuration: configuration) { benchmark, operands in
            measuringFlops(benchmark, flopCount: flops) {
                operands.c.addProduct(operands.a, operands.b, beta: 0)
            }
            blackHole(operands.c)
        } setup: {
            ProductOperands<Float>(order: n, seed: 1)
        }

        // Outside the library's conformance files, only the benchmarks call CBLAS: the
        // reference the wrapper is held to, on the very buffers the wrapper uses.
        Benchmark("\(tag) cblas_sgemm direct", configuration: configuration) { benchmark, operands in
            operands.a.withUnsafeBufferPointer { a in
                operands.b.withUnsafeBufferPointer { b in
                    operands.c.withUnsafeMutableBufferPointer { c in
                        measuringFlops(benchmark, flopCount: flops) {
                            cblas_sgemm(
                                CblasRowMajor, CblasNoTrans, CblasNoTrans, blasint(n), blasint(n), blasint(n),
                                1, a.baseAddress, blasint(n), b.baseAddress, blasint(n), 0, c.baseAddress,
                                blasint(n))
                        }
                    }
                }
            }
            blackHole(operands.c)
        } setup: {
            ProductOperands<Float>(order: n, seed: 1)
        }

        Benchmark("\(tag) Matrix.multiplied", configuration: configuration) { benchmark, operands in
            var product = Matrix<Float>(rowCount: 0, columnCount: 0)
            measuringFlops(benchmark, flopCount: flops) {
                product = operands.a.multiplied(by: operands.b)
            }
            blackHole(product)
        } setup: {
            ProductOperands<Float>(order: n, seed: 1)
        }
    }

    for n in [256, 1024] {
        let flops = 2 * Double(n) * Double(n) * Double(n)
        Benchmark(
            "gemm \(n) Double Matrix.multiplied", configuration: suiteConfiguration(flops: true)
        ) { benchmark, operands in
            var product = Matrix<Double>(rowCount: 0, columnCount: 0)
            measuringFlops(benchmark, flopCount: flops) {
                product = operands.a.multiplied(by: operands.b)
            }
            blackHole(product)
        } setup: {
            ProductOperands<Double>(order: n, seed: 1)
        }
    }
}
