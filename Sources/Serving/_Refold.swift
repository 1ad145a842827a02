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
    /// (k+1)×(k+1) system, O(nᵤk² + k³).
    func _refold(history: [_HistoryEntry], warm: [Scalar]) throws(ServingError) -> ([Scalar], Scalar) {
        let k = factorCount
        var summed: [Int32: Double] = [:]
        for entry in history { summed[entry.item, default: 0] += entry.value }
        let entries = summed.sorted { $0.key < $1.key }
        let n = entries.count
        let offsets = [0, n]
        let columns = (0..<n).map { Int32($0) }
        do {
            switch served.rule {
            case let .implicit(alpha, _, binary):
                let values = entries.map { Scalar(binary ? 1 : $0.value) }
                var gathered = [Scalar](repeating: 0, count: max(n, 1) * k)
                for (j, entry) in entries.enumerated() {
                    itemRows.withRow(Int(entry.key)) { row in for c in 0..<k { gathered[j * k + c] = row[c] } }
                }
                var x = warm
                let g = gram!.values
                try offsets.withUnsafeBufferPointer { (offsets) throws(LinearAlgebraError) in
                    try columns.withUnsafeBufferPointer { (columns) throws(LinearAlgebraError) in
                        try values.withUnsafeBufferPointer { (values) throws(LinearAlgebraError) in
                            try g.withUnsafeBufferPointer { (g) throws(LinearAlgebraError) in
                                try gathered.withUnsafeBufferPointer { (f) throws(LinearAlgebraError) in
                                    try x.withUnsafeMutableBufferPointer { (x) throws(LinearAlgebraError) in
                                        switch served.solver {
                                        case .conjugateGradient(let steps):
                                            _conjugateGradientRows(
                                                0..<1, offsets: offsets, columns: columns, values: values,
                                                g: g.baseAddress!, f: f.baseAddress!, x: x.baseAddress!, k: k,
                                                alpha: Scalar(alpha), steps: steps, extra: nil)
                                        case .cholesky:
                                            _ = try _choleskyRows(
                                                0..<1, offsets: offsets, columns: columns, values: values,
                                                g: g.baseAddress!, h: g.baseAddress!, f: f.baseAddress!,
                                                x: x.baseAddress!, k: k, alpha: Scalar(alpha), woodburyLimit: 0,
                                                blockRows: 256, extra: nil)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                return (x, 0)
            case let .explicit(regularization, biasRegularization, weighted):
                var fixed = Matrix<Scalar>(rowCount: n, columnCount: k + 1)
                for (j, entry) in entries.enumerated() {
                    itemRows.withRow(Int(entry.key)) { row in
                        for c in 0..<k { fixed[j, c] = row[c] }
                        fixed[j, k] = row[k + 1]
                    }
                }
                let data = _CompressedRows<Scalar>(
                    rowCount: 1, columnCount: n, offsets: offsets, columns: columns,
                    values: entries.map { Scalar($0.value) })
                var solved = Matrix<Scalar>(rowCount: 1, columnCount: k + 1)
                try _explicitHalfStep(data, fixed: fixed, solving: &solved, globalBias: served.globalBias,
                                      regularization: Scalar(regularization),
                                      biasRegularization: Scalar(biasRegularization), weighted: weighted)
                let row = solved.row(0)
                return (Array(row[0..<k]), row[k])
            }
        } catch {
            throw .linearAlgebra(error)
        }
    }
}
