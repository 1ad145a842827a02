import Benchmark
import LinearAlgebra

/// Gram matrices `AᵀA` of tall matrices, the shape of ALS's `YᵀY` (items × factors).
func registerGramBenchmarks() {
    for (rows, columns) in [(10_000, 64), (10_000, 128), (2_048, 512)] {
        let flops = Double(rows) * Double(columns) * Double(columns + 1)
        Benchmark(
            "syrk \(rows)x\(columns) Matrix.gram", configuration: suiteConfiguration(flops: true)
        ) { (benchmark: Benchmark, a: Matrix<Float>) in
            var gram = Matrix<Float>(rowCount: 0, columnCount: 0)
            measuringFlops(benchmark, flopCount: flops) { gram = a.gram() }
            blackHole(gram)
        } setup: {
            var generator = SplitMix64(seed: 2)
            return Matrix<Float>.randomNormal(rowCount: rows, columnCount: columns, using: &generator)
        }
    }
}
