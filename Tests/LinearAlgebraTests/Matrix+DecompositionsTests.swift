import FusionRecTestSupport
import LinearAlgebra
import Testing

@Suite("Matrix decompositions")
struct MatrixDecompositionsTests {
    static let orders = [0, 1, 2, 5, 16, 33]

    /// Reconstruction tolerance relative to the matrix scale.
    func decompositionTolerance<T: BLASScalar>(_: T.Type, _ n: Int) -> Double {
        (T.self == Float.self ? 1e-4 : 1e-10) * Double(max(n, 1))
    }

    @Test("Cholesky reconstructs its input: L·Lᵀ = A", arguments: scalarTypes)
    func cholesky(_ type: any BLASScalar.Type) throws {
        func check<T: BLASScalar>(_: T.Type) throws {
            for n in Self.orders {
                let a = randomSPD(T.self, n, seed: UInt64(n))
                let l = try a.cholesky()
                for i in 0..<n { for j in (i + 1)..<max(n, i + 1) { #expect(l[i, j] == 0) } }
                let scale = Double(max(a.frobeniusNorm, 1))
                #expect(maxAbsDifference(l.multiplied(by: l, transposingOther: true), a) / scale
                        <= decompositionTolerance(T.self, n))
            }
        }
        try check(type)
    }

    @Test("SPD and general solves satisfy A·X = B", arguments: scalarTypes)
    func solves(_ type: any BLASScalar.Type) throws {
        func check<T: BLASScalar>(_: T.Type) throws {
            for n in Self.orders {
                for rhs in [1, 3] {
                    let a = randomSPD(T.self, n, seed: UInt64(n + 50))
                    let b = randomMatrix(T.self, n, rhs, seed: UInt64(n + 60))
                    let x = try a.solvedSymmetricPositiveDefinite(b)
                    #expect(maxAbsDifference(a.multiplied(by: x), b) <= decompositionTolerance(T.self, n))
                    let g = randomMatrix(T.self, n, n, seed: UInt64(n + 70)) + Matrix<T>.identity(n) * T(n)
                    let y = try g.solved(b)
                    #expect(maxAbsDifference(g.multiplied(by: y), b) <= decompositionTolerance(T.self, n))
                }
            }
        }
        try check(type)
    }

    @Test("The in-place SPD kernel agrees with the matrix solve", arguments: scalarTypes)
    func inPlaceKernel(_ type: any BLASScalar.Type) throws {
        func check<T: BLASScalar>(_: T.Type) throws {
            for n in [1, 4, 16, 64] {
                let a = randomSPD(T.self, n, seed: UInt64(n + 80))
                let b = randomMatrix(T.self, n, 1, seed: UInt64(n + 90))
                let expected = try a.solvedSymmetricPositiveDefinite(b)
                var scratch = a.elements, x = b.elements
                try scratch.withUnsafeMutableBufferPointer { pa in
                    try x.withUnsafeMutableBufferPointer { pb in
                        try Matrix<T>.solveSymmetricPositiveDefinite(
                            order: n, matrix: pa.baseAddress!, rightHandSide: pb.baseAddress!)
                    }
                }
                #expect(maxAbsDifference(try Matrix(rowCount: n, columnCount: 1, elements: x), expected)
                        <= decompositionTolerance(T.self, n))
            }
        }
        try check(type)
    }

