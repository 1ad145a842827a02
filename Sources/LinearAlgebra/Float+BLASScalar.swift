import CFusionRecBLAS
import CFusionRecKernels

extension Float: BLASScalar {
    @inlinable
    public static func _gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }

    /// Read once, from the processor's features.
    public static let _panelScoringIsAvailable = fusionrec_panel_scoring_available()

    public static func _scorePanel(
        rows: UnsafePointer<Float>, rowCount: Int, rowStride: Int, panel: UnsafePointer<Float>, panelWidth: Int,
        depth: Int, thresholds: UnsafePointer<Float>, scores: UnsafeMutablePointer<Float>,
        passing: UnsafeMutablePointer<UInt64>
    ) {
        precondition(_panelScoringIsAvailable && panelWidth % 8 == 0 && panelWidth > 0 && panelWidth <= 64,
                     "Panel of width \(panelWidth) scored (kernel available: \(_panelScoringIsAvailable))")
        fusionrec_score_panel_f32(rows, rowCount, rowStride, panel, panelWidth, depth, thresholds, scores, passing)
    }

    @inlinable
    public static func _gemv(
        transpose: Bool, m: Int, n: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, x: UnsafePointer<Float>, incx: Int,
        beta: Float, y: UnsafeMutablePointer<Float>, incy: Int
    ) {
        cblas_sgemv(
            CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, blasint(m), blasint(n), alpha,
            a, blasint(lda), x, blasint(incx), beta, y, blasint(incy))
    }

    @inlinable
    public static func _syrkTransposed(
        n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_ssyrk(
            CblasRowMajor, CblasUpper, CblasTrans, blasint(n), blasint(k), alpha, a, blasint(lda),
            beta, c, blasint(ldc))
    }

    @inlinable
    public static func _axpy(
        count: Int, alpha: Float, x: UnsafePointer<Float>, incx: Int, y: UnsafeMutablePointer<Float>, incy: Int
    ) {
        cblas_saxpy(blasint(count), alpha, x, blasint(incx), y, blasint(incy))
    }

    @inlinable
    public static func _dot(
        count: Int, x: UnsafePointer<Float>, incx: Int, y: UnsafePointer<Float>, incy: Int
    ) -> Float {
        cblas_sdot(blasint(count), x, blasint(incx), y, blasint(incy))
    }

    @inlinable
    public static func _nrm2(count: Int, x: UnsafePointer<Float>, incx: Int) -> Float {
        cblas_snrm2(blasint(count), x, blasint(incx))
    }

    @inlinable
    public static func _scal(count: Int, alpha: Float, x: UnsafeMutablePointer<Float>, incx: Int) {
        cblas_sscal(blasint(count), alpha, x, blasint(incx))
    }

    @inlinable
    public static func _potrf(n: Int, a: UnsafeMutablePointer<Float>, lda: Int) -> Int {
        // A row-major lower triangle is the column-major upper triangle of the same
        // buffer; asking for that avoids LAPACKE's transposed copy.
        Int(LAPACKE_spotrf(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), Int32(n), a, Int32(lda)))
    }

    @inlinable
    public static func _potrs(
        n: Int, nrhs: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafeMutablePointer<Float>, ldb: Int
    ) -> Int {
        if nrhs == 1 {
            // One right-hand side is laid out the same in both orders; see `_potrf`.
            return Int(LAPACKE_spotrs(
                LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), Int32(n), 1, a, Int32(lda), b, Int32(max(1, n))))
        }
        return Int(LAPACKE_spotrs(
            LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "L")), Int32(n), Int32(nrhs),
            a, Int32(lda), b, Int32(ldb)))
    }

    @inlinable
    public static func _gesv(
        n: Int, nrhs: Int, a: UnsafeMutablePointer<Float>, lda: Int,
        pivots: UnsafeMutablePointer<Int32>, b: UnsafeMutablePointer<Float>, ldb: Int
    ) -> Int {
        Int(LAPACKE_sgesv(
            LAPACK_ROW_MAJOR, Int32(n), Int32(nrhs), a, Int32(lda), pivots, b, Int32(ldb)))
    }

    @inlinable
    public static func _syevd(
        n: Int, a: UnsafeMutablePointer<Float>, lda: Int, eigenvalues: UnsafeMutablePointer<Float>
    ) -> Int {
        Int(LAPACKE_ssyevd(
            LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "L")), Int32(n),
            a, Int32(lda), eigenvalues))
    }

    @inlinable
    public static func _gesdd(
        m: Int, n: Int, a: UnsafeMutablePointer<Float>, lda: Int,
        s: UnsafeMutablePointer<Float>, u: UnsafeMutablePointer<Float>, ldu: Int,
        vt: UnsafeMutablePointer<Float>, ldvt: Int
    ) -> Int {
        Int(LAPACKE_sgesdd(
            LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "S")), Int32(m), Int32(n), a, Int32(lda),
            s, u, Int32(ldu), vt, Int32(ldvt)))
    }
}
