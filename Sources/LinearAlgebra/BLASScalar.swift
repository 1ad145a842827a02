/// A floating-point type that the BLAS and LAPACK kernels behind ``Matrix`` support.
///
/// `Float` and `Double` conform. The requirements are the thin, row-major entry points
/// that ``Matrix`` and ``SparseMatrix`` build on; they take raw pointers and leading
/// dimensions exactly as CBLAS and LAPACKE do, perform no argument checking beyond what
/// the C libraries do, and are not meant to be called directly — use the ``Matrix``
/// API instead. The underscore marks them as such.
///
/// Every LAPACK-backed requirement returns LAPACK's `info` value unchanged: `0` for
/// success, a negative value for an illegal argument, a positive value for a numerical
/// failure whose meaning depends on the routine.
public protocol BLASScalar: BinaryFloatingPoint, Sendable, Codable
where RawSignificand: FixedWidthInteger {
    /// `C ← α·op(A)·op(B) + β·C` (row-major, `op` is an optional transposition).
    static func _gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    /// `y ← α·op(A)·x + β·y` for a row-major `m×n` matrix `A`.
    static func _gemv(
        transpose: Bool, m: Int, n: Int, alpha: Self,
        a: UnsafePointer<Self>, lda: Int, x: UnsafePointer<Self>, incx: Int,
        beta: Self, y: UnsafeMutablePointer<Self>, incy: Int)

    /// `C ← α·AᵀA + β·C` (upper triangle of the row-major `n×n` matrix `C`; `A` is `k×n`).
    static func _syrkTransposed(
        n: Int, k: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    /// `y ← α·x + y`.
    static func _axpy(
        count: Int, alpha: Self, x: UnsafePointer<Self>, incx: Int,
        y: UnsafeMutablePointer<Self>, incy: Int)

    /// Whether ``_scorePanel(rows:rowCount:rowStride:panel:panelWidth:depth:thresholds:scores:passing:)``
    /// runs on this processor: x86-64 with AVX2 and FMA, or ARM64.
    static var _panelScoringIsAvailable: Bool { get }

    /// Scores `rowCount` rows (`rowStride` apart) against a panel of queries stored column
    /// by column: `scores[r·panelWidth + q] = Σₖ rows[r·rowStride + k]·panel[k·panelWidth + q]`
    /// over `k < depth`, accumulated in k order by fused multiply-adds, so a query's scores
    /// do not depend on the other queries in the panel. Bit `q` of `passing[r]` is set when
    /// that score is at least `thresholds[q]` (a NaN never passes). `panelWidth` is a
    /// multiple of 8, at most 64. Call only when ``_panelScoringIsAvailable``.
    static func _scorePanel(
        rows: UnsafePointer<Self>, rowCount: Int, rowStride: Int, panel: UnsafePointer<Self>, panelWidth: Int,
        depth: Int, thresholds: UnsafePointer<Self>, scores: UnsafeMutablePointer<Self>,
        passing: UnsafeMutablePointer<UInt64>)

    /// `xᵀy`.
    static func _dot(
        count: Int, x: UnsafePointer<Self>, incx: Int, y: UnsafePointer<Self>, incy: Int) -> Self

    /// The Euclidean norm of `x`, computed without undue overflow or underflow.
    static func _nrm2(count: Int, x: UnsafePointer<Self>, incx: Int) -> Self

    /// `x ← α·x`.
    static func _scal(count: Int, alpha: Self, x: UnsafeMutablePointer<Self>, incx: Int)

    /// Cholesky factorisation `A = L·Lᵀ` of the lower triangle, in place (row-major).
    static func _potrf(n: Int, a: UnsafeMutablePointer<Self>, lda: Int) -> Int

    /// Solves `A·X = B` given the Cholesky factor from ``_potrf(n:a:lda:)``.
    static func _potrs(
        n: Int, nrhs: Int, a: UnsafePointer<Self>, lda: Int,
        b: UnsafeMutablePointer<Self>, ldb: Int) -> Int

    /// Solves `A·X = B` for a general square `A` by LU with partial pivoting, in place.
    static func _gesv(
        n: Int, nrhs: Int, a: UnsafeMutablePointer<Self>, lda: Int,
        pivots: UnsafeMutablePointer<Int32>, b: UnsafeMutablePointer<Self>, ldb: Int) -> Int

    /// Eigenvalues (ascending) and, in place of `A`, eigenvectors of a symmetric matrix
    /// (lower triangle read).
    static func _syevd(
        n: Int, a: UnsafeMutablePointer<Self>, lda: Int, eigenvalues: UnsafeMutablePointer<Self>) -> Int

    /// Thin singular value decomposition `A = U·diag(s)·Vᵀ` of a row-major `m×n` matrix;
    /// `A` is destroyed.
    static func _gesdd(
        m: Int, n: Int, a: UnsafeMutablePointer<Self>, lda: Int,
        s: UnsafeMutablePointer<Self>, u: UnsafeMutablePointer<Self>, ldu: Int,
        vt: UnsafeMutablePointer<Self>, ldvt: Int) -> Int
}
