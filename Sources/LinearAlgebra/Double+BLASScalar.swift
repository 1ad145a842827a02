import CFusionRecBLAS
import CFusionRecKernels

extension Double: BLASScalar {
    @inlinable
    public static func _gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }

    /// Read once, from the processor's features.
    public static let _panelScoringIsAvailable = fusionrec_panel_scoring_available()

    public static func _scorePanel(
        rows: UnsafePointer<Double>, rowCount: Int, rowStride: Int, panel: UnsafePointer<Double>, panelWidth: Int,
        depth: Int, thresholds: UnsafePointer<Double>, scores: UnsafeMutablePointer<Double>,
        passing: UnsafeMutablePointer<UInt64>
    ) {
        precondition(_panelScoringIsAvailable && panelWidth % 8 == 0 && panelWidth > 0 && panelWidth <= 64,
                     "Panel of width \(panelWidth) scored (kernel available: \(_panelScoringIsAvailable))")
        fusionrec_score_panel_f64(rows, rowCount, rowStride, panel, panelWidth, depth, thresholds, scores, passing)
    }

    @inlinable
    public static func _gemv(
        transpose: Bool, m: Int, n: Int, alpha: Double,
        a: UnsafePointer<Double>, lda: Int, x: UnsafePointer<Double>, incx: Int,
        beta: Double, y: UnsafeMutablePointer<Double>, incy: Int
    ) {
        cblas_dgemv(
            CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, blasint(m), blasint(n), alpha,
            a, blasint(lda), x, blasint(incx), beta, y, blasint(incy))
    }

    @inlinable
    public static func _syrkTransposed(
        n: Int, k: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dsyrk(
            CblasRowMajor, CblasUpper, CblasTrans, blasint(n), blasint(k), alpha, a, blasint(lda),
            beta, c, blasint(ldc))
    }

    @inlinable
    public static func _axpy(
        count: Int, alpha: Double, x: UnsafePointer<Double>, incx: Int, y: UnsafeMutablePointer<Double>, incy: Int
    ) {
        cblas_daxpy(blasint(count), alpha, x, blasint(incx), y, blasint(incy))
    }

    @inlinable
    public static func _dot(
        count: Int, x: UnsafePointer<Double>, incx: Int, y: UnsafePointer<Double>, incy: Int
    ) -> Double {
        cblas_ddot(blasint(count), x, blasint(incx), y, blasint(incy))
    }

    @inlinable
    public static func _nrm2(count: Int, x: UnsafePointer<Double>, incx: Int) -> Double {
        cblas_dnrm2(blasint(count), x, blasint(incx))
    }

    @inlinable
    public static func _scal(count: Int, alpha: Double, x: UnsafeMutablePointer<Double>, incx: Int) {
        cblas_dscal(blasint(count), alpha, x, blasint(incx))
    }

    @inlinable
    public static func _potrf(n: Int, a: UnsafeMutablePointer<Double>, lda: Int) -> Int {
        // A row-major lower triangle is the column-major upper triangle of the same
        // buffer; asking for that avoids LAPACKE's transposed copy.
        Int(LAPACKE_dpotrf(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), Int32(n), a, Int32(lda)))
    }

    @inlinable
    public static func _potrs(
        n: Int, nrhs: Int, a: UnsafePointer<Double>, lda: Int, b: UnsafeMutablePointer<Double>, ldb: Int
    ) -> Int {
        if nrhs == 1 {
            // One right-hand side is laid out the same in both orders; see `_potrf`.
            return Int(LAPACKE_dpotrs(
                LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), Int32(n), 1, a, Int32(lda), b, Int32(max(1, n))))
        }
        return Int(LAPACKE_dpotrs(
            LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "L")), Int32(n), Int32(nrhs),
            a, Int32(lda), b, Int32(ldb)))
    }

    @inlinable
    public static func _gesv(
        n: Int, nrhs: Int, a: UnsafeMutablePointer<Double>, lda: Int,
        pivots: UnsafeMutablePointer<Int32>, b: UnsafeMutablePointer<Double>, ldb: Int
    ) -> Int {
        Int(LAPACKE_dgesv(
            LAPACK_ROW_MAJOR, Int32(n), Int32(nrhs), a, Int32(lda), pivots, b, Int32(ldb)))
    }

    @inlinable
    public static func _syevd(
        n: Int, a: UnsafeMutablePointer<Double>, lda: Int, eigenvalues: UnsafeMutablePointer<Double>
    ) -> Int {
        Int(LAPACKE_dsyevd(
            LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "L")), Int32(n),
            a, Int32(lda), eigenvalues))
    }

    @inlinable
    public static func _gesdd(
        m: Int, n: Int, a: UnsafeMutablePointer<Double>, lda: Int,
        s: UnsafeMutablePointer<Double>, u: UnsafeMutablePointer<Double>, ldu: Int,
        vt: UnsafeMutablePointer<Double>, ldvt: Int
    ) -> Int {
        Int(LAPACKE_dgesdd(
            LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "S")), Int32(m), Int32(n), a, Int32(lda),
            s, u, Int32(ldu), vt, Int32(ldvt)))
    }
}
