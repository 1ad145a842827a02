import LinearAlgebra

/// A feature matrix stored densely or, when most entries are zero (hashed text, one-hot
/// categories), as CSR, so that the products the joint fit needs
/// cost O(nnz·k) instead of O(rows·columns·k).
struct _FeatureDesign<Scalar: BLASScalar>: Sendable {
    private enum Storage: Sendable {
        case dense(Matrix<Scalar>)
        /// The matrix, and for a very wide design (more than ``transposeColumnLimit``
        /// columns) its transpose too, whose products are row-by-row sums; narrower designs
        /// multiply their transpose by scattering into per-chunk partial products, reading
        /// the factors in order and without a second copy of the entries.
        case sparse(SparseMatrix<Scalar>, transposed: SparseMatrix<Scalar>?)
    }

    private let storage: Storage
    /// The most columns a sparse design multiplies its transpose by scattering; wider ones
    /// keep a transposed copy (a 16M-column hashed block's partial products would not fit).
    static var transposeColumnLimit: Int { 65_536 }
    let rowCount: Int
    let columnCount: Int

    /// The rows `sourceRows` of `source` (a row of zeros where the index is negative),
    /// stored sparsely when at most `sparseDensity` of the entries are non-zero — gathered
    /// straight into that storage, without a dense copy of a sparse block.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    init(rowsOf source: Matrix<Scalar>, at sourceRows: [Int], sparseDensity: Double = 0.1) {
        let columnCount = source.columnCount
        let nonZero = source.withUnsafeBufferPointer { x in
            sourceRows.reduce(0) { count, row in
                guard row >= 0 else { return count }
                var rowCount = 0
                for column in 0..<columnCount where x[row * columnCount + column] != 0 { rowCount += 1 }
                return count + rowCount
            }
        }
        let total = sourceRows.count * columnCount
        guard total > 0, Double(nonZero) <= sparseDensity * Double(total) else {
            var gathered = Matrix<Scalar>(rowCount: sourceRows.count, columnCount: columnCount)
            gathered.withUnsafeMutableBufferPointer { target in
                source.withUnsafeBufferPointer { x in
                    for (row, index) in sourceRows.enumerated() where index >= 0 {
                        for column in 0..<columnCount { target[row * columnCount + column] = x[index * columnCount + column] }
                    }
                }
            }
            self.init(storage: .dense(gathered), rowCount: sourceRows.count, columnCount: columnCount)
            return
        }
        var offsets = [0], columns: [Int32] = [], values: [Scalar] = []
        offsets.reserveCapacity(sourceRows.count + 1)
        columns.reserveCapacity(nonZero)
        values.reserveCapacity(nonZero)
        source.withUnsafeBufferPointer { x in
            for index in sourceRows {
                if index >= 0 {
                    for column in 0..<columnCount where x[index * columnCount + column] != 0 {
                        columns.append(Int32(column))
                        values.append(x[index * columnCount + column])
                    }
                }
                offsets.append(columns.count)
            }
        }
        self.init(sparse: offsets, columns, values, rowCount: sourceRows.count, columnCount: columnCount)
    }

    /// `[√w₁X₁, …, √w_J X_J, 1]`: the designs side by side, each scaled by the square root
    /// of its weight, then a column of ones — the design of the offset model's map. Stored
    /// sparsely or densely by the same rule as a single design.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    static func concatenatedWithIntercept(_ designs: [Self], weights: [Scalar], sparseDensity: Double = 0.1) -> Self {
        let rowCount = designs.first?.rowCount ?? 0
        let columnCount = designs.reduce(1) { $0 + $1.columnCount }
        let roots = weights.map { $0.squareRoot() }
        var offsets = [0], columns: [Int32] = [], values: [Scalar] = []
        offsets.reserveCapacity(rowCount + 1)
        for row in 0..<rowCount {
            var first = 0
            for (design, root) in zip(designs, roots) {
                design.forEachNonZero(inRow: row) { column, value in
                    columns.append(Int32(first + column))
                    values.append(root * value)
                }
                first += design.columnCount
            }
            columns.append(Int32(columnCount - 1))
            values.append(1)
            offsets.append(columns.count)
        }
        let sparse = Self(sparse: offsets, columns, values, rowCount: rowCount, columnCount: columnCount)
        guard Double(values.count) > sparseDensity * Double(rowCount * columnCount) else { return sparse }
        return Self(storage: .dense(sparse.dense()), rowCount: rowCount, columnCount: columnCount)
    }

    private init(storage: Storage, rowCount: Int, columnCount: Int) {
        self.storage = storage
        self.rowCount = rowCount
        self.columnCount = columnCount
    }

    /// The rows `sourceRows` of a block's features, stored by the same rule as
    /// ``init(rowsOf:at:sparseDensity:)`` whatever the block's own storage, so that a
    /// sparse block and its dense twin fit alike.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    init(rowsOf source: BlockFeatures<Scalar>, at sourceRows: [Int], sparseDensity: Double = 0.1) {
        switch source {
        case .dense(let x):
            self.init(rowsOf: x, at: sourceRows, sparseDensity: sparseDensity)
        case .sparse(let x):
            let (offsets, columns, values) = x.gatheringRows(sourceRows)
            let (rowCount, columnCount) = (sourceRows.count, x.columnCount)
            guard rowCount * columnCount > 0, Double(values.count) <= sparseDensity * Double(rowCount * columnCount) else {
                let gathered = try! SparseMatrix(rowCount: rowCount, columnCount: columnCount, rowOffsets: offsets,
                                                 columnIndices: columns, values: values)
                self.init(storage: .dense(gathered.dense()), rowCount: rowCount, columnCount: columnCount)
                return
            }
            self.init(sparse: offsets, columns, values, rowCount: rowCount, columnCount: columnCount)
        }
    }

    /// CSR arrays built valid by construction.
    private init(sparse offsets: [Int], _ columns: [Int32], _ values: [Scalar], rowCount: Int, columnCount: Int) {
        let matrix = try! SparseMatrix(rowCount: rowCount, columnCount: columnCount, rowOffsets: offsets,
                                       columnIndices: columns, values: values)
        let transposed = columnCount > Self.transposeColumnLimit ? matrix.transposed() : nil
        self.init(storage: .sparse(matrix, transposed: transposed), rowCount: rowCount, columnCount: columnCount)
    }

    /// Calls `body` with the column and value of every non-zero entry of row `row`, in
    /// column order.
    @inline(__always)
    func forEachNonZero(inRow row: Int, _ body: (Int, Scalar) -> Void) {
        switch storage {
        case .dense(let x):
            x.withUnsafeBufferPointer { x in
                for column in 0..<columnCount where x[row * columnCount + column] != 0 {
                    body(column, x[row * columnCount + column])
                }
            }
        case .sparse(let x, _):
            for index in x.rowOffsets[row]..<x.rowOffsets[row + 1] { body(Int(x.columnIndices[index]), x.values[index]) }
        }
    }

    /// The design as a dense matrix.
    func dense() -> Matrix<Scalar> {
        switch storage {
        case .dense(let x): return x
        case .sparse(let x, _): return x.dense()
        }
    }

    /// `self · right` (rows × k).
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    func multiplied(by right: Matrix<Scalar>) -> Matrix<Scalar> {
        switch storage {
        case .dense(let x): return x.multiplied(by: right)
        case .sparse(let x, _): return x.multiplied(by: right)
        }
    }

    /// `selfᵀ · right` (columns × k).
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    func transposeMultiplied(by right: Matrix<Scalar>) -> Matrix<Scalar> {
        switch storage {
        case .dense(let x): return x.multiplied(by: right, transposingSelf: true)
        case .sparse(let x, let transposed): return transposed?.multiplied(by: right) ?? x.transposeMultiplied(by: right)
        }
    }

    /// `selfᵀ · self`.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    func gram() -> Matrix<Scalar> {
        switch storage {
        case .dense(let x): return x.gram()
        case .sparse(let x, _): return x.gram()
        }
    }

    /// `‖self‖²_F`.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    func squaredNorm() -> Double {
        switch storage {
        case .dense(let x): return x.elements.reduce(0) { $0 + Double($1) * Double($1) }
        case .sparse(let x, _): return x.values.reduce(0) { $0 + Double($1) * Double($1) }
        }
    }
}
