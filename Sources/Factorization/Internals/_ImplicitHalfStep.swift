import LinearAlgebra

/// Rows with at most this many interactions per factor are solved through the Woodbury
/// identity instead of forming and factoring the `k×k` matrix (see `_implicitHalfStep`).
let _woodburyFraction = 4

/// The rows the row-parallel loops hand to each chunk. Fixed, so chunking never depends
/// on the thread count.
let _rowGrain = 64

/// One implicit-ALS half-step (Hu, Koren and Volinsky 2008): recomputes every row of
/// `solving` with `fixed` held constant.
///
/// For row u with interactions Ωᵤ, confidence cᵤᵢ = 1 + α·rᵤᵢ and G = FᵀF + λI (F the
/// fixed factors), the row solves
///
///     (G + Σ_{i∈Ωᵤ} (cᵤᵢ − 1) fᵢfᵢᵀ) x = Σ_{i∈Ωᵤ} cᵤᵢ fᵢ.
///
/// - Cholesky: rows with more than k/4 interactions form the matrix (one `syrk` of the
///   gathered, √(c−1)-scaled rows onto G) and solve it by Cholesky. Shorter rows use the
///   Woodbury identity with H = G⁻¹ (computed once per half-step): with W = F_Ω H,
///   S = diag(1/(c−1)) + F_Ω Wᵀ and h = Σ cᵢ wᵢ, x = h − Wᵀ S⁻¹ F_Ω h — exact, and
///   O(n k²) instead of O(k³) for a row of n interactions.
/// - Conjugate gradient (Takács, Pilászy and Tikk 2011): `steps` CG iterations on the
///   same system, warm-started from the row's current value and never forming the
///   matrix: A·p = G·p + Σ (cᵢ − 1)(fᵢᵀp) fᵢ.
///
/// `extraGram` (added to G) and `extraRightHandSide` (row u added to the row's right-hand
/// side) let a caller add terms of its own to every row's normal equations, as the joint
/// factorization of the Fusion module does for side information.
///
/// Rows with no interactions solve G·x = e (x = 0 without an extra right-hand side), the
/// exact solution. Each row depends only on its own data, so the result is the same for
/// any thread count.
@_specialize(exported: false, where Scalar == Float)
@_specialize(exported: false, where Scalar == Double)
@discardableResult
package func _implicitHalfStep<Scalar: BLASScalar>(
    _ rows: _CompressedRows<Scalar>, fixed: Matrix<Scalar>, solving: inout Matrix<Scalar>,
    alpha: Scalar, regularization: Scalar, solver: ImplicitSolver,
    extraGram: Matrix<Scalar>? = nil, extraRightHandSide: Matrix<Scalar>? = nil
) throws(LinearAlgebraError) -> Int {
    let k = fixed.columnCount
    precondition(solving.columnCount == k && solving.rowCount == rows.rowCount && fixed.rowCount == rows.columnCount,
                 "Half-step shapes: \(rows.rowCount)×\(rows.columnCount) data, fixed \(fixed.shape), solving \(solving.shape)")
    precondition(extraGram.map { $0.shape == (k, k) } ?? true, "Extra Gram \(extraGram!.shape) for k = \(k)")
    precondition(extraRightHandSide.map { $0.shape == solving.shape } ?? true,
                 "Extra right-hand side \(extraRightHandSide!.shape) for \(solving.shape) factors")
    guard rows.rowCount > 0, k > 0 else { return 0 }
    guard fixed.rowCount > 0 else {
        solving = Matrix(rowCount: solving.rowCount, columnCount: k)
        return 0
    }
    var gram = fixed.gram()
    if let extraGram { gram.add(extraGram) }
    gram.withUnsafeMutableBufferPointer { g in
        for a in 0..<k { g[a * k + a] += regularization }
    }
    var inverse: Matrix<Scalar>? = nil
    var regularizedSolves = 0
    if solver == .cholesky {
        // A G that rounding made indefinite is solved with more regularisation (reported).
        for attempt in 0... {
            do {
                inverse = try gram.solvedSymmetricPositiveDefinite(.identity(k))
                break
            } catch {
                guard case .notPositiveDefinite = error, attempt < _regularizationAttempts else { throw error }
                let jitter = gram.withUnsafeBufferPointer { _jitter($0.baseAddress!, k, attempt: attempt) }
                for a in 0..<k { gram[a, a] += jitter }
                regularizedSolves += 1
            }
        }
    }
    let inverseMatrix = inverse ?? Matrix<Scalar>(rowCount: 0, columnCount: 0)
    let woodburyLimit = k / _woodburyFraction
    let blockRows = 256
    let extra = extraRightHandSide ?? Matrix<Scalar>(rowCount: 0, columnCount: 0)
    try extra.withUnsafeBufferPointer { (e) throws(LinearAlgebraError) in
    try gram.withUnsafeBufferPointer { (g) throws(LinearAlgebraError) in
        try inverseMatrix.withUnsafeBufferPointer { (h) throws(LinearAlgebraError) in
            try fixed.withUnsafeBufferPointer { (f) throws(LinearAlgebraError) in
                try rows.offsets.withUnsafeBufferPointer { (offsets) throws(LinearAlgebraError) in
                    try rows.columns.withUnsafeBufferPointer { (columns) throws(LinearAlgebraError) in
                        try rows.values.withUnsafeBufferPointer { (values) throws(LinearAlgebraError) in
                            try solving.withUnsafeMutableBufferPointer { (x) throws(LinearAlgebraError) in
                                let g = g.baseAddress!, f = f.baseAddress!, x = x.baseAddress!
                                let h = h.baseAddress
                                let e = extraRightHandSide == nil ? nil : e.baseAddress
                                let counts = try Parallel.mapChunks(of: 0..<rows.rowCount, grainSize: _rowGrain) {
                                    (chunk) throws(LinearAlgebraError) -> Int in
                                    switch solver {
                                    case .conjugateGradient(let steps):
                                        _conjugateGradientRows(
                                            chunk, offsets: offsets, columns: columns, values: values, g: g, f: f, x: x,
                                            k: k, alpha: alpha, steps: steps, extra: e)
                                        return 0
                                    case .cholesky:
                                        return try _choleskyRows(
                                            chunk, offsets: offsets, columns: columns, values: values, g: g, h: h!,
                                            f: f, x: x, k: k, alpha: alpha, woodburyLimit: woodburyLimit,
                                            blockRows: blockRows, extra: e)
                                    }
                                }
                                regularizedSolves += counts.reduce(0, +)
                            }
                        }
                    }
                }
            }
        }
    }
    }
    return regularizedSolves
}

