extension SparseMatrix {
    /// The dense Gram matrix `selfᵀ · self` (`columnCount × columnCount`, symmetric).
    ///
    /// - Complexity: O(Σᵢ nnz(row i)²) plus O(columns²) to clear the result — far less
    ///   than a dense `gram()` when rows are sparse.
    @inlinable
    public func gram() -> Matrix<Scalar> {
        let n = columnCount
        var result = Matrix<Scalar>(rowCount: n, columnCount: n)
        result.withUnsafeMutableBufferPointer { g in
            for i in 0..<rowCount {
                let range = rowOffsets[i]..<rowOffsets[i + 1]
                for a in range {
                    let ja = Int(columnIndices[a]), va = values[a]
                    for b in range { g[ja * n + Int(columnIndices[b])] += va * values[b] }
                }
            }
        }
        return result
    }
}
