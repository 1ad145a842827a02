extension Matrix {
    /// The product `op(self) · op(other)`, where `op` optionally transposes.
    ///
    /// - Precondition: the inner dimensions agree; the message names both shapes.
    /// - Complexity: O(m·n·k) through BLAS `gemm`, using BLAS's own threads.
    @inlinable
    public func multiplied(
        by other: Matrix, transposingSelf: Bool = false, transposingOther: Bool = false
    ) -> Matrix {
        let m = transposingSelf ? columnCount : rowCount
        let n = transposingOther ? other.rowCount : other.columnCount
        var result = Matrix(rowCount: m, columnCount: n)
        result.addProduct(self, other, transposingFirst: transposingSelf, transposingSecond: transposingOther, beta: 0)
        return result
    }

    /// Accumulates a product into this matrix in place: `self ← α·op(a)·op(b) + β·self`.
    ///
    /// Reuses this matrix's storage, so a loop that calls it allocates nothing once the
    /// storage is unique.
    ///
    /// - Precondition: `op(a)` is `rowCount×p` and `op(b)` is `p×columnCount`.
    /// - Complexity: O(rowCount·columnCount·p) through BLAS `gemm`.
    @inlinable
    public mutating func addProduct(
        _ a: Matrix, _ b: Matrix, transposingFirst: Bool = false, transposingSecond: Bool = false,
        alpha: Scalar = 1, beta: Scalar = 1
    ) {
        let m = transposingFirst ? a.columnCount : a.rowCount
        let inner = transposingFirst ? a.rowCount : a.columnCount
        let innerB = transposingSecond ? b.columnCount : b.rowCount
        let n = transposingSecond ? b.rowCount : b.columnCount
        precondition(
            inner == innerB && m == rowCount && n == columnCount,
            "Product shapes do not fit: \(a.rowCount)×\(a.columnCount)\(transposingFirst ? "ᵀ" : "") · "
                + "\(b.rowCount)×\(b.columnCount)\(transposingSecond ? "ᵀ" : "") into \(rowCount)×\(columnCount)")
        guard m > 0, n > 0 else { return }
        guard inner > 0 else {
            scale(by: beta)
            return
        }
        let columns = columnCount
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                storage.withUnsafeMutableBufferPointer { pc in
                    Scalar._gemm(
                        transposeA: transposingFirst, transposeB: transposingSecond, m: m, n: n, k: inner,
                        alpha: alpha, a: pa.baseAddress!, lda: max(1, a.columnCount),
                        b: pb.baseAddress!, ldb: max(1, b.columnCount),
                        beta: beta, c: pc.baseAddress!, ldc: max(1, columns))
                }
            }
        }
    }

    /// The matrix–vector product `op(self) · x`.
    ///
    /// - Precondition: `x.count` equals the column count of `op(self)`.
    /// - Complexity: O(rows·columns) through BLAS `gemv`.
    @inlinable
    public func multiplied(by x: [Scalar], transposingSelf: Bool = false) -> [Scalar] {
        var y = [Scalar](repeating: 0, count: transposingSelf ? columnCount : rowCount)
        addProduct(to: &y, x, transposingSelf: transposingSelf, beta: 0)
        return y
    }

    /// Accumulates a matrix–vector product in place: `y ← α·op(self)·x + β·y`.
    ///
    /// - Precondition: `x` and `y` fit the shape of `op(self)`.
    @inlinable
    public func addProduct(
        to y: inout [Scalar], _ x: [Scalar], transposingSelf: Bool = false, alpha: Scalar = 1, beta: Scalar = 1
    ) {
        let inputCount = transposingSelf ? rowCount : columnCount
        let outputCount = transposingSelf ? columnCount : rowCount
        precondition(
            x.count == inputCount && y.count == outputCount,
            "Matrix–vector shapes do not fit: \(rowCount)×\(columnCount)\(transposingSelf ? "ᵀ" : "") · "
                + "\(x.count) into \(y.count)")
        guard outputCount > 0 else { return }
        guard inputCount > 0 else {
            for index in y.indices { y[index] *= beta }
            return
        }
        let (m, n) = (rowCount, columnCount)
        storage.withUnsafeBufferPointer { pa in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    Scalar._gemv(
                        transpose: transposingSelf, m: m, n: n, alpha: alpha, a: pa.baseAddress!, lda: n,
                        x: px.baseAddress!, incx: 1, beta: beta, y: py.baseAddress!, incy: 1)
                }
            }
        }
    }

    /// The Gram matrix `selfᵀ · self` (`columnCount × columnCount`, symmetric, both
    /// triangles filled).
    ///
    /// - Complexity: O(rows·columns²) through BLAS `syrk`, half the work of a general product.
    @inlinable
    public func gram() -> Matrix {
        var result = Matrix(rowCount: columnCount, columnCount: columnCount)
        result.addGram(of: self, beta: 0)
        return result
    }

    /// Accumulates a Gram matrix in place: `self ← α·aᵀa + β·self`.
    ///
    /// This matrix must be symmetric on entry when `β ≠ 0`; it is symmetric on exit.
    /// - Precondition: `self` is `a.columnCount × a.columnCount`.
    @inlinable
    public mutating func addGram(of a: Matrix, alpha: Scalar = 1, beta: Scalar = 1) {
        let n = a.columnCount
        precondition(
            rowCount == n && columnCount == n,
            "Gram matrix of a \(a.rowCount)×\(a.columnCount) matrix cannot accumulate into \(rowCount)×\(columnCount)")
        guard n > 0 else { return }
        guard a.rowCount > 0 else {
            scale(by: beta)
            return
        }
        a.storage.withUnsafeBufferPointer { pa in
            storage.withUnsafeMutableBufferPointer { pc in
                Scalar._syrkTransposed(
                    n: n, k: a.rowCount, alpha: alpha, a: pa.baseAddress!, lda: n, beta: beta,
                    c: pc.baseAddress!, ldc: n)
                for i in 0..<n {
                    for j in 0..<i { pc[i * n + j] = pc[j * n + i] }
                }
            }
        }
    }
}
