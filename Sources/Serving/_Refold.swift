import Factorization
import LinearAlgebra

extension _LiveState {
    /// A user's factors (and bias, explicit rules) from the whole history, with the item
    /// factors fixed: the row update of the model's ``FoldInRule`` — the same kernels as
    /// `MatrixFactorizationModel.foldingInUsers`, against the live item rows.
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
        // Sorted by item (a stable sort, so repeats are summed in the order they were recorded).
        var entries: [(item: Int32, value: Double)] = []
        entries.reserveCapacity(history.count)
        for entry in history.sorted(by: { $0.item < $1.item }) {
            if let last = entries.last, last.item == entry.item {
                entries[entries.count - 1].value += entry.value
            } else {
                entries.append((entry.item, entry.value))
            }
        }
        do {
            return try BLASThreads.withSingleThreadedBLAS { () throws(LinearAlgebraError) -> ([Scalar], Scalar) in
                switch served.rule {
                case let .implicit(alpha, _, binary):
                    let factors = try _implicitRefold(
                        entries, rows: itemRows, k: factorCount, alpha: Scalar(alpha), binary: binary, gram: gram!.values,
                        solver: served.solver, warm: warm)
                    return (factors, 0)
                case let .explicit(regularization, biasRegularization, weighted):
                    return try _explicitRefold(
                        entries, rows: itemRows, k: factorCount, globalBias: served.globalBias,
                        regularization: Scalar(regularization), biasRegularization: Scalar(biasRegularization),
                        weighted: weighted)
                }
            }
        } catch {
            throw .linearAlgebra(error)
        }
    }
}

/// The implicit row update of one user against the item rows `[vᵢ, 1, cᵢ]`:
/// (G + Σ (cᵢ − 1) vᵢvᵢᵀ) x = Σ cᵢ vᵢ with G = VᵀV + λI given. Specialized for the scalars.
@_specialize(exported: false, where Scalar == Float)
@_specialize(exported: false, where Scalar == Double)
func _implicitRefold<Scalar: BLASScalar>(
    _ entries: [(item: Int32, value: Double)], rows: _ChunkedRows<Scalar>, k: Int, alpha: Scalar, binary: Bool,
    gram: [Scalar], solver: ImplicitSolver, warm: [Scalar]
) throws(LinearAlgebraError) -> [Scalar] {
    let n = entries.count
    let offsets = [0, n], columns = (0..<n).map { Int32($0) }
    let values = entries.map { Scalar(binary ? 1 : $0.value) }
    let gathered = _gathered(entries, rows: rows, k: k, bias: false)
    var x = warm
    try offsets.withUnsafeBufferPointer { (offsets) throws(LinearAlgebraError) in
        try columns.withUnsafeBufferPointer { (columns) throws(LinearAlgebraError) in
            try values.withUnsafeBufferPointer { (values) throws(LinearAlgebraError) in
                try gram.withUnsafeBufferPointer { (g) throws(LinearAlgebraError) in
                    try gathered.withUnsafeBufferPointer { (f) throws(LinearAlgebraError) in
                        try x.withUnsafeMutableBufferPointer { (x) throws(LinearAlgebraError) in
                            switch solver {
                            case .conjugateGradient(let steps):
                                _conjugateGradientRows(
                                    0..<1, offsets: offsets, columns: columns, values: values, g: g.baseAddress!,
                                    f: f.baseAddress!, x: x.baseAddress!, k: k, alpha: alpha, steps: steps, extra: nil)
                            case .cholesky:
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
    _ entries: [(item: Int32, value: Double)], rows: _ChunkedRows<Scalar>, k: Int, globalBias: Scalar,
    regularization: Scalar, biasRegularization: Scalar, weighted: Bool
) throws(LinearAlgebraError) -> ([Scalar], Scalar) {
    let n = entries.count
    let fixed = try Matrix<Scalar>(
        rowCount: n, columnCount: k + 1,
        elements: _gathered(entries, rows: rows, k: k, bias: true))
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
/// bias last), gathered from the item rows `[vᵢ, 1, cᵢ]` (reading only their chunks, so
/// a write never touches the chunk table's other references); at least one row of zeros.
@inline(__always)
func _gathered<Scalar: BLASScalar>(
    _ entries: [(item: Int32, value: Double)], rows: _ChunkedRows<Scalar>, k: Int, bias: Bool
) -> [Scalar] {
    let width = bias ? k + 1 : k
    var gathered = [Scalar](repeating: 0, count: max(entries.count, bias ? 0 : 1) * width)
    gathered.withUnsafeMutableBufferPointer { target in
        for (j, entry) in entries.enumerated() {
            rows.withRow(Int(entry.item)) { row in
                (target.baseAddress! + j * width).update(from: row.baseAddress!, count: k)
                if bias { target[j * width + k] = row[k + 1] }
            }
        }
    }
    return gathered
}
