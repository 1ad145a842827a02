import Benchmark
import LinearAlgebra

/// A `rows×columns` sparse matrix with `density·rows·columns` entries at uniformly drawn
/// positions (duplicates summed), and a dense `columns×width` factor matrix.
func sparseOperands(
    rows: Int, columns: Int, density: Double, width: Int, seed: UInt64
) throws -> (sparse: SparseMatrix<Float>, dense: Matrix<Float>) {
    var generator = SplitMix64(seed: seed)
    let entryCount = Int((density * Double(rows) * Double(columns)).rounded())
    var rowIndices: [Int] = [], columnIndices: [Int] = [], values: [Float] = []
    rowIndices.reserveCapacity(entryCount)
    columnIndices.reserveCapacity(entryCount)
    values.reserveCapacity(entryCount)
    for _ in 0..<entryCount {
        rowIndices.append(Int.random(in: 0..<rows, using: &generator))
        columnIndices.append(Int.random(in: 0..<columns, using: &generator))
        values.append(Float.random(in: 0.5...5, using: &generator))
    }
    let sparse = try SparseMatrix(
        rowCount: rows, columnCount: columns, rows: rowIndices, columns: columnIndices, values: values)
    let dense = Matrix<Float>.randomNormal(rowCount: columns, columnCount: width, using: &generator)
    return (sparse, dense)
}

/// `sparse · dense` written out for `Float` in this module, so the compiler specialises
/// it: the same row-parallel loop and grain as the library's generic kernel. The gap
/// between the two is the cost of the library kernel running unspecialised.
func referenceProduct(_ sparse: SparseMatrix<Float>, _ dense: Matrix<Float>) -> Matrix<Float> {
    let width = dense.columnCount
    var result = Matrix<Float>(rowCount: sparse.rowCount, columnCount: width)
    let grain = max(1, 16_384 / max(1, width))
    sparse.rowOffsets.withUnsafeBufferPointer { offsets in
        sparse.columnIndices.withUnsafeBufferPointer { columns in
            sparse.values.withUnsafeBufferPointer { values in
                dense.withUnsafeBufferPointer { b in
                    result.withUnsafeMutableBufferPointer { c in
                        let c = c
                        Parallel.forEachChunk(of: 0..<sparse.rowCount, grainSize: grain) { rows in
                            for i in rows {
                                let target = c.baseAddress! + i * width
                                for index in offsets[i]..<offsets[i + 1] {
                                    let value = values[index]
                                    let source = b.baseAddress! + Int(columns[index]) * width
                                    for j in 0..<width { target[j] += value * source[j] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    return result
}

func registerSparseBenchmarks() {
    let (rows, columns, width) = (10_000, 10_000, 64)
    for (density, label) in [(0.0001, "0.01%"), (0.001, "0.1%"), (0.01, "1%")] {
        Benchmark(
            "sparse \(rows)x\(columns) at \(label) x dense \(columns)x\(width)",
            configuration: suiteConfiguration(maxDuration: .seconds(3), flops: true)
        ) { benchmark, operands in
            let flops = 2 * Double(operands.sparse.nonZeroCount) * Double(width)
            var product = Matrix<Float>(rowCount: 0, columnCount: 0)
            measuringFlops(benchmark, flopCount: flops) { product = operands.sparse.multiplied(by: operands.dense) }
            blackHole(product)
        } setup: {
            try sparseOperands(rows: rows, columns: columns, density: density, width: width, seed: 5)
        }

        Benchmark(
            "sparse \(rows)x\(columns) at \(label) x dense \(columns)x\(width) specialised Float reference loop",
            configuration: suiteConfiguration(maxDuration: .seconds(3), flops: true)
        ) { benchmark, operands in
            let flops = 2 * Double(operands.sparse.nonZeroCount) * Double(width)
            var product = Matrix<Float>(rowCount: 0, columnCount: 0)
            measuringFlops(benchmark, flopCount: flops) { product = referenceProduct(operands.sparse, operands.dense) }
            blackHole(product)
        } setup: {
            try sparseOperands(rows: rows, columns: columns, density: density, width: width, seed: 5)
        }
    }
}
