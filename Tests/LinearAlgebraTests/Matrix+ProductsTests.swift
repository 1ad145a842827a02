import FusionRecTestSupport
import LinearAlgebra
import Testing

@Suite("Matrix products")
struct MatrixProductsTests {
    @Test("gemm matches the triple loop for every shape and transposition", arguments: scalarTypes)
    func gemm(_ type: any BLASScalar.Type) {
        func check<T: BLASScalar>(_: T.Type) {
            let sizes = [0, 1, 3, 8, 19]
            var seed: UInt64 = 1
            for m in sizes { for n in sizes { for p in sizes { for ta in [false, true] { for tb in [false, true] {
                seed += 1
                let a = ta ? randomMatrix(T.self, p, m, seed: seed) : randomMatrix(T.self, m, p, seed: seed)
                let b = tb ? randomMatrix(T.self, n, p, seed: seed + 999) : randomMatrix(T.self, p, n, seed: seed + 999)
                let c = a.multiplied(by: b, transposingSelf: ta, transposingOther: tb)
                #expect(c.shape == (m, n))
                #expect(maxAbsDifference(c, naiveProduct(a, b, ta, tb)) <= tolerance(T.self, terms: p))
            } } } } }
        }
        check(type)
    }

    @Test("Accumulating gemm reuses its output: C ← αAB + βC", arguments: scalarTypes)
    func accumulate(_ type: any BLASScalar.Type) {
        func check<T: BLASScalar>(_: T.Type) {
            for (m, n) in testShapes {
                let a = randomMatrix(T.self, m, 6, seed: 3), b = randomMatrix(T.self, 6, n, seed: 4)
                let c0 = randomMatrix(T.self, m, n, seed: 5)
                var c = c0
                c.addProduct(a, b, alpha: 2, beta: -0.5)
                let product = naiveProduct(a, b, false, false)
                let expected = product.enumerated().map { i, row in
                    row.enumerated().map { j, value in 2 * value - 0.5 * Double(c0[i, j]) }
                }
                #expect(maxAbsDifference(c, expected) <= tolerance(T.self, terms: 12))
            }
            // An empty inner dimension leaves β·C.
            var c = Matrix<T>(rowCount: 2, columnCount: 2, repeating: 4)
            c.addProduct(Matrix(rowCount: 2, columnCount: 0), Matrix(rowCount: 0, columnCount: 2), beta: 0.5)
            #expect(c.elements == [2, 2, 2, 2])
        }
        check(type)
    }

    @Test("gemv matches the triple loop, both orientations", arguments: scalarTypes)
    func gemv(_ type: any BLASScalar.Type) {
        func check<T: BLASScalar>(_: T.Type) {
            for (m, n) in testShapes {
                let a = randomMatrix(T.self, m, n, seed: 11)
                let x = randomMatrix(T.self, n, 1, seed: 12), xt = randomMatrix(T.self, m, 1, seed: 13)
                #expect(maxAbsDifference(
                    Matrix(rowCount: m, columnCount: 1) { i, _ in a.multiplied(by: x.elements)[i] },
                    naiveProduct(a, x, false, false)) <= tolerance(T.self, terms: n))
                #expect(maxAbsDifference(
                    Matrix(rowCount: n, columnCount: 1) { i, _ in a.multiplied(by: xt.elements, transposingSelf: true)[i] },
                    naiveProduct(a, xt, true, false)) <= tolerance(T.self, terms: m))
                var y = [T](repeating: 1, count: m)
                a.addProduct(to: &y, x.elements, alpha: 2, beta: 3)
                let reference = naiveProduct(a, x, false, false)
                for i in 0..<m { #expect(abs(Double(y[i]) - (2 * reference[i][0] + 3)) <= tolerance(T.self, terms: 2 * n)) }
            }
        }
        check(type)
    }

    @Test("Gram matrix AᵀA by syrk is symmetric and matches the product", arguments: scalarTypes)
    func gram(_ type: any BLASScalar.Type) {
        func check<T: BLASScalar>(_: T.Type) {
            for (m, n) in testShapes {
                let a = randomMatrix(T.self, m, n, seed: 21)
                let g = a.gram()
                #expect(g.shape == (n, n))
                #expect(maxAbsDifference(g, naiveProduct(a, a, true, false)) <= tolerance(T.self, terms: m))
                #expect(g == g.transposed())
                var accumulated = Matrix<T>.identity(n)
                accumulated.addGram(of: a, alpha: 2, beta: 1)
                #expect(maxAbsDifference(accumulated, g * 2 + Matrix<T>.identity(n)) <= tolerance(T.self, terms: m))
            }
        }
        check(type)
    }

    @Test("Element-wise arithmetic, dot, norms and row normalisation", arguments: scalarTypes)
    func arithmetic(_ type: any BLASScalar.Type) throws {
        func check<T: BLASScalar>(_: T.Type) throws {
            let a = try Matrix<T>(rows: [[1, 2], [3, 4]]), b = try Matrix<T>(rows: [[5, 6], [7, 8]])
            #expect((a + b).elements == [6, 8, 10, 12])
            #expect((b - a).elements == [4, 4, 4, 4])
            #expect((a * 2).elements == [2, 4, 6, 8])
            #expect((2 * a).elements == [2, 4, 6, 8])
            #expect((-a).elements == [-1, -2, -3, -4])
            #expect((b / 2).elements == [2.5, 3, 3.5, 4])
            #expect(a.elementwiseMultiplied(by: b).elements == [5, 12, 21, 32])
            #expect(b.elementwiseDivided(by: a).elements == [5, 3, T(7) / 3, 2])
            #expect(a.dot(b) == 70)
            #expect(abs(Double(a.frobeniusNorm) - 30.0.squareRoot()) < tolerance(T.self, terms: 4))
            let norms = try Matrix<T>(rows: [[3, 4], [0, 0]]).rowNorms()
            #expect(norms == [5, 0])
            let normalised = try Matrix<T>(rows: [[3, 4], [0, 0]]).rowNormalized()
            #expect(abs(Double(normalised[0, 0]) - 0.6) < tolerance(T.self, terms: 2))
            #expect(normalised.row(1) == [0, 0])
            var c = a
            c += b
            c -= a
            c *= 3
            #expect(c.elements == [15, 18, 21, 24])
            #expect(a.map { $0 * $0 }.elements == [1, 4, 9, 16])
            #expect(Matrix<T>(rowCount: 0, columnCount: 3).frobeniusNorm == 0)
        }
        try check(type)
    }
}
