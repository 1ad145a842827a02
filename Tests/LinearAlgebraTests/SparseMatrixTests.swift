import FusionRecTestSupport
import LinearAlgebra
import Testing

@Suite("SparseMatrix")
struct SparseMatrixTests {
    typealias Triplet<T: BLASScalar> = SparseMatrix<T>.Triplet

    @Test("Builder sorts, merges duplicates and keeps empty rows", arguments: scalarTypes)
    func builder(_ type: any BLASScalar.Type) throws {
        func check<T: BLASScalar>(_: T.Type) throws {
            let triplets: [Triplet<T>] = [
                .init(row: 2, column: 3, value: 1), .init(row: 0, column: 1, value: 2),
                .init(row: 2, column: 0, value: 3), .init(row: 2, column: 3, value: 4),
                .init(row: 0, column: 0, value: 0),
            ]
            let summed = try SparseMatrix<T>(rowCount: 4, columnCount: 5, triplets: triplets)
            #expect(summed.rowOffsets == [0, 2, 2, 4, 4])
            #expect(summed.columnIndices == [0, 1, 0, 3])
            #expect(summed.values == [0, 2, 3, 5])
            #expect(summed.nonZeroCount == 4)
            #expect(summed.nonZeroCount(inRow: 1) == 0)
            let last = try SparseMatrix<T>(rowCount: 4, columnCount: 5, triplets: triplets, duplicates: .last)
            #expect(last.values == [0, 2, 3, 4])
            #expect(last[2, 3] == 4 && last[2, 1] == 0 && last[3, 4] == 0)
            let empty = try SparseMatrix<T>(rowCount: 0, columnCount: 0, triplets: [])
            #expect(empty.rowOffsets == [0] && empty.nonZeroCount == 0)
        }
        try check(type)
    }

