import FusionRecTestSupport
import LinearAlgebra
import Testing

@Suite("Matrix")
struct MatrixTests {
    @Test("Initialisers lay elements out row-major", arguments: scalarTypes)
    func initialisers(_ type: any BLASScalar.Type) throws {
        func check<T: BLASScalar>(_: T.Type) throws {
            let a = try Matrix<T>(rowCount: 2, columnCount: 3, elements: [1, 2, 3, 4, 5, 6])
            #expect(a[1, 0] == 4 && a[0, 2] == 3)
            #expect(try Matrix<T>(rows: [[1, 2, 3], [4, 5, 6]]) == a)
            #expect(Matrix<T>(rowCount: 2, columnCount: 3) { i, j in T(i * 3 + j + 1) } == a)
            #expect(a.row(1) == [4, 5, 6])
            #expect(a.column(2) == [3, 6])
            #expect(Matrix<T>(rowCount: 2, columnCount: 2, repeating: 7).elements == [7, 7, 7, 7])
            #expect(Matrix<T>.identity(3).elements == [1, 0, 0, 0, 1, 0, 0, 0, 1])
            #expect(try Matrix<T>(rows: []).shape == (0, 0))
        }
        try check(type)
    }

    @Test("Bad shapes from data throw", arguments: scalarTypes)
    func badShapes(_ type: any BLASScalar.Type) {
        func check<T: BLASScalar>(_: T.Type) {
            #expect(throws: LinearAlgebraError.elementCountMismatch(expected: 6, actual: 5, rows: 2, columns: 3)) {
                try Matrix<T>(rowCount: 2, columnCount: 3, elements: [1, 2, 3, 4, 5])
            }
            #expect(throws: LinearAlgebraError.raggedRows(row: 1, expected: 2, actual: 1)) {
                try Matrix<T>(rows: [[1, 2], [3]])
            }
            #expect(throws: LinearAlgebraError.negativeDimension(rows: -1, columns: 2)) {
                try Matrix<T>(rowCount: -1, columnCount: 2, elements: [])
            }
            #expect(throws: LinearAlgebraError.self) {
                try Matrix<T>(rowCount: Int.max / 2, columnCount: 4, elements: [1])
            }
        }
        check(type)
    }

    @Test("Copies are independent (copy-on-write)", arguments: scalarTypes)
    func copyOnWrite(_ type: any BLASScalar.Type) {
        func check<T: BLASScalar>(_: T.Type) {
            let a = Matrix<T>(rowCount: 2, columnCount: 2, repeating: 1)
            var b = a
            b[0, 0] = 5
            b.withMutableRow(1) { row in row[1] = 9 }
            #expect(a.elements == [1, 1, 1, 1])
            #expect(b.elements == [5, 1, 1, 9])
        }
        check(type)
    }

    @Test("Borrowed row access sees the right elements", arguments: scalarTypes)
    func rowAccess(_ type: any BLASScalar.Type) {
        func check<T: BLASScalar>(_: T.Type) {
            var a = randomMatrix(T.self, 5, 4, seed: 1)
            for i in 0..<5 { #expect(a.withRow(i) { Array($0) } == a.row(i)) }
            a.setRow(2, to: [1, 2, 3, 4])
            #expect(a.row(2) == [1, 2, 3, 4])
        }
        check(type)
    }

    @Test("Transpose matches the definition on every shape", arguments: scalarTypes)
    func transpose(_ type: any BLASScalar.Type) {
        func check<T: BLASScalar>(_: T.Type) {
            for (m, n) in testShapes + [(70, 45)] {
                let a = randomMatrix(T.self, m, n, seed: UInt64(m * 100 + n))
                let t = a.transposed()
                #expect(t.shape == (n, m))
                for i in 0..<m { for j in 0..<n { #expect(t[j, i] == a[i, j]) } }
                #expect(t.transposed() == a)
            }
        }
        check(type)
    }

    @Test("Seeded random matrices are reproducible and have the right moments", arguments: scalarTypes)
    func random(_ type: any BLASScalar.Type) {
        func check<T: BLASScalar>(_: T.Type) {
            var g1 = SplitMix64(seed: 9), g2 = SplitMix64(seed: 9)
            let a = Matrix<T>.randomNormal(rowCount: 100, columnCount: 101, mean: 2, standardDeviation: 3, using: &g1)
            let b = Matrix<T>.randomNormal(rowCount: 100, columnCount: 101, mean: 2, standardDeviation: 3, using: &g2)
            #expect(a == b)
            let values = a.elements.map { Double($0) }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
            #expect(abs(mean - 2) < 0.1)
            #expect(abs(variance.squareRoot() - 3) < 0.1)
            let u = Matrix<T>.random(rowCount: 50, columnCount: 50, in: 2...3, using: &g1)
            #expect(u.elements.allSatisfy { $0 >= 2 && $0 <= 3 })
        }
        check(type)
    }

    @Test("Non-finite values are located", arguments: scalarTypes)
    func nonFinite(_ type: any BLASScalar.Type) {
        func check<T: BLASScalar>(_: T.Type) {
            var a = Matrix<T>(rowCount: 3, columnCount: 4, repeating: 1)
            #expect(a.firstNonFiniteIndex() == nil)
            a[2, 1] = .infinity
            #expect(a.firstNonFiniteIndex()! == (2, 1))
            #expect(throws: LinearAlgebraError.nonFiniteValue(row: 2, column: 1, operation: "test")) {
                try a.validateFinite("test")
            }
        }
        check(type)
    }
}