/// How many times a failed Cholesky factorisation is retried with more regularisation.
let _regularizationAttempts = 4

/// The regularisation added on retry `attempt` of a failed Cholesky factorisation of the
/// `k×k` matrix `a`: 10⁻⁶·10^attempt times its mean diagonal (at least the smallest normal
/// number), enough to restore definiteness lost to rounding without changing a
/// well-conditioned solve.
@inline(__always)
func _jitter<Scalar: BLASScalar>(_ a: UnsafePointer<Scalar>, _ k: Int, attempt: Int) -> Scalar {
    var trace: Scalar = 0
    for index in 0..<k { trace += abs(a[index * k + index]) }
    var scale: Scalar = 1e-6
    for _ in 0..<attempt { scale *= 10 }
    return max(trace / Scalar(max(k, 1)) * scale, Scalar.leastNormalMagnitude)
}

/// Conjugate gradient on every row of `chunk` at once: the rows advance in lock step, so
/// the dense part of A·p for all of them, P·G, is one matrix product (BLAS level 3),
/// while the sparse part Σ (cᵢ − 1)(fᵢᵀp) fᵢ runs row by row. A row leaves the loop when
/// its residual vanishes, exactly as it would on its own.
@_specialize(exported: false, where Scalar == Float)
@_specialize(exported: false, where Scalar == Double)
package func _conjugateGradientRows<Scalar: BLASScalar>(
    _ chunk: Range<Int>, offsets: UnsafeBufferPointer<Int>, columns: UnsafeBufferPointer<Int32>,
    values: UnsafeBufferPointer<Scalar>, g: UnsafePointer<Scalar>, f: UnsafePointer<Scalar>,
    x: UnsafeMutablePointer<Scalar>, k: Int, alpha: Scalar, steps: Int, extra: UnsafePointer<Scalar>?
) {
    let count = chunk.count
    let scratch = UnsafeMutablePointer<Scalar>.allocate(capacity: 3 * count * k + count)
    let active = UnsafeMutablePointer<Bool>.allocate(capacity: count)
    defer {
        scratch.deallocate()
        active.deallocate()
    }
    let r = scratch, p = scratch + count * k, ap = scratch + 2 * count * k, residual = scratch + 3 * count * k
    let xBlock = x + chunk.lowerBound * k
    // R = E − X·G, then r += Σ (cᵢ − (cᵢ − 1) fᵢᵀx) fᵢ, so r = b − A·x.
    if let extra {
        r.update(from: extra + chunk.lowerBound * k, count: count * k)
    }
    _rowsTimesGram(count, xBlock, g, k, alpha: -1, beta: extra == nil ? 0 : 1, r)
    var longest = 0
    for u in chunk { longest = max(longest, offsets[u + 1] - offsets[u]) }
    let gathered = longest >= _longRow ? UnsafeMutablePointer<Scalar>.allocate(capacity: longest * k) : nil
    let t = longest >= _longRow ? UnsafeMutablePointer<Scalar>.allocate(capacity: longest) : nil
    defer {
        gathered?.deallocate()
        t?.deallocate()
    }
    for row in 0..<count {
        let u = chunk.lowerBound + row
        let xu = xBlock + row * k, ru = r + row * k, pu = p + row * k
        let start = offsets[u], end = offsets[u + 1]
        if start == end && extra == nil {
            for a in 0..<k { xu[a] = 0; pu[a] = 0 }
            active[row] = false
            continue
        }
        if end - start >= _longRow, let gathered, let t {
            _conjugateGradientLongRow(
                start..<end, columns: columns, values: values, g: g, f: f, x: xu, r: ru, p: pu, ap: ap + row * k,
                gathered: gathered, t: t, k: k, alpha: alpha, steps: steps)
            for a in 0..<k { pu[a] = 0 }
            active[row] = false
            continue
        }
        for index in start..<end {
            let fi = f + Int(columns[index]) * k
            let extra = alpha * values[index]
            _axpy((1 + extra) - extra * _dot(fi, xu, k), fi, ru, k)
        }
        residual[row] = _dot(ru, ru, k)
        active[row] = residual[row] >= 1e-20
        if active[row] {
            pu.update(from: ru, count: k)
        } else {
            for a in 0..<k { pu[a] = 0 }
        }
    }
    for _ in 0..<steps {
        _rowsTimesGram(count, p, g, k, alpha: 1, beta: 0, ap)
        var anyActive = false
        for row in 0..<count where active[row] {
            let u = chunk.lowerBound + row
            let xu = xBlock + row * k, ru = r + row * k, pu = p + row * k, apu = ap + row * k
            for index in offsets[u]..<offsets[u + 1] {
                let fi = f + Int(columns[index]) * k
                _axpy(alpha * values[index] * _dot(fi, pu, k), fi, apu, k)
            }
            let curvature = _dot(pu, apu, k)
            guard curvature > 0 else {
                active[row] = false
                for a in 0..<k { pu[a] = 0 }
                continue
            }
            let step = residual[row] / curvature
            _axpy(step, pu, xu, k)
            _axpy(-step, apu, ru, k)
            let next = _dot(ru, ru, k)
            if next < 1e-20 {
                active[row] = false
                for a in 0..<k { pu[a] = 0 }
                continue
            }
            let beta = next / residual[row]
            for a in 0..<k { pu[a] = ru[a] + beta * pu[a] }
            residual[row] = next
            anyActive = true
        }
        if !anyActive { break }
    }
}