    @Test("Invalid triplets throw an error that names them", arguments: scalarTypes)
    func invalidTriplets(_ type: any BLASScalar.Type) {
        func check<T: BLASScalar>(_: T.Type) {
            let ok = Triplet<T>(row: 0, column: 0, value: 1)
            #expect(throws: LinearAlgebraError.invalidTriplet(
                index: 1, row: 3, column: 0, value: 1, reason: "row out of range 0..<3")) {
                try SparseMatrix<T>(rowCount: 3, columnCount: 3, triplets: [ok, .init(row: 3, column: 0, value: 1)])
            }
            #expect(throws: LinearAlgebraError.invalidTriplet(
                index: 0, row: 1, column: -1, value: 1, reason: "column out of range 0..<3")) {
                try SparseMatrix<T>(rowCount: 3, columnCount: 3, triplets: [.init(row: 1, column: -1, value: 1)])
            }
            #expect(throws: LinearAlgebraError.self) {
                try SparseMatrix<T>(rowCount: 3, columnCount: 3, triplets: [ok, .init(row: 1, column: 1, value: .nan)])
            }
            #expect(throws: LinearAlgebraError.invalidTriplet(
                index: 0, row: 1, column: 1, value: .infinity, reason: "value is not finite")) {
                try SparseMatrix<T>(rowCount: 3, columnCount: 3, triplets: [.init(row: 1, column: 1, value: .infinity)])
            }
            #expect(throws: LinearAlgebraError.self) {
                try SparseMatrix<T>(rowCount: 2, columnCount: 2, rows: [0, 1], columns: [0], values: [1, 2])
            }
            #expect(throws: LinearAlgebraError.negativeDimension(rows: -1, columns: 2)) {
                try SparseMatrix<T>(rowCount: -1, columnCount: 2, triplets: [])
            }
            #expect(throws: LinearAlgebraError.self) {
                try SparseMatrix<T>(rowCount: 1, columnCount: 3, rowOffsets: [0, 2], columnIndices: [2, 1], values: [1, 1])
            }
            #expect(throws: LinearAlgebraError.self) {
                try SparseMatrix<T>(rowCount: 2, columnCount: 3, rowOffsets: [0, 2], columnIndices: [0, 1], values: [1, 1])
            }
        }
        check(type)
    }

    /// A random sparse matrix with about `density` of its entries stored.
    func randomSparse<T: BLASScalar>(_: T.Type, _ m: Int, _ n: Int, density: Double, seed: UInt64) throws
        -> SparseMatrix<T>
    {
        var generator = SplitMix64(seed: seed)
        var triplets: [Triplet<T>] = []
        for i in 0..<m { for j in 0..<n where Double.random(in: 0..<1, using: &generator) < density {
            triplets.append(.init(row: i, column: j, value: T.random(in: -1...1, using: &generator)))
        } }
        return try SparseMatrix(rowCount: m, columnCount: n, triplets: triplets.shuffled(using: &generator))
    }

    @Test("The transpose is the same for any thread count, with empty rows and columns and more entries than columns")
    func transposeThreads() throws {
        var generator = SplitMix64(seed: 21)
        var triplets: [Triplet<Double>] = []
        // Rows 0, 5 and 299 empty; column 9 empty; most entries in a few columns, so each
        // thread's piece holds entries of every column.
        for i in 1..<299 where i != 5 {
            for _ in 0..<20 {
                let j = Int(generator.next() % 3 == 0 ? generator.next() % 40 : generator.next() % 4)
                if j != 9 { triplets.append(.init(row: i, column: j, value: Double(generator.next() % 100))) }
            }
        }
        let s = try SparseMatrix(rowCount: 300, columnCount: 40, triplets: triplets, duplicates: .sum)
        withThreadCountLocked {
            let transposes = [1, 2, 3, 7].map { threads -> SparseMatrix<Double> in
                Parallel.threadCount = threads
                return s.transposed()
            }
            #expect(transposes.allSatisfy { $0 == transposes[0] })
            #expect(transposes[0].dense() == s.dense().transposed())
            #expect(transposes[0].transposed() == s)
        }
    }

    @Test("Transpose, dense conversion and row buffers agree", arguments: scalarTypes)
    func transpose(_ type: any BLASScalar.Type) throws {
        func check<T: BLASScalar>(_: T.Type) throws {
            for (m, n) in testShapes {
                let s = try randomSparse(T.self, m, n, density: 0.3, seed: UInt64(m * 7 + n))
                #expect(s.transposed().dense() == s.dense().transposed())
                #expect(s.transposed().transposed() == s)
                let rebuilt = try SparseMatrix<T>(
                    rowCount: m, columnCount: n, rowOffsets: s.rowOffsets, columnIndices: s.columnIndices,
                    values: s.values)
                #expect(rebuilt == s)
                for i in 0..<m {
                    s.withRow(i) { columns, values in
                        for (column, value) in zip(columns, values) { #expect(s.dense()[i, Int(column)] == value) }
                    }
                }
            }
        }
        try check(type)
    }

    @Test("Sparse × dense and sparse × vector match the dense products", arguments: scalarTypes)
    func products(_ type: any BLASScalar.Type) throws {
        func check<T: BLASScalar>(_: T.Type) throws {
            for (m, n) in testShapes + [(300, 200)] {
                for density in [0.0, 0.05, 0.5] {
                    let s = try randomSparse(T.self, m, n, density: density, seed: UInt64(m + n))
                    // Widths below, at and across the 32-column tile of the kernel.
                    for width in [5, 32, 77] {
                        let d = randomMatrix(T.self, n, width, seed: 77)
                        #expect(maxAbsDifference(s.multiplied(by: d), naiveProduct(s.dense(), d, false, false))
                                <= tolerance(T.self, terms: n))
                    }
                    let x = randomMatrix(T.self, n, 1, seed: 78).elements
                    let y = s.multiplied(by: x)
                    let reference = naiveProduct(s.dense(), try Matrix(rowCount: n, columnCount: 1, elements: x), false, false)
                    for i in 0..<m { #expect(abs(Double(y[i]) - reference[i][0]) <= tolerance(T.self, terms: n)) }
                }
            }
        }
        try check(type)
    }

    @Test("The sparse Gram matrix equals the dense one and is exactly symmetric", arguments: scalarTypes)
    func sparseGram(_ type: any BLASScalar.Type) throws {
        func check<T: BLASScalar>(_: T.Type) throws {
            for (m, n) in testShapes + [(300, 40)] {
                for density in [0.0, 0.1, 0.6] {
                    let s = try randomSparse(T.self, m, n, density: density, seed: UInt64(3 * m + n))
                    let g = s.gram()
                    #expect(maxAbsDifference(g, naiveProduct(s.dense(), s.dense(), true, false)) <= tolerance(T.self, terms: m))
                    #expect(g == g.transposed())
                }
            }
        }
        try check(type)
    }

    @Test("Sparse × dense is the same for any thread count, with one row far longer than the others",
          arguments: scalarTypes)
    func skewedProductDeterminism(_ type: any BLASScalar.Type) throws {
        func check<T: BLASScalar>(_: T.Type) throws {
            var generator = SplitMix64(seed: 5)
            var triplets: [Triplet<T>] = (0..<200).map { .init(row: 199, column: $0, value: T.random(in: -1...1, using: &generator)) }
            for i in 0..<199 { triplets.append(.init(row: i, column: (i * 7) % 200, value: T.random(in: -1...1, using: &generator))) }
            let s = try SparseMatrix(rowCount: 200, columnCount: 200, triplets: triplets)
            let d = randomMatrix(T.self, 200, 40, seed: 9)
            withThreadCountLocked {
                let products = [1, 2, 3].map { threads -> Matrix<T> in
                    Parallel.threadCount = threads
                    return s.multiplied(by: d)
                }
                #expect(products[0] == products[1] && products[1] == products[2])
                #expect(maxAbsDifference(products[0], naiveProduct(s.dense(), d, false, false)) <= tolerance(T.self, terms: 200))
            }
        }
        try check(type)
    }

    @Test("Sparseᵀ × dense matches the dense product and the transpose's product, for any thread count",
          arguments: scalarTypes)
    func transposeProduct(_ type: any BLASScalar.Type) throws {
        func check<T: BLASScalar>(_: T.Type) throws {
            try withThreadCountLocked {
                // (100, 60000) at width 77 passes the partial-product budget: one chunk, a serial scatter.
                for (m, n) in testShapes + [(300, 200), (3000, 20), (100, 60_000)] {
                    for density in [0.0, 0.05, 0.5] where Double(m * n) * density < 1e6 {
                        let s = try randomSparse(T.self, m, n, density: density, seed: UInt64(5 * m + n))
                        for width in [5, 77] {
                            let d = randomMatrix(T.self, m, width, seed: 79)
                            let products = [1, 2, 3].map { threads -> Matrix<T> in
                                Parallel.threadCount = threads
                                return s.transposeMultiplied(by: d)
                            }
                            #expect(products[0] == products[1] && products[1] == products[2])
                            if m * n <= 100_000 {
                                #expect(maxAbsDifference(products[0], naiveProduct(s.dense(), d, true, false)) <= tolerance(T.self, terms: m))
                            }
                            #expect(maxAbsDifference(products[0], s.transposed().multiplied(by: d)) <= tolerance(T.self, terms: m))
                        }
                    }
                }
            }
        }
        try check(type)
    }
}
