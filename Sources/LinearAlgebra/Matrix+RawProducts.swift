extension Matrix {
    /// The allocation-free hot-loop product on raw row-major blocks:
    /// `C ← α·op(A)·op(B) + β·C`, where `op(A)` is `m×k`, `op(B)` is `k×n` and `C` is `m×n`.
    ///
    /// Each operand is addressed by its first element and its leading dimension (the
    /// distance in elements between consecutive rows), so a block may be a strided view
    /// into a larger buffer — one attention head's columns inside a token-by-feature
    /// activation matrix, for example. Nothing is allocated; use it inside loops that
    /// run many small products. Outside ``Parallel`` loops it runs on BLAS's own threads.
    ///
    /// - Parameters:
    ///   - m: rows of `op(A)` and `C`.
    ///   - n: columns of `op(B)` and `C`.
    ///   - k: the inner dimension.
    ///   - a: the first element of `A`; `A` is `m×k` (or `k×m` when `transposingA`).
    ///   - lda: the leading dimension of `A`, at least its stored column count.
    ///   - b: the first element of `B`; `B` is `k×n` (or `n×k` when `transposingB`).
    ///   - ldb: the leading dimension of `B`, at least its stored column count.
    ///   - transposingA: whether `op(A)` is `Aᵀ`.
    ///   - transposingB: whether `op(B)` is `Bᵀ`.
    ///   - c: the first element of `C`.
    ///   - ldc: the leading dimension of `C`, at least `n`.
    ///   - alpha: the factor α of the product.
    ///   - beta: the factor β of the previous `C` (0 overwrites it).
    /// - Precondition: the dimensions are non-negative and each leading dimension covers
    ///   its operand's stored row.
    /// - Complexity: O(m·n·k) through BLAS `gemm`.
    @inlinable
    public static func multiply(
        m: Int, n: Int, k: Int,
        _ a: UnsafePointer<Scalar>, lda: Int, transposingA: Bool = false,
        _ b: UnsafePointer<Scalar>, ldb: Int, transposingB: Bool = false,
        into c: UnsafeMutablePointer<Scalar>, ldc: Int,
        alpha: Scalar = 1, beta: Scalar = 0
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "Product dimensions m=\(m) n=\(n) k=\(k) must be non-negative")
        precondition(
            lda >= max(1, transposingA ? m : k) && ldb >= max(1, transposingB ? k : n) && ldc >= max(1, n),
            "Leading dimensions lda=\(lda) ldb=\(ldb) ldc=\(ldc) are too small for m=\(m) n=\(n) k=\(k)")
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            for i in 0..<m {
                for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] }
            }
            return
        }
        Scalar._gemm(
            transposeA: transposingA, transposeB: transposingB, m: m, n: n, k: k,
            alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
}
