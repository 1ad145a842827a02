extension SparseMatrix {
    /// The dense Gram matrix `selfᵀ · self` (`columnCount × columnCount`, symmetric).
    ///
    /// Each row adds the products of its entries with the entries at and after them in
    /// the row (columns are sorted, so that is the upper triangle); the lower triangle is
    /// copied from it at the end.
    ///
    /// - Complexity: O(Σᵢ nnz(row i)²/2) plus O(columns²) to clear and mirror the result —
    ///   far less than a dense `gram()` when rows are sparse.
    @inlinable
    public func gram() -> Matrix<Scalar> {
        let n = columnCount
        var result = Matrix<Scalar>(rowCount: n, columnCount: n)
        result.withUnsafeMutableBufferPointer { g in
            rowOffsets.withUnsafeBufferPointer { offsets in
                columnIndices.withUnsafeBufferPointer { columns in
                    values.withUnsafeBufferPointer { values in
                        for i in 0..<rowCount {
                            let end = offsets[i + 1]
                            for a in offsets[i]..<end {
                                let target = g.baseAddress! + Int(columns[a]) * n, va = values[a]
                                for b in a..<end { target[Int(columns[b])] += va * values[b] }
                            }
                        }
                    }
                }
            }
            for row in 0..<n {
                for column in (row + 1)..<max(row + 1, n) { g[column * n + row] = g[row * n + column] }
            }
        }
        return result
    }
}
