import LinearAlgebra

/// The feature rows of a side-information block, stored densely (embeddings from a
/// language model, standardised numbers) or as compressed sparse rows (hashed text,
/// multi-hot categories, buckets), so that a sparse block costs its non-zero entries
/// from the encoder to the fit and to cold start.
///
/// Both forms give the same fit: the joint fit chooses its own storage for the product
/// kernels from the density of the rows, whichever form the block arrived in.
public enum BlockFeatures<Scalar: BLASScalar>: Sendable {
    /// A row-major `rows × dimension` matrix.
    case dense(Matrix<Scalar>)
    /// A CSR `rows × dimension` matrix.
    case sparse(SparseMatrix<Scalar>)

    /// The number of rows.
    public var rowCount: Int {
        switch self {
        case .dense(let x): x.rowCount
        case .sparse(let x): x.rowCount
        }
    }

    /// The number of feature columns.
    public var columnCount: Int {
        switch self {
        case .dense(let x): x.columnCount
        case .sparse(let x): x.columnCount
        }
    }

    /// Whether the rows are stored sparsely.
    public var isSparse: Bool {
        if case .sparse = self { return true }
        return false
    }

    /// The rows as a dense matrix (a copy for sparse storage).
    ///
    /// - Complexity: O(rows × dimension) for sparse storage, O(1) for dense.
    public func dense() -> Matrix<Scalar> {
        switch self {
        case .dense(let x): x
        case .sparse(let x): x.dense()
        }
    }

    /// The non-zero entries of row `row`, in column order.
    ///
    /// - Complexity: O(dimension) for dense storage, O(non-zeros of the row) for sparse.
    public func nonZeroEntries(inRow row: Int) -> (columns: [Int32], values: [Scalar]) {
        var columns: [Int32] = [], values: [Scalar] = []
        forEachNonZero(inRow: row) { column, value in
            columns.append(Int32(column))
            values.append(value)
        }
        return (columns, values)
    }

    /// Calls `body` with the column and value of each non-zero entry of row `row` (every
    /// stored entry of sparse storage), in column order, without copying the row.
    @inline(__always)
    func forEachNonZero(inRow row: Int, _ body: (_ column: Int, _ value: Scalar) -> Void) {
        switch self {
        case .dense(let x):
            x.withRow(row) { values in
                for (column, value) in values.enumerated() where value != 0 { body(column, value) }
            }
        case .sparse(let x):
            for entry in x.rowOffsets[row]..<x.rowOffsets[row + 1] {
                body(Int(x.columnIndices[entry]), x.values[entry])
            }
        }
    }
}

extension BlockFeatures: Equatable {}
