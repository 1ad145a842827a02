import Factorization
import LinearAlgebra

extension _LiveState {
    /// A user's factors (and bias, explicit rules) from the whole history, with the item
    /// factors fixed: the row update of the model's ``FoldInRule`` — the update
    /// `MatrixFactorizationModel.foldingInUsers` makes, against the live item rows.
    ///
    /// Repeated items are summed (as `foldingInUsers` sums them). The implicit update
    /// reads G = VᵀV + λI from the state instead of forming it (O(nk²)): with
    /// conjugate gradient, warm-started from `warm`, each step costs O(k² + nᵤk); an exact
    /// (Cholesky) solve costs O(nᵤk² + k³). The explicit update solves the user's own
    /// (k+1)×(k+1) system, O(nᵤk² + k³). BLAS runs single-threaded: a write is one
    /// request's work, and waking OpenBLAS's pool for it would only make it spin.
    @_specialize(exported: false, where Scalar == Float, UserID == Int, ItemID == Int)
    @_specialize(exported: false, where Scalar == Double, UserID == Int, ItemID == Int)
    func _refold(history: [_HistoryEntry], warm: [Scalar]) throws(ServingError) -> ([Scalar], Scalar) {
        let entries = _summedByItem(history)
        do {
            return try BLASThreads.withSingleThreadedBLAS { () throws(LinearAlgebraError) -> ([Scalar], Scalar) in
                switch served.rule {
                case let .implicit(alpha, _, binary):
                    let factors = try _implicitRefold(
                        entries, rows: itemRows, ordered: itemOrder, k: factorCount, alpha: Scalar(alpha), binary: binary,
                        gram: gram!.values,
                        solver: served.solver, warm: warm)
                    return (factors, 0)
                case let .explicit(regularization, biasRegularization, weighted):
                    return try _explicitRefold(
                        entries, rows: itemRows, ordered: itemOrder, k: factorCount, globalBias: served.globalBias,
                        regularization: Scalar(regularization), biasRegularization: Scalar(biasRegularization),
                        weighted: weighted)
                }
            }
        } catch {
            throw .linearAlgebra(error)
        }
    }
}

/// The history's distinct items in order of first appearance, each with its values
/// summed in the order they were recorded (as training sums repeats), through an
/// open-addressing table: O(nᵤ), where sorting the history by item cost a fifth of a
/// write's re-fold at ml-small's history lengths.
func _summedByItem(_ history: [_HistoryEntry]) -> [(item: Int32, value: Double)] {
    var entries: [(item: Int32, value: Double)] = []
    entries.reserveCapacity(history.count)
    var bits = 4
    while 1 << bits < 2 * history.count { bits += 1 }
    let mask = (1 << bits) - 1
    var slots = [Int](repeating: -1, count: 1 << bits)
    for entry in history {
        // Fibonacci hashing: the top bits of the item times 2⁶⁴/φ.
        var slot = Int(truncatingIfNeeded: (UInt64(UInt32(bitPattern: entry.item)) &* 0x9E37_79B9_7F4A_7C15) >> (64 - bits))
        while true {
            let index = slots[slot]
            if index < 0 {
                slots[slot] = entries.count
                entries.append((entry.item, entry.value))
                break
            }
            if entries[index].item == entry.item {
                entries[index].value += entry.value
                break
            }
            slot = (slot + 1) & mask
        }
    }
    return entries
}

