@testable import Factorization
import LinearAlgebra
import Testing

@Suite("Numerical safety of the implicit row solves")
struct NumericalSafetyTests {
    /// One user who interacted with every item, against item factors that are all the same
    /// huge vector: FᵀF has rank one and, in Float, λ = 10⁻³ vanishes in its rounding.
    func nearlySingular(k: Int = 8, items: Int = 40) -> (_CompressedRows<Float>, Matrix<Float>) {
        let rows = _CompressedRows<Float>(
            rowCount: 1, columnCount: items, offsets: [0, items], columns: (0..<items).map(Int32.init),
            values: [Float](repeating: 1, count: items))
        let fixed = Matrix<Float>(rowCount: items, columnCount: k) { i, j in 1e4 + Float((i * 7 + j * 3) % 5) * 1e-3 }
        return (rows, fixed)
    }

    @Test("An indefinite row system is solved with more regularisation and counted, not turned into an error or NaN")
    func fallbackIsCountedAndFinite() throws {
        let (rows, fixed) = nearlySingular()
        var solving = Matrix<Float>(rowCount: 1, columnCount: 8)
        let regularized = try _implicitHalfStep(
            rows, fixed: fixed, solving: &solving, alpha: 40, regularization: 1e-3, solver: .cholesky)
        #expect(regularized > 0)
        #expect(solving.firstNonFiniteIndex() == nil)
        // The solution still explains the data: every item scores close to its preference 1.
        let score = zip(solving.row(0), fixed.row(0)).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        #expect(abs(score - 1) < 0.1, "score \(score)")
    }

    @Test("Well-conditioned systems need no extra regularisation")
    func noFallbackWhenWellConditioned() throws {
        var generator = SplitMix64(seed: 1)
        let fixed = Matrix<Double>.randomNormal(rowCount: 40, columnCount: 8, using: &generator)
        let rows = _CompressedRows<Double>(
            rowCount: 1, columnCount: 40, offsets: [0, 30], columns: (0..<30).map(Int32.init),
            values: [Double](repeating: 1, count: 30))
        var solving = Matrix<Double>(rowCount: 1, columnCount: 8)
        let regularized = try _implicitHalfStep(
            rows, fixed: fixed, solving: &solving, alpha: 40, regularization: 0.05, solver: .cholesky)
        #expect(regularized == 0)
    }
}
