import LinearAlgebra

/// The implicit-ALS objective Σ_{all u,i} cᵤᵢ(pᵤᵢ − sᵤᵢ)² + λ(‖U‖² + ‖V‖²), sᵤᵢ = uᵤᵀvᵢ,
/// computed without visiting the unobserved pairs:
///
///     Σ_{all} s² = tr(UᵀU · VᵀV),   and each observed pair swaps its s² for c(1 − s)².
///
/// - Complexity: O(|Ω|k + (m + n)k²). Summed in chunk order in `Double`, so the value is
///   the same for any thread count.
@_specialize(exported: false, where Scalar == Float)
@_specialize(exported: false, where Scalar == Double)
package func _implicitObjective<Scalar: BLASScalar>(
    _ rows: _CompressedRows<Scalar>, users: Matrix<Scalar>, items: Matrix<Scalar>, alpha: Scalar,
    regularization: Double
) -> Double {
    let k = users.columnCount
    let userGram = users.gram(), itemGram = items.gram()
    var total: Double = 0
    for index in 0..<(k * k) { total += Double(userGram.elements[index]) * Double(itemGram.elements[index]) }
    var norms: Double = 0
    for index in 0..<k { norms += Double(userGram.elements[index * k + index] + itemGram.elements[index * k + index]) }
    total += regularization * norms
    let partials = users.withUnsafeBufferPointer { u in
        items.withUnsafeBufferPointer { v in
            Parallel.mapChunks(of: 0..<rows.rowCount, grainSize: 256) { chunk -> Double in
                var sum: Double = 0
                for row in chunk {
                    for index in rows.offsets[row]..<rows.offsets[row + 1] {
                        let s = Double(_dot(u.baseAddress! + row * k, v.baseAddress! + Int(rows.columns[index]) * k, k))
                        let c = 1 + Double(alpha * rows.values[index])
                        sum += c * (1 - s) * (1 - s) - s * s
                    }
                }
                return sum
            }
        }
    }
    for partial in partials { total += partial }
    return total
}

/// The explicit objective with biases, Σ_Ω (r − μ − bᵤ − cᵢ − uᵤᵀvᵢ)² + Σᵤ wᵤ(λ‖uᵤ‖² + λ_b bᵤ²)
/// + Σᵢ wᵢ(λ‖vᵢ‖² + λ_b cᵢ²), with w the interaction count under weighted-λ and 1
/// otherwise. `users` and `items` hold k factors then the bias.
///
/// Also returns the mean residual r − bᵤ − cᵢ − uᵤᵀvᵢ, which is the exact minimiser
/// over μ.
@_specialize(exported: false, where Scalar == Float)
@_specialize(exported: false, where Scalar == Double)
package func _explicitObjective<Scalar: BLASScalar>(
    _ rows: _CompressedRows<Scalar>, columnCounts: [Int], users: Matrix<Scalar>, items: Matrix<Scalar>,
    globalBias: Scalar, regularization: Double, biasRegularization: Double, weighted: Bool
) -> (objective: Double, meanResidual: Double) {
    let width = users.columnCount, k = width - 1
    let partials = users.withUnsafeBufferPointer { u in
        items.withUnsafeBufferPointer { v in
            Parallel.mapChunks(of: 0..<rows.rowCount, grainSize: 256) { chunk -> (Double, Double) in
                var squares: Double = 0, residuals: Double = 0
                for row in chunk {
                    let ur = u.baseAddress! + row * width
                    for index in rows.offsets[row]..<rows.offsets[row + 1] {
                        let vi = v.baseAddress! + Int(rows.columns[index]) * width
                        let withoutMean = Double(rows.values[index]) - Double(_dot(ur, vi, k) + ur[k] + vi[k])
                        let error = withoutMean - Double(globalBias)
                        squares += error * error
                        residuals += withoutMean
                    }
                }
                return (squares, residuals)
            }
        }
    }
    var squares: Double = 0, residuals: Double = 0
    for (s, r) in partials {
        squares += s
        residuals += r
    }
    func penalty(_ factors: Matrix<Scalar>, counts: (Int) -> Int) -> Double {
        var total: Double = 0
        factors.withUnsafeBufferPointer { p in
            for row in 0..<factors.rowCount {
                let weight = weighted ? Double(counts(row)) : 1
                let r = p.baseAddress! + row * width
                total += weight * (regularization * Double(_dot(r, r, k)) + biasRegularization * Double(r[k] * r[k]))
            }
        }
        return total
    }
    let userPenalty = penalty(users) { rows.offsets[$0 + 1] - rows.offsets[$0] }
    let itemPenalty = penalty(items) { columnCounts[$0] }
    return (squares + userPenalty + itemPenalty, rows.nonZeroCount > 0 ? residuals / Double(rows.nonZeroCount) : 0)
}