    @Test("Symmetric eigendecomposition: A = Q·diag(λ)·Qᵀ, QᵀQ = I, λ ascending", arguments: scalarTypes)
    func eigen(_ type: any BLASScalar.Type) throws {
        func check<T: BLASScalar>(_: T.Type) throws {
            for n in Self.orders {
                let b = randomMatrix(T.self, n, n, seed: UInt64(n + 100))
                let a = b + b.transposed()
                let (values, q) = try a.symmetricEigendecomposition()
                #expect(values == values.sorted())
                let scaled = Matrix<T>(rowCount: n, columnCount: n) { i, j in q[i, j] * values[j] }
                #expect(maxAbsDifference(scaled.multiplied(by: q, transposingOther: true), a)
                        <= decompositionTolerance(T.self, n))
                #expect(maxAbsDifference(q.gram(), Matrix<T>.identity(n)) <= decompositionTolerance(T.self, n))
            }
        }
        try check(type)
    }

    @Test("Thin SVD: A = U·diag(s)·Vᵀ with orthonormal factors", arguments: scalarTypes)
    func svd(_ type: any BLASScalar.Type) throws {
        func check<T: BLASScalar>(_: T.Type) throws {
            for (m, n) in testShapes {
                let a = randomMatrix(T.self, m, n, seed: UInt64(m * 31 + n))
                let (u, s, vt) = try a.singularValueDecomposition()
                let p = min(m, n)
                #expect(u.shape == (m, p) && vt.shape == (p, n) && s.count == p)
                #expect(s == s.sorted(by: >) && s.allSatisfy { $0 >= 0 })
                let us = Matrix<T>(rowCount: m, columnCount: p) { i, j in u[i, j] * s[j] }
                #expect(maxAbsDifference(us.multiplied(by: vt), a) <= decompositionTolerance(T.self, max(m, n)))
                #expect(maxAbsDifference(u.gram(), Matrix<T>.identity(p)) <= decompositionTolerance(T.self, m))
            }
        }
        try check(type)
    }

    @Test("Numerical failures throw typed errors naming where", arguments: scalarTypes)
    func failures(_ type: any BLASScalar.Type) throws {
        func check<T: BLASScalar>(_: T.Type) throws {
            // The leading 2×2 minor [[1, 2], [2, 1]] has determinant −3.
            let indefinite = try Matrix<T>(rows: [[1, 2, 0], [2, 1, 0], [0, 0, 1]])
            #expect(throws: LinearAlgebraError.notPositiveDefinite(minor: 2)) { try indefinite.cholesky() }
            #expect(throws: LinearAlgebraError.notPositiveDefinite(minor: 2)) {
                try indefinite.solvedSymmetricPositiveDefinite(Matrix(rowCount: 3, columnCount: 1, repeating: 1))
            }
            let singular = try Matrix<T>(rows: [[1, 2], [2, 4]])
            #expect(throws: LinearAlgebraError.singular(pivot: 2)) {
                try singular.solved(Matrix(rowCount: 2, columnCount: 1, repeating: 1))
            }
            #expect(throws: LinearAlgebraError.notSquare(rows: 2, columns: 3)) {
                try Matrix<T>(rowCount: 2, columnCount: 3).cholesky()
            }
            #expect(throws: LinearAlgebraError.shapeMismatch(
                operation: "linear solve", left: "2×2", right: "3×1")) {
                try singular.solved(Matrix(rowCount: 3, columnCount: 1))
            }
            var withNaN = Matrix<T>.identity(3)
            withNaN[1, 2] = .nan
            #expect(throws: LinearAlgebraError.nonFiniteValue(row: 1, column: 2, operation: "Cholesky factorisation")) {
                try withNaN.cholesky()
            }
            #expect(throws: LinearAlgebraError.self) { try withNaN.symmetricEigendecomposition() }
            #expect(throws: LinearAlgebraError.self) { try withNaN.singularValueDecomposition() }
            #expect(throws: LinearAlgebraError.self) {
                try Matrix<T>.identity(2).solved(Matrix(rowCount: 2, columnCount: 1, repeating: .infinity))
            }
            var scratch: [T] = [1, 2, 2, 1]
            var rhs: [T] = [1, 1]
            #expect(throws: LinearAlgebraError.notPositiveDefinite(minor: 2)) {
                try scratch.withUnsafeMutableBufferPointer { pa in
                    try rhs.withUnsafeMutableBufferPointer { pb in
                        try Matrix<T>.solveSymmetricPositiveDefinite(
                            order: 2, matrix: pa.baseAddress!, rightHandSide: pb.baseAddress!)
                    }
                }
            }
        }
        try check(type)
    }
}
