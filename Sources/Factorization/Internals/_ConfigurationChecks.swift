import LinearAlgebra

/// The checks every trainer makes: its `Configuration.validate()` ranges, each throwing
/// ``TrainingError/invalidConfiguration(parameter:value:reason:)`` named after the
/// parameter, and the checks on the data and on the factors during a fit.
package enum _Check {
    static func atLeast(_ name: String, _ value: Int, _ minimum: Int) throws(TrainingError) {
        if value < minimum {
            throw .invalidConfiguration(
                parameter: name, value: "\(value)", reason: minimum == 0 ? "must not be negative" : "must be at least \(minimum)")
        }
    }

    static func positiveFinite(_ name: String, _ value: Double) throws(TrainingError) {
        if !(value > 0) || !value.isFinite {
            throw .invalidConfiguration(parameter: name, value: "\(value)", reason: "must be positive and finite")
        }
    }

    static func nonNegativeFinite(_ name: String, _ value: Double) throws(TrainingError) {
        if !(value >= 0) || !value.isFinite {
            throw .invalidConfiguration(parameter: name, value: "\(value)", reason: "must be non-negative and finite")
        }
    }

    /// Throws ``TrainingError/noInteractions`` for empty data and
    /// ``TrainingError/tooManyFactors(factors:users:items:)`` when k exceeds either side.
    static func trainable(_ byUser: SparseMatrix<Double>, factors k: Int) throws(TrainingError) {
        guard byUser.nonZeroCount > 0 else { throw .noInteractions }
        guard k <= byUser.rowCount && k <= byUser.columnCount else {
            throw .tooManyFactors(factors: k, users: byUser.rowCount, items: byUser.columnCount)
        }
    }

    /// Throws ``TrainingError/invalidValue(user:item:value:reason:)`` for the first
    /// negative value, which an implicit-feedback confidence 1 + α·r cannot use.
    static func nonNegativeValues(_ byUser: SparseMatrix<Double>) throws(TrainingError) {
        for u in 0..<byUser.rowCount {
            for index in byUser.entryRange(ofRow: u) where byUser.values[index] < 0 {
                throw .invalidValue(user: u, item: Int(byUser.columnIndices[index]), value: byUser.values[index],
                                    reason: "implicit-feedback values must not be negative")
            }
        }
    }

    /// Throws ``TrainingError/nonFinite(iteration:quantity:)`` when the user or the item
    /// factors (with or without a bias column) hold NaN or infinity.
    package static func finite<Scalar: BLASScalar>(
        _ users: Matrix<Scalar>, _ items: Matrix<Scalar>, iteration: Int
    ) throws(TrainingError) {
        guard users._isFinite() else { throw .nonFinite(iteration: iteration, quantity: "the user factors") }
        guard items._isFinite() else { throw .nonFinite(iteration: iteration, quantity: "the item factors") }
    }
}

extension TrainingError {
    /// The error of a row solve that failed at `iteration`: a matrix that is not positive
    /// definite, or any other failure reported as a non-finite solve.
    package init(_ error: LinearAlgebraError, iteration: Int) {
        if case .notPositiveDefinite(let minor) = error {
            self = .notPositiveDefinite(iteration: iteration, minor: minor)
        } else {
            self = .nonFinite(iteration: iteration, quantity: "a row solve (\(error))")
        }
    }
}
