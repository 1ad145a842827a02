@testable import Fusion
import LinearAlgebra
import Testing

@Suite("Feature designs", .serialized)
struct FeatureDesignTests {
    @Test("Sparse designs give the dense products, identically for 1 and 2 threads")
    func sparseMatchesDense() {
        var generator = SplitMix64(seed: 3)
        // 5% non-zero: stored sparsely.
        let features = Matrix<Double>(rowCount: 300, columnCount: 40) { _, _ in
            Double.random(in: 0..<1, using: &generator) < 0.05 ? Double.random(in: -1...1, using: &generator) : 0
        }
        let right = Matrix<Double>.randomNormal(rowCount: 300, columnCount: 7, using: &generator)
        let map = Matrix<Double>.randomNormal(rowCount: 40, columnCount: 7, using: &generator)
        let saved = Parallel.threadCount
        defer { Parallel.threadCount = saved }
        var results: [Matrix<Double>] = []
        for threads in [1, 2] {
            Parallel.threadCount = threads
            let design = _FeatureDesign(features)
            let transposed = design.transposeMultiplied(by: right)
            let expected = features.multiplied(by: right, transposingSelf: true)
            #expect(zip(transposed.elements, expected.elements).allSatisfy { abs($0 - $1) < 1e-12 })
            let product = design.multiplied(by: map)
            #expect(zip(product.elements, features.multiplied(by: map).elements).allSatisfy { abs($0 - $1) < 1e-12 })
            #expect(design.gram() == features.gram() || zip(design.gram().elements, features.gram().elements)
                .allSatisfy { abs($0 - $1) < 1e-12 })
            results.append(transposed)
        }
        #expect(results[0] == results[1])
    }
}