/// The implicit row update of one user against the item rows `[vᵢ, 1, cᵢ]`:
/// (G + Σ (cᵢ − 1) vᵢvᵢᵀ) x = Σ cᵢ vᵢ with G = VᵀV + λI given. The user's item factors are
/// gathered from the chunks once; conjugate gradient then runs on them directly (two
/// matrix–vector products a step), an exact solve through the training's Cholesky rows.
/// Specialized for the scalars.
@_specialize(exported: false, where Scalar == Float)
@_specialize(exported: false, where Scalar == Double)
func _implicitRefold<Scalar: BLASScalar>(
    _ entries: [(item: Int32, value: Double)], rows: _ChunkedRows<Scalar>, ordered: _NormOrderedRows<Scalar>?, k: Int,
    alpha: Scalar, binary: Bool, gram: [Scalar], solver: ImplicitSolver, warm: [Scalar]
) throws(LinearAlgebraError) -> [Scalar] {
    let n = entries.count
    guard n > 0 else { return [Scalar](repeating: 0, count: k) }
    let values = entries.map { Scalar(binary ? 1 : $0.value) }
    let gathered = _gathered(entries, rows: rows, ordered: ordered, k: k, bias: false)
    var x = warm
    try values.withUnsafeBufferPointer { (values) throws(LinearAlgebraError) in
        try gram.withUnsafeBufferPointer { (g) throws(LinearAlgebraError) in
            try gathered.withUnsafeBufferPointer { (f) throws(LinearAlgebraError) in
                try x.withUnsafeMutableBufferPointer { (x) throws(LinearAlgebraError) in
                    switch solver {
                    case .conjugateGradient(let steps):
                        let scratch = UnsafeMutablePointer<Scalar>.allocate(capacity: 3 * k + n)
                        defer { scratch.deallocate() }
                        let r = scratch, p = scratch + k, ap = scratch + 2 * k, t = scratch + 3 * k
                        _rowsTimesGram(1, x.baseAddress!, g.baseAddress!, k, alpha: -1, beta: 0, r)  // r = −G·x
                        _conjugateGradientGatheredRow(
                            n: n, gathered: f.baseAddress!, values: values.baseAddress!, g: g.baseAddress!,
                            x: x.baseAddress!, r: r, p: p, ap: ap, t: t, k: k, alpha: alpha, steps: steps)
                    case .cholesky:
                        let offsets = [0, n], columns = (0..<n).map { Int32($0) }
                        try offsets.withUnsafeBufferPointer { (offsets) throws(LinearAlgebraError) in
                            try columns.withUnsafeBufferPointer { (columns) throws(LinearAlgebraError) in
                                _ = try _choleskyRows(
                                    0..<1, offsets: offsets, columns: columns, values: values, g: g.baseAddress!,
                                    h: g.baseAddress!, f: f.baseAddress!, x: x.baseAddress!, k: k, alpha: alpha,
                                    woodburyLimit: 0, blockRows: 256, extra: nil)
                            }
                        }
                    }
                }
            }
        }
    }
    return x
}

/// The explicit row update of one user (factors and bias) against the item rows.
@_specialize(exported: false, where Scalar == Float)
@_specialize(exported: false, where Scalar == Double)
func _explicitRefold<Scalar: BLASScalar>(
    _ entries: [(item: Int32, value: Double)], rows: _ChunkedRows<Scalar>, ordered: _NormOrderedRows<Scalar>?, k: Int,
    globalBias: Scalar, regularization: Scalar, biasRegularization: Scalar, weighted: Bool
) throws(LinearAlgebraError) -> ([Scalar], Scalar) {
    let n = entries.count
    let fixed = try Matrix<Scalar>(
        rowCount: n, columnCount: k + 1,
        elements: _gathered(entries, rows: rows, ordered: ordered, k: k, bias: true))
    let data = _CompressedRows<Scalar>(
        rowCount: 1, columnCount: n, offsets: [0, n], columns: (0..<n).map { Int32($0) },
        values: entries.map { Scalar($0.value) })
    var solved = Matrix<Scalar>(rowCount: 1, columnCount: k + 1)
    try _explicitHalfStep(data, fixed: fixed, solving: &solved, globalBias: globalBias, regularization: regularization,
                          biasRegularization: biasRegularization, weighted: weighted)
    let row = solved.row(0)
    return (Array(row[0..<k]), row[k])
}

/// The factors of the entries' items, one row each (k columns, or k + 1 with the item
/// bias last), gathered from the item rows `[vᵢ, 1, cᵢ]` — from the norm-ordered copy where
/// it has them, else from the table's chunks (reading only those, so a write never touches
/// the chunk table's other references). With no entries: one row of zeros, none with the bias.
@inline(__always)
func _gathered<Scalar: BLASScalar>(
    _ entries: [(item: Int32, value: Double)], rows: _ChunkedRows<Scalar>, ordered: _NormOrderedRows<Scalar>?, k: Int,
    bias: Bool
) -> [Scalar] {
    let width = bias ? k + 1 : k
    guard !entries.isEmpty else { return [Scalar](repeating: 0, count: bias ? 0 : width) }
    let copied = ordered?.rowCount ?? 0
    return [Scalar](unsafeUninitializedCapacity: entries.count * width) { target, initialized in
        for (j, entry) in entries.enumerated() {
            let item = Int(entry.item)
            func copy(_ row: UnsafeBufferPointer<Scalar>) {
                (target.baseAddress! + j * width).initialize(from: row.baseAddress!, count: k)
                if bias { (target.baseAddress! + j * width + k).initialize(to: row[k + 1]) }
            }
            if item < copied { ordered!.withRow(item, copy) } else { rows.withRow(item, copy) }
        }
        initialized = entries.count * width
    }
}
