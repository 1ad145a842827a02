import LinearAlgebra

/// The CSR arrays of one side of the interaction data, with values in the scalar type
/// of the model being trained. Built once per fit from a `SparseMatrix<Double>`.
package struct _CompressedRows<Scalar: BLASScalar>: Sendable {
    package let rowCount: Int
    package let columnCount: Int
    package let offsets: [Int]
    package let columns: [Int32]
    package let values: [Scalar]

    /// The rows of `matrix` with its values converted to `Scalar`, or all 1 when `binary`.
    /// Specialised: called from another module, the generic conversion per entry made the
    /// joint fit's setup on 5M interactions 0.43 s slower (Docs/Benchmarks.md, Fusion).
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    package init(_ matrix: SparseMatrix<Double>, binary: Bool = false) {
        rowCount = matrix.rowCount
        columnCount = matrix.columnCount
        offsets = matrix.rowOffsets
        columns = matrix.columnIndices
        values = binary ? [Scalar](repeating: 1, count: matrix.nonZeroCount) : matrix.values.map { Scalar($0) }
    }

    package init(rowCount: Int, columnCount: Int, offsets: [Int], columns: [Int32], values: [Scalar]) {
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.offsets = offsets
        self.columns = columns
        self.values = values
    }

    var nonZeroCount: Int { values.count }

    /// The largest number of entries in one row.
    var maximumRowLength: Int {
        var longest = 0
        for row in 0..<rowCount { longest = max(longest, offsets[row + 1] - offsets[row]) }
        return longest
    }
}
