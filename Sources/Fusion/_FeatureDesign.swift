import LinearAlgebra

/// A feature matrix stored densely or, when most entries are zero (hashed text, one-hot
/// categories), as CSR, so that the products the joint fit needs
/// cost O(nnz·k) instead of O(rows·columns·k).
struct _FeatureDesign<Scalar: BLASScalar>: Sendable {
    private enum Storage: Sendable {
        case dense(Matrix<Scalar>)
        case sparse(SparseMatrix<Scalar>)
    }

    private let storage: Storage
    let rowCount: Int
    let columnCount: Int

    /// Stores `features` sparsely when at most `sparseDensity` of its entries are non-zero.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    init(_ features: Matrix<Scalar>, sparseDensity: Double = 0.1) {
        let (rowCount, columnCount) = features.shape
        self.rowCount = rowCount
        self.columnCount = columnCount
        let nonZero = features.withUnsafeBufferPointer { x in x.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } }
        guard features.elements.count > 0, Double(nonZero) <= sparseDensity * Double(features.elements.count) else {
            storage = .dense(features)
            return
        }
        var offsets = [0], columns: [Int32] = [], values: [Scalar] = []
        offsets.reserveCapacity(rowCount + 1)
        columns.reserveCapacity(nonZero)
        values.reserveCapacity(nonZero)
        features.withUnsafeBufferPointer { x in
            for row in 0..<rowCount {
                for column in 0..<columnCount where x[row * columnCount + column] != 0 {
                    columns.append(Int32(column))
                    values.append(x[row * columnCount + column])
                }
                offsets.append(columns.count)
            }
        }
        // The arrays were built valid by construction.
        let matrix = try! SparseMatrix(rowCount: rowCount, columnCount: columnCount, rowOffsets: offsets,
                                       columnIndices: columns, values: values)
        storage = .sparse(matrix)
    }

    /// `self · right` (rows × k).
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    func multiplied(by right: Matrix<Scalar>) -> Matrix<Scalar> {
        switch storage {
        case .dense(let x): return x.multiplied(by: right)
        case .sparse(let x): return x.multiplied(by: right)
        }
    }

    /// `selfᵀ · right` (columns × k).
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    func transposeMultiplied(by right: Matrix<Scalar>) -> Matrix<Scalar> {
        switch storage {
        case .dense(let x): return x.multiplied(by: right, transposingSelf: true)
        case .sparse(let x): return Self.scatterTransposeProduct(x, right)
        }
    }

    /// `selfᵀ · self`.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    func gram() -> Matrix<Scalar> {
        switch storage {
        case .dense(let x): return x.gram()
        case .sparse(let x): return x.gram()
        }
    }

    /// `‖self‖²_F`.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    func squaredNorm() -> Double {
        switch storage {
        case .dense(let x): return x.elements.reduce(0) { $0 + Double($1) * Double($1) }
        case .sparse(let x): return x.values.reduce(0) { $0 + Double($1) * Double($1) }
        }
    }

    /// `xᵀ·right` for CSR `x`, reading `right` row by row and scattering into per-chunk
    /// partial results that are summed in chunk order — sequential reads of the tall
    /// operand instead of the random row gathers of a product through xᵀ, and the same
    /// result for any thread count (the chunks are fixed, not per thread).
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    static func scatterTransposeProduct(_ x: SparseMatrix<Scalar>, _ right: Matrix<Scalar>) -> Matrix<Scalar> {
        let (rows, columns, width) = (x.rowCount, x.columnCount, right.columnCount)
        let chunkCount = 8
        let grain = max(1, (rows + chunkCount - 1) / chunkCount)
        let partials = right.withUnsafeBufferPointer { r in
            let source = _UncheckedPointer(r.baseAddress)
            return Parallel.mapChunks(of: 0..<rows, grainSize: grain) { chunk -> [Scalar] in
                var partial = [Scalar](repeating: 0, count: columns * width)
                partial.withUnsafeMutableBufferPointer { out in
                    for i in chunk {
                        let row = source.pointer! + i * width
                        for index in x.rowOffsets[i]..<x.rowOffsets[i + 1] {
                            let value = x.values[index]
                            let target = out.baseAddress! + Int(x.columnIndices[index]) * width
                            for j in 0..<width { target[j] += value * row[j] }
                        }
                    }
                }
                return partial
            }
        }
        var result = Matrix<Scalar>(rowCount: columns, columnCount: width)
        result.withUnsafeMutableBufferPointer { out in
            for partial in partials {
                for index in 0..<(columns * width) { out[index] += partial[index] }
            }
        }
        return result
    }
}

/// A read-only pointer handed to the chunks of a parallel loop.
struct _UncheckedPointer<Scalar>: @unchecked Sendable {
    let pointer: UnsafePointer<Scalar>?
    init(_ pointer: UnsafePointer<Scalar>?) { self.pointer = pointer }
}
