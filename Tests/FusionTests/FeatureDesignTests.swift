@testable import Fusion
import FusionRecTestSupport
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
        withThreadCountLocked {
            var results: [Matrix<Double>] = []
            for threads in [1, 2] {
                Parallel.threadCount = threads
                let design = _FeatureDesign(rowsOf: features, at: Array(0..<features.rowCount))
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

    @Test("Gathered rows and the weighted concatenation with an intercept equal their dense construction",
          arguments: [0.05, 0.6])
    func gatherAndConcatenate(density: Double) {
        var generator = SplitMix64(seed: 11)
        func features(_ rows: Int, _ columns: Int) -> Matrix<Float> {
            Matrix(rowCount: rows, columnCount: columns) { _, _ in
                Double.random(in: 0..<1, using: &generator) < density ? Float.random(in: -1...1, using: &generator) : 0
            }
        }
        let (first, second) = (features(50, 9), features(50, 4))
        let sourceRows = [4, -1, 0, 49, 17, 17, -1, 8]
        let designs = [_FeatureDesign(rowsOf: first, at: sourceRows), _FeatureDesign(rowsOf: second, at: sourceRows)]
        let expectedFirst = Matrix<Float>(rowCount: sourceRows.count, columnCount: 9) { row, column in
            sourceRows[row] < 0 ? 0 : first[sourceRows[row], column]
        }
        #expect(designs[0].dense() == expectedFirst)
        let weights: [Float] = [4, 0.25]
        let combined = _FeatureDesign.concatenatedWithIntercept(designs, weights: weights)
        let expected = Matrix<Float>(rowCount: sourceRows.count, columnCount: 14) { row, column in
            let source = sourceRows[row]
            switch column {
            case 13: return 1
            case ..<9: return source < 0 ? 0 : 2 * first[source, column]
            default: return source < 0 ? 0 : 0.5 * second[source, column - 9]
            }
        }
        #expect(combined.dense() == expected)
        #expect(combined.rowCount == sourceRows.count && combined.columnCount == 14)
    }
}
