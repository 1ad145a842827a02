extension Matrix {
    /// The lower-triangular Cholesky factor `L` with `self = L·Lᵀ`.
    ///
    /// Only the lower triangle of `self` is read. The upper triangle of the result is zero.
    /// - Throws: ``LinearAlgebraError/notSquare(rows:columns:)``,
    ///   ``LinearAlgebraError/nonFiniteValue(row:column:operation:)``, or
    ///   ``LinearAlgebraError/notPositiveDefinite(minor:)`` naming the first leading minor
    ///   that is not positive.
    /// - Complexity: O(n³/3) through LAPACK `potrf`.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func cholesky() throws(LinearAlgebraError) -> Matrix {
        try validateSquare()
        try validateFinite("Cholesky factorisation")
        var factor = self
        try factor.factorCholeskyInPlace()
        return factor
    }

    /// Solves `self · X = B` for a symmetric positive-definite `self`.
    ///
    /// Only the lower triangle of `self` is read.
    /// - Throws: the errors of ``cholesky()``, and
    ///   ``LinearAlgebraError/shapeMismatch(operation:left:right:)`` when `B` has the wrong row count.
    /// - Complexity: O(n³/3 + n²·columns of B) through LAPACK `potrf` and `potrs`.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func solvedSymmetricPositiveDefinite(_ b: Matrix) throws(LinearAlgebraError) -> Matrix {
        try validateSquare()
        try validateRightHandSide(b, "symmetric positive-definite solve")
        try validateFinite("symmetric positive-definite solve")
        try b.validateFinite("symmetric positive-definite solve (right-hand side)")
        var factor = self
        try factor.factorCholeskyInPlace()
        var x = b
        let (n, nrhs) = (rowCount, b.columnCount)
        guard n > 0, nrhs > 0 else { return x }
        factor.storage.withUnsafeBufferPointer { pa in
            x.storage.withUnsafeMutableBufferPointer { pb in
                _ = Scalar._potrs(n: n, nrhs: nrhs, a: pa.baseAddress!, lda: n, b: pb.baseAddress!, ldb: nrhs)
            }
        }
        return x
    }

    /// Solves `self · X = B` for a general square `self` by LU with partial pivoting.
    ///
    /// - Throws: ``LinearAlgebraError/singular(pivot:)`` when a pivot is exactly zero,
    ///   and the shape and finiteness errors of ``solvedSymmetricPositiveDefinite(_:)``.
    /// - Complexity: O(2n³/3 + n²·columns of B) through LAPACK `gesv`.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func solved(_ b: Matrix) throws(LinearAlgebraError) -> Matrix {
        try validateSquare()
        try validateRightHandSide(b, "linear solve")
        try validateFinite("linear solve")
        try b.validateFinite("linear solve (right-hand side)")
        let (n, nrhs) = (rowCount, b.columnCount)
        var lu = self
        var x = b
        guard n > 0 else { return x }
        var pivots = [Int32](repeating: 0, count: n)
        let info = lu.storage.withUnsafeMutableBufferPointer { pa in
            x.storage.withUnsafeMutableBufferPointer { pb in
                pivots.withUnsafeMutableBufferPointer { pp in
                    Scalar._gesv(
                        n: n, nrhs: nrhs, a: pa.baseAddress!, lda: n, pivots: pp.baseAddress!,
                        b: pb.baseAddress ?? pa.baseAddress!, ldb: max(1, nrhs))
                }
            }
        }
        if info > 0 { throw .singular(pivot: info) }
        return x
    }

    /// Eigenvalues in ascending order and the matching orthonormal eigenvectors (as the
    /// columns of `eigenvectors`) of a symmetric matrix, so that
    /// `self = eigenvectors · diag(eigenvalues) · eigenvectorsᵀ`.
    ///
    /// Only the lower triangle of `self` is read.
    /// - Throws: shape and finiteness errors, or ``LinearAlgebraError/didNotConverge(operation:info:)``.
    /// - Complexity: O(n³) through LAPACK `syevd` (divide and conquer).
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func symmetricEigendecomposition() throws(LinearAlgebraError)
        -> (eigenvalues: [Scalar], eigenvectors: Matrix)
    {
        try validateSquare()
        try validateFinite("symmetric eigendecomposition")
        let n = rowCount
        var vectors = self
        var values = [Scalar](repeating: 0, count: n)
        guard n > 0 else { return (values, vectors) }
        let info = vectors.storage.withUnsafeMutableBufferPointer { pa in
            values.withUnsafeMutableBufferPointer { pw in
                Scalar._syevd(n: n, a: pa.baseAddress!, lda: n, eigenvalues: pw.baseAddress!)
            }
        }
        if info != 0 { throw .didNotConverge(operation: "symmetric eigendecomposition", info: info) }
        return (values, vectors)
    }

    /// The thin singular value decomposition `self = u · diag(singularValues) · vt`.
    ///
    /// With `p = min(rows, columns)`, `u` is `rows×p`, `vt` is `p×columns`, and the
    /// singular values are non-negative and descending.
    /// - Throws: finiteness errors, or ``LinearAlgebraError/didNotConverge(operation:info:)``.
    /// - Complexity: O(rows·columns·p) through LAPACK `gesdd` (divide and conquer).
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func singularValueDecomposition() throws(LinearAlgebraError)
        -> (u: Matrix, singularValues: [Scalar], vt: Matrix)
    {
        try validateFinite("singular value decomposition")
        let (m, n) = (rowCount, columnCount)
        let p = min(m, n)
        var u = Matrix(rowCount: m, columnCount: p)
        var vt = Matrix(rowCount: p, columnCount: n)
        var s = [Scalar](repeating: 0, count: p)
        guard p > 0 else { return (u, s, vt) }
        var a = self
        let info = a.storage.withUnsafeMutableBufferPointer { pa in
            s.withUnsafeMutableBufferPointer { ps in
                u.storage.withUnsafeMutableBufferPointer { pu in
                    vt.storage.withUnsafeMutableBufferPointer { pv in
                        Scalar._gesdd(
                            m: m, n: n, a: pa.baseAddress!, lda: n, s: ps.baseAddress!,
                            u: pu.baseAddress!, ldu: p, vt: pv.baseAddress!, ldvt: n)
                    }
                }
            }
        }
        if info != 0 { throw .didNotConverge(operation: "singular value decomposition", info: info) }
        return (u, s, vt)
    }

    /// Solves `A·x = b` in place for a symmetric positive-definite `n×n` matrix `A` given
    /// as a raw buffer — the allocation-free kernel for hot loops such as ALS row updates.
    ///
    /// On return `matrix` holds the Cholesky factor (lower triangle, row-major) and
    /// `rightHandSide` holds `x`. Only the lower triangle of `A` is read. The caller
    /// guarantees finite input.
    /// - Throws: ``LinearAlgebraError/notPositiveDefinite(minor:)``.
    /// - Complexity: O(n³/3) through LAPACK `potrf`/`potrs`.
    @inlinable
    public static func solveSymmetricPositiveDefinite(
        order n: Int, matrix: UnsafeMutablePointer<Scalar>, rightHandSide: UnsafeMutablePointer<Scalar>
    ) throws(LinearAlgebraError) {
        guard n > 0 else { return }
        let info = Scalar._potrf(n: n, a: matrix, lda: n)
        if info > 0 { throw .notPositiveDefinite(minor: info) }
        _ = Scalar._potrs(n: n, nrhs: 1, a: matrix, lda: n, b: rightHandSide, ldb: 1)
    }

    private mutating func factorCholeskyInPlace() throws(LinearAlgebraError) {
        let n = rowCount
        guard n > 0 else { return }
        let info = storage.withUnsafeMutableBufferPointer { p in Scalar._potrf(n: n, a: p.baseAddress!, lda: n) }
        if info > 0 { throw .notPositiveDefinite(minor: info) }
        storage.withUnsafeMutableBufferPointer { p in
            for i in 0..<n {
                for j in (i + 1)..<n { p[i * n + j] = 0 }
            }
        }
    }

    private func validateSquare() throws(LinearAlgebraError) {
        guard rowCount == columnCount else { throw .notSquare(rows: rowCount, columns: columnCount) }
    }

    private func validateRightHandSide(_ b: Matrix, _ operation: String) throws(LinearAlgebraError) {
        guard b.rowCount == rowCount else {
            throw .shapeMismatch(
                operation: operation, left: "\(rowCount)×\(columnCount)", right: "\(b.rowCount)×\(b.columnCount)")
        }
    }
}
