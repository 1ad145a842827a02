import LinearAlgebra

/// The range checks every trainer's `Configuration.validate()` makes, each throwing
/// ``TrainingError/invalidConfiguration(parameter:value:reason:)`` named after the parameter.
enum _Check {
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
}