/// C = α·A·G + β·C for `count` rows A (row-major, k wide) and the symmetric k×k G: one
/// matrix product, or for a single row (one user folded in alone) one matrix–vector
/// product, which spares OpenBLAS's `sgemm` packing G on every call (a 1×64×64 `sgemm`
/// per step had made one fold-in twice as slow). Inlinable for a live model's re-fold.
@inlinable @inline(__always)
package func _rowsTimesGram<Scalar: BLASScalar>(
    _ count: Int, _ a: UnsafePointer<Scalar>, _ g: UnsafePointer<Scalar>, _ k: Int, alpha: Scalar, beta: Scalar,
    _ c: UnsafeMutablePointer<Scalar>
) {
    if count == 1 {
        Scalar._gemv(transpose: true, m: k, n: k, alpha: alpha, a: g, lda: k, x: a, incx: 1, beta: beta, y: c, incy: 1)
    } else {
        Scalar._gemm(transposeA: false, transposeB: false, m: count, n: k, k: k, alpha: alpha, a: a, lda: k,
                     b: g, ldb: k, beta: beta, c: c, ldc: k)
    }
}

/// Rows with at least this many interactions run their conjugate-gradient steps on their
/// own, with the sparse part as two matrix–vector products over the gathered rows.
let _longRow = 32

