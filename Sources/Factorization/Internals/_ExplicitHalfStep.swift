import LinearAlgebra

/// One explicit-ALS half-step with biases: recomputes every row of `solving` with
/// `fixed` held constant.
///
/// Both matrices hold k factors followed by the bias in their last column (K = k + 1
/// columns). For row u with interactions Ωᵤ, the row solves the ridge regression of
/// yᵢ = rᵤᵢ − μ − (fixed bias)ᵢ on f̃ᵢ = [fᵢ, 1]:
///
///     (Σ_{i∈Ωᵤ} f̃ᵢf̃ᵢᵀ + D) [x; b] = Σ_{i∈Ωᵤ} yᵢ f̃ᵢ,   D = diag(λ, …, λ, λ_b)·(|Ωᵤ| if weighted)
///
/// so the factors and the bias are fitted jointly and exactly. Long rows form the
/// matrix with one `syrk`; rows shorter than K/2 use the Woodbury identity with the
/// diagonal D, which costs O(n²K) instead of O(K³). Rows with no interactions get
/// zero factors and a zero bias.
///
/// `extraGram` (k×k, added to the factor block of every row's matrix) and
/// `extraRightHandSide` (row u added to the factor part of row u's right-hand side) let a
/// caller add terms of its own, as the Fusion module's joint factorization does; rows
/// then always form their matrix, and rows without interactions solve the extra terms
/// alone.
@_specialize(exported: false, where Scalar == Float)
@_specialize(exported: false, where Scalar == Double)
package func _explicitHalfStep<Scalar: BLASScalar>(
    _ rows: _CompressedRows<Scalar>, fixed: Matrix<Scalar>, solving: inout Matrix<Scalar>, globalBias: Scalar,
    regularization: Scalar, biasRegularization: Scalar, weighted: Bool,
    extraGram: Matrix<Scalar>? = nil, extraRightHandSide: Matrix<Scalar>? = nil
) throws(LinearAlgebraError) {
    let width = fixed.columnCount
    precondition(solving.columnCount == width && solving.rowCount == rows.rowCount && fixed.rowCount == rows.columnCount,
                 "Half-step shapes: \(rows.rowCount)×\(rows.columnCount) data, fixed \(fixed.shape), solving \(solving.shape)")
    precondition(extraGram.map { $0.shape == (width - 1, width - 1) } ?? true,
                 "Extra Gram \(extraGram!.shape) for k = \(width - 1)")
    precondition(extraRightHandSide.map { $0.rowCount == solving.rowCount && $0.columnCount == width - 1 } ?? true,
                 "Extra right-hand side \(extraRightHandSide!.shape) for \(solving.shape) factors and bias")
    guard rows.rowCount > 0, rows.columnCount > 0, width > 0 else {
        solving = Matrix(rowCount: solving.rowCount, columnCount: width)
        return
    }
    let blockRows = 256
    let gramTerm = extraGram ?? Matrix<Scalar>(rowCount: 0, columnCount: 0)
    let rhsTerm = extraRightHandSide ?? Matrix<Scalar>(rowCount: 0, columnCount: 0)
    try gramTerm.withUnsafeBufferPointer { (extraG) throws(LinearAlgebraError) in
    try rhsTerm.withUnsafeBufferPointer { (extraB) throws(LinearAlgebraError) in
    try fixed.withUnsafeBufferPointer { (f) throws(LinearAlgebraError) in
        try rows.offsets.withUnsafeBufferPointer { (offsets) throws(LinearAlgebraError) in
            try rows.columns.withUnsafeBufferPointer { (columns) throws(LinearAlgebraError) in
                try rows.values.withUnsafeBufferPointer { (values) throws(LinearAlgebraError) in
                    try solving.withUnsafeMutableBufferPointer { (x) throws(LinearAlgebraError) in
                        let f = f.baseAddress!, x = x.baseAddress!
                        let g = extraGram == nil ? nil : extraG.baseAddress
                        let e = extraRightHandSide == nil ? nil : extraB.baseAddress
                        try Parallel.forEachChunk(of: 0..<rows.rowCount, grainSize: _rowGrain) {
                            (chunk) throws(LinearAlgebraError) in
                            try _explicitRows(
                                chunk, offsets: offsets, columns: columns, values: values, f: f, x: x, width: width,
                                globalBias: globalBias, regularization: regularization,
                                biasRegularization: biasRegularization, weighted: weighted, blockRows: blockRows,
                                extraGram: g, extraRightHandSide: e)
                        }
                    }
                }
            }
        }
    }
    }
    }
}

