import LinearAlgebra
import Testing


/// Shapes that exercise the edge cases: empty, 1×1, tall, wide, odd sizes.
let testShapes: [(Int, Int)] = [(0, 0), (0, 3), (3, 0), (1, 1), (1, 7), (7, 1), (5, 5), (17, 4), (4, 17), (33, 31)]

/// A tolerance for results of `n`-term sums in `T`.
func tolerance<T: BLASScalar>(_: T.Type, terms: Int = 1) -> Double {
    (T.self == Float.self ? 2e-5 : 1e-12) * Double(max(terms, 1))
}

func randomMatrix<T: BLASScalar>(_: T.Type, _ rows: Int, _ columns: Int, seed: UInt64) -> Matrix<T> {
    var generator = SplitMix64(seed: seed)
    return Matrix<T>.random(rowCount: rows, columnCount: columns, in: -1...1, using: &generator)
}

/// A random symmetric positive-definite matrix: BᵀB + n·I.
func randomSPD<T: BLASScalar>(_: T.Type, _ n: Int, seed: UInt64) -> Matrix<T> {
    let b = randomMatrix(T.self, n + 2, n, seed: seed)
    var a = b.gram()
    for i in 0..<n { a[i, i] += T(n) }
    return a
}

/// The textbook triple loop, in Double.
func naiveProduct<T: BLASScalar>(_ a: Matrix<T>, _ b: Matrix<T>, _ ta: Bool, _ tb: Bool) -> [[Double]] {
    let m = ta ? a.columnCount : a.rowCount
    let inner = ta ? a.rowCount : a.columnCount
    let n = tb ? b.rowCount : b.columnCount
    return (0..<m).map { i in
        (0..<n).map { j in
            (0..<inner).reduce(0.0) { sum, p in
                sum + Double(ta ? a[p, i] : a[i, p]) * Double(tb ? b[j, p] : b[p, j])
            }
        }
    }
}

func maxAbsDifference<T: BLASScalar>(_ matrix: Matrix<T>, _ reference: [[Double]]) -> Double {
    var worst = 0.0
    #expect(matrix.rowCount == reference.count)
    for (i, row) in reference.enumerated() {
        #expect(matrix.columnCount == row.count)
        for (j, value) in row.enumerated() { worst = max(worst, abs(Double(matrix[i, j]) - value)) }
    }
    return worst
}

func maxAbsDifference<T: BLASScalar>(_ a: Matrix<T>, _ b: Matrix<T>) -> Double {
    #expect(a.rowCount == b.rowCount && a.columnCount == b.columnCount)
    return zip(a.elements, b.elements).map { abs(Double($0) - Double($1)) }.max() ?? 0
}