/// Conjugate gradient for one long row: the row's fixed factors are gathered once into
/// an n×k block, so each step's Σ (cᵢ − 1)(fᵢᵀp) fᵢ is two BLAS matrix–vector products.
/// On entry `r` holds e − G·x.
@inline(__always)
func _conjugateGradientLongRow<Scalar: BLASScalar>(
    _ entries: Range<Int>, columns: UnsafeBufferPointer<Int32>, values: UnsafeBufferPointer<Scalar>,
    g: UnsafePointer<Scalar>, f: UnsafePointer<Scalar>, x: UnsafeMutablePointer<Scalar>,
    r: UnsafeMutablePointer<Scalar>, p: UnsafeMutablePointer<Scalar>, ap: UnsafeMutablePointer<Scalar>,
    gathered: UnsafeMutablePointer<Scalar>, t: UnsafeMutablePointer<Scalar>, k: Int, alpha: Scalar, steps: Int
) {
    for (j, index) in entries.enumerated() {
        (gathered + j * k).update(from: f + Int(columns[index]) * k, count: k)
    }
    _conjugateGradientGatheredRow(
        n: entries.count, gathered: gathered, values: values.baseAddress! + entries.lowerBound, g: g, x: x, r: r, p: p,
        ap: ap, t: t, k: k, alpha: alpha, steps: steps)
}

/// Conjugate gradient for one row whose n fixed factors are already gathered into an
/// n×k block (`values` their n values): two matrix–vector products per step for the
/// sparse part, one for G·p. On entry `r` holds e − G·x; `p`, `ap` (k) and `t` (n) are
/// scratch. A live model's re-fold calls it on the rows it gathers from its chunks:
/// inlinable, so that the caller's specialization covers it.
@inlinable
package func _conjugateGradientGatheredRow<Scalar: BLASScalar>(
    n: Int, gathered: UnsafePointer<Scalar>, values: UnsafePointer<Scalar>, g: UnsafePointer<Scalar>,
    x: UnsafeMutablePointer<Scalar>, r: UnsafeMutablePointer<Scalar>, p: UnsafeMutablePointer<Scalar>,
    ap: UnsafeMutablePointer<Scalar>, t: UnsafeMutablePointer<Scalar>, k: Int, alpha: Scalar, steps: Int
) {
    // r = −G·x + Fᵀ((1 + c′) − c′ ⊙ F·x), c′ = α·value.
    Scalar._gemv(transpose: false, m: n, n: k, alpha: 1, a: gathered, lda: k, x: x, incx: 1, beta: 0, y: t, incy: 1)
    for j in 0..<n {
        let extra = alpha * values[j]
        t[j] = (1 + extra) - extra * t[j]
    }
    Scalar._gemv(transpose: true, m: n, n: k, alpha: 1, a: gathered, lda: k, x: t, incx: 1, beta: 1, y: r, incy: 1)
    var residual = _dot(r, r, k)
    if residual < 1e-20 { return }
    p.update(from: r, count: k)
    for _ in 0..<steps {
        Scalar._gemv(transpose: false, m: k, n: k, alpha: 1, a: g, lda: k, x: p, incx: 1, beta: 0, y: ap, incy: 1)
        Scalar._gemv(transpose: false, m: n, n: k, alpha: 1, a: gathered, lda: k, x: p, incx: 1, beta: 0, y: t, incy: 1)
        for j in 0..<n { t[j] *= alpha * values[j] }
        Scalar._gemv(transpose: true, m: n, n: k, alpha: 1, a: gathered, lda: k, x: t, incx: 1, beta: 1, y: ap, incy: 1)
        let curvature = _dot(p, ap, k)
        guard curvature > 0 else { return }
        let step = residual / curvature
        _axpy(step, p, x, k)
        _axpy(-step, ap, r, k)
        let next = _dot(r, r, k)
        if next < 1e-20 { return }
        let beta = next / residual
        for a in 0..<k { p[a] = r[a] + beta * p[a] }
        residual = next
    }
}