@inline(__always)
func _explicitRows<Scalar: BLASScalar>(
    _ chunk: Range<Int>, offsets: UnsafeBufferPointer<Int>, columns: UnsafeBufferPointer<Int32>,
    values: UnsafeBufferPointer<Scalar>, f: UnsafePointer<Scalar>, x: UnsafeMutablePointer<Scalar>, width: Int,
    globalBias: Scalar, regularization: Scalar, biasRegularization: Scalar, weighted: Bool, blockRows: Int,
    extraGram: UnsafePointer<Scalar>? = nil, extraRightHandSide: UnsafePointer<Scalar>? = nil
) throws(LinearAlgebraError) {
    let woodburyLimit = width / 2
    let k = width - 1
    let gathered = UnsafeMutablePointer<Scalar>.allocate(capacity: max(blockRows, woodburyLimit) * width)
    let a = UnsafeMutablePointer<Scalar>.allocate(capacity: width * width)
    let w = UnsafeMutablePointer<Scalar>.allocate(capacity: max(woodburyLimit, 1) * width)
    let s = UnsafeMutablePointer<Scalar>.allocate(capacity: max(woodburyLimit * woodburyLimit, 1))
    let t = UnsafeMutablePointer<Scalar>.allocate(capacity: max(woodburyLimit, 1))
    let b = UnsafeMutablePointer<Scalar>.allocate(capacity: width)
    let d = UnsafeMutablePointer<Scalar>.allocate(capacity: width)
    let y = UnsafeMutablePointer<Scalar>.allocate(capacity: max(woodburyLimit, 1))
    defer {
        gathered.deallocate(); a.deallocate(); w.deallocate(); s.deallocate(); t.deallocate(); b.deallocate()
        d.deallocate(); y.deallocate()
    }
    for u in chunk {
        let xu = x + u * width
        let start = offsets[u], end = offsets[u + 1]
        let n = end - start
        let hasExtra = extraGram != nil || extraRightHandSide != nil
        if n == 0 && !hasExtra {
            for index in 0..<width { xu[index] = 0 }
            continue
        }
        let scale: Scalar = weighted ? Scalar(max(n, 1)) : 1
        for index in 0..<k { d[index] = regularization * scale }
        d[k] = biasRegularization * scale
        if n <= woodburyLimit && d[k] > 0 && regularization > 0 && !hasExtra {
            // Woodbury with a diagonal D: W = F̃·D⁻¹, S = I + F̃·Wᵀ, h = Wᵀy, S·z = F̃·h, x = h − Wᵀz.
            for (j, index) in (start..<end).enumerated() {
                let fi = f + Int(columns[index]) * width
                let row = gathered + j * width
                row.update(from: fi, count: k)
                row[k] = 1
                y[j] = values[index] - globalBias - fi[k]
                let wrow = w + j * width
                for c in 0..<width { wrow[c] = row[c] / d[c] }
            }
            for index in 0..<width { b[index] = 0 }
            for j in 0..<n { _axpy(y[j], w + j * width, b, width) }
            for i in 0..<n {
                t[i] = _dot(gathered + i * width, b, width)
                for j in 0...i { s[i * n + j] = _dot(gathered + i * width, w + j * width, width) }
                s[i * n + i] += 1
            }
            try Matrix<Scalar>.solveSymmetricPositiveDefinite(order: n, matrix: s, rightHandSide: t)
            for index in 0..<width { xu[index] = b[index] }
            for i in 0..<n { _axpy(-t[i], w + i * width, xu, width) }
            continue
        }
        for index in 0..<(width * width) { a[index] = 0 }
        for index in 0..<width { a[index * width + index] = d[index]; b[index] = 0 }
        if let extraGram {
            for i in 0..<k { for j in 0..<k { a[i * width + j] += extraGram[i * k + j] } }
        }
        if let extraRightHandSide { b.update(from: extraRightHandSide + u * k, count: k) }
        var blockStart = start
        while blockStart < end {
            let blockEnd = min(blockStart + blockRows, end)
            for (j, index) in (blockStart..<blockEnd).enumerated() {
                let fi = f + Int(columns[index]) * width
                let row = gathered + j * width
                row.update(from: fi, count: k)
                row[k] = 1
                _axpy(values[index] - globalBias - fi[k], row, b, width)
            }
            Scalar._syrkTransposed(n: width, k: blockEnd - blockStart, alpha: 1, a: gathered, lda: width, beta: 1,
                                   c: a, ldc: width)
            blockStart = blockEnd
        }
        for i in 1..<width {
            for j in 0..<i { a[i * width + j] = a[j * width + i] }
        }
        try Matrix<Scalar>.solveSymmetricPositiveDefinite(order: width, matrix: a, rightHandSide: b)
        xu.update(from: b, count: width)
    }
}
