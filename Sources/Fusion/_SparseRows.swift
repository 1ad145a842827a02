import LinearAlgebra

/// Scales the non-zero values of one sparse row to unit Euclidean norm, with the same BLAS
/// calls `Matrix.normalizeRows()` makes on a dense row (zeros add nothing to the norm), so
/// that sparse and dense rows normalise alike. A row of norm zero stays zero.
@inline(__always)
func _normalize<Scalar: BLASScalar>(_ values: inout ArraySlice<Scalar>) {
    guard !values.isEmpty else { return }
    values.withUnsafeMutableBufferPointer { x in
        let norm = Scalar._nrm2(count: x.count, x: x.baseAddress!, incx: 1)
        guard norm > 0 else { return }
        Scalar._scal(count: x.count, alpha: 1 / norm, x: x.baseAddress!, incx: 1)
    }
}

extension SparseMatrix where Scalar == Float {
    /// The matrix with every value converted to `Target`.
    func converted<Target: BLASScalar>(to _: Target.Type) -> SparseMatrix<Target> {
        if let same = self as? SparseMatrix<Target> { return same }
        return try! SparseMatrix<Target>(
            rowCount: rowCount, columnCount: columnCount, rowOffsets: rowOffsets, columnIndices: columnIndices,
            values: values.map { Target($0) })
    }
}

extension SparseMatrix {
    /// The CSR arrays of the rows `sourceRows` (an empty row where the index is negative).
    func gatheringRows(_ sourceRows: [Int]) -> (offsets: [Int], columns: [Int32], values: [Scalar]) {
        var offsets = [0], columns: [Int32] = [], values: [Scalar] = []
        offsets.reserveCapacity(sourceRows.count + 1)
        let count = sourceRows.reduce(0) { $0 + ($1 >= 0 ? nonZeroCount(inRow: $1) : 0) }
        columns.reserveCapacity(count)
        values.reserveCapacity(count)
        for row in sourceRows {
            if row >= 0 {
                columns.append(contentsOf: columnIndices[rowOffsets[row]..<rowOffsets[row + 1]])
                values.append(contentsOf: self.values[rowOffsets[row]..<rowOffsets[row + 1]])
            }
            offsets.append(columns.count)
        }
        return (offsets, columns, values)
    }
}
