import LinearAlgebra

/// An id map, factors and optional biases with `newIDs` folded in: the row of an id the
/// map knows is replaced, a new id is appended with a new index. A new id without a given
/// bias gets 0. Shared by every model that grows (fold-in, cold start).
///
/// - Precondition: `newFactors` has one row per new id and the factors' column count.
package func _grown<ID, Scalar: BLASScalar>(
    ids: IDMap<ID>, factors: Matrix<Scalar>, biases: [Scalar]?,
    newIDs: [ID], newFactors: Matrix<Scalar>, newBiases: [Scalar]? = nil
) -> (ids: IDMap<ID>, factors: Matrix<Scalar>, biases: [Scalar]?) {
    let k = factors.columnCount
    precondition(newFactors.rowCount == newIDs.count && newFactors.columnCount == k,
                 "\(newFactors.rowCount)×\(newFactors.columnCount) factors for \(newIDs.count) ids and k = \(k)")
    var map = ids
    var elements = factors.elements, grownBiases = biases
    for (position, id) in newIDs.enumerated() {
        let index = map.append(id)
        let row = newFactors.row(position)
        let bias = newBiases?[position] ?? 0
        if index * k == elements.count {
            elements.append(contentsOf: row)
            grownBiases?.append(bias)
        } else {
            elements.replaceSubrange(index * k..<(index + 1) * k, with: row)
            if newBiases != nil { grownBiases?[index] = bias }
        }
    }
    return (map, try! Matrix(rowCount: map.count, columnCount: k, elements: elements), grownBiases)
}

/// What is wrong with factors (and biases) given for `count` new ids of a model with k
/// factors, for the models' `adding…` methods: `what` is `"factors"` or `"biases"`.
package enum _GrowthProblem: Sendable {
    case shape(what: String, reason: String)
    case nonFinite(what: String, row: Int, column: Int)

    /// The first problem of `factors` and `biases`, or `nil` when they can be added.
    package init?<Scalar: BLASScalar>(_ factors: Matrix<Scalar>, _ biases: [Scalar]?, count: Int, k: Int) {
        if factors.rowCount != count || factors.columnCount != k {
            self = .shape(what: "factors", reason: "\(factors.rowCount)×\(factors.columnCount) for \(count) ids and k = \(k)")
        } else if let (row, column) = factors.firstNonFiniteIndex() {
            self = .nonFinite(what: "factors", row: row, column: column)
        } else if let biases, biases.count != count {
            self = .shape(what: "biases", reason: "\(biases.count) biases for \(count) ids")
        } else if let row = biases?.firstIndex(where: { !$0.isFinite }) {
            self = .nonFinite(what: "biases", row: row, column: 0)
        } else {
            return nil
        }
    }
}