@_specialize(exported: false, where Scalar == Float)
@_specialize(exported: false, where Scalar == Double)
package func _choleskyRows<Scalar: BLASScalar>(
    _ chunk: Range<Int>, offsets: UnsafeBufferPointer<Int>, columns: UnsafeBufferPointer<Int32>,
    values: UnsafeBufferPointer<Scalar>, g: UnsafePointer<Scalar>, h: UnsafePointer<Scalar>,
    f: UnsafePointer<Scalar>, x: UnsafeMutablePointer<Scalar>, k: Int, alpha: Scalar, woodburyLimit: Int,
    blockRows: Int, extra: UnsafePointer<Scalar>?
) throws(LinearAlgebraError) -> Int {
    var regularizedSolves = 0
    let limit = max(woodburyLimit, 1)
    let gatheredCount = max(blockRows, limit) * k
    let a = UnsafeMutablePointer<Scalar>.allocate(capacity: k * k)
    let gathered = UnsafeMutablePointer<Scalar>.allocate(capacity: gatheredCount)
    let w = UnsafeMutablePointer<Scalar>.allocate(capacity: limit * k)
    let s = UnsafeMutablePointer<Scalar>.allocate(capacity: limit * limit)
    let t = UnsafeMutablePointer<Scalar>.allocate(capacity: limit)
    let b = UnsafeMutablePointer<Scalar>.allocate(capacity: k)
    let backup = UnsafeMutablePointer<Scalar>.allocate(capacity: k * k + k)
    defer {
        a.deallocate(); gathered.deallocate(); w.deallocate(); s.deallocate(); t.deallocate(); b.deallocate()
        backup.deallocate()
    }
    for u in chunk {
        let xu = x + u * k
        let start = offsets[u], end = offsets[u + 1]
        let n = end - start
        let eu = extra.map { $0 + u * k }
        if n == 0 {
            // G·x = e, with H = G⁻¹.
            if let eu { _symmetricMultiply(h, eu, xu, k) } else { for index in 0..<k { xu[index] = 0 } }
            continue
        }
        var allWeighted = true
        for index in start..<end where !(values[index] > 0) { allWeighted = false }
        if n <= woodburyLimit && allWeighted {
            // Woodbury: x = h − Wᵀz, W = F_Ω·H, S = diag(1/(c−1)) + F_Ω·Wᵀ, S·z = F_Ω·h.
            for (j, index) in (start..<end).enumerated() {
                (gathered + j * k).update(from: f + Int(columns[index]) * k, count: k)
            }
            Scalar._gemm(transposeA: false, transposeB: false, m: n, n: k, k: k, alpha: 1, a: gathered, lda: k,
                         b: h, ldb: k, beta: 0, c: w, ldc: k)
            for index in 0..<k { b[index] = 0 }
            for (j, index) in (start..<end).enumerated() {
                _axpy(1 + alpha * values[index], w + j * k, b, k)
            }
            if let eu {
                // b = H·(Σ cᵢfᵢ + e): add H·e.
                for row in 0..<k { _axpy(eu[row], h + row * k, b, k) }
            }
            for i in 0..<n {
                t[i] = _dot(gathered + i * k, b, k)
                for j in 0...i { s[i * n + j] = _dot(gathered + i * k, w + j * k, k) }
                s[i * n + i] += 1 / (alpha * values[start + i])
            }
            do {
                try Matrix<Scalar>.solveSymmetricPositiveDefinite(order: n, matrix: s, rightHandSide: t)
                for index in 0..<k { xu[index] = b[index] }
                for i in 0..<n { _axpy(-t[i], w + i * k, xu, k) }
                continue
            } catch {
                // Rounding made S indefinite: solve the row's full k×k system below instead.
            }
        }
        a.update(from: g, count: k * k)
        if let eu { b.update(from: eu, count: k) } else { for index in 0..<k { b[index] = 0 } }
        var blockStart = start
        while blockStart < end {
            let blockEnd = min(blockStart + blockRows, end)
            for (j, index) in (blockStart..<blockEnd).enumerated() {
                let fi = f + Int(columns[index]) * k
                let extra = alpha * values[index]
                let scale = extra.squareRoot()
                let row = gathered + j * k
                for c in 0..<k { row[c] = scale * fi[c] }
                _axpy(1 + extra, fi, b, k)
            }
            Scalar._syrkTransposed(n: k, k: blockEnd - blockStart, alpha: 1, a: gathered, lda: k, beta: 1,
                                   c: a, ldc: k)
            blockStart = blockEnd
        }
        // syrk wrote the upper triangle; the solver reads the lower one.
        for i in 1..<max(k, 1) {
            for j in 0..<i { a[i * k + j] = a[j * k + i] }
        }
        backup.update(from: a, count: k * k)
        (backup + k * k).update(from: b, count: k)
        for attempt in 0... {
            do {
                try Matrix<Scalar>.solveSymmetricPositiveDefinite(order: k, matrix: a, rightHandSide: b)
                break
            } catch {
                guard case .notPositiveDefinite = error, attempt < _regularizationAttempts else { throw error }
                // Rounding made the row's matrix indefinite: retry with more regularisation.
                a.update(from: backup, count: k * k)
                b.update(from: backup + k * k, count: k)
                let jitter = _jitter(a, k, attempt: attempt)
                for index in 0..<k { a[index * k + index] += jitter }
                regularizedSolves += 1
            }
        }
        xu.update(from: b, count: k)
    }
    return regularizedSolves
}
