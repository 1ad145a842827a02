/// An error that LinearAlgebra throws for input that came from data.
///
/// Shapes that the calling code fixed itself (the operands of a product it built) are
/// checked with preconditions instead; see `Docs/LinearAlgebra.md` for which entry
/// points throw and which trap.
public enum LinearAlgebraError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A flat array whose element count does not match `rows × columns`.
    case elementCountMismatch(expected: Int, actual: Int, rows: Int, columns: Int)
    /// Rows of different lengths given to a rows initialiser.
    case raggedRows(row: Int, expected: Int, actual: Int)
    /// A negative dimension.
    case negativeDimension(rows: Int, columns: Int)
    /// A NaN or infinite value where only finite values are allowed.
    case nonFiniteValue(row: Int, column: Int, operation: String)
    /// A sparse triplet with an index out of range or a non-finite value.
    case invalidTriplet(index: Int, row: Int, column: Int, value: Double, reason: String)
    /// Cholesky failed: the leading minor of this order (1-based) is not positive definite.
    case notPositiveDefinite(minor: Int)
    /// LU factorisation found an exactly zero pivot at this position (1-based).
    case singular(pivot: Int)
    /// An iterative LAPACK routine did not converge.
    case didNotConverge(operation: String, info: Int)
    /// A matrix that must be square is not (the shape came from data).
    case notSquare(rows: Int, columns: Int)
    /// Two operands whose shapes came from data do not fit together.
    case shapeMismatch(operation: String, left: String, right: String)

    public var description: String {
        switch self {
        case let .elementCountMismatch(expected, actual, rows, columns):
            return "\(actual) elements cannot fill a \(rows)×\(columns) matrix (\(expected) needed)"
        case let .raggedRows(row, expected, actual):
            return "row \(row) has \(actual) elements, but row 0 has \(expected)"
        case let .negativeDimension(rows, columns):
            return "negative dimension \(rows)×\(columns)"
        case let .nonFiniteValue(row, column, operation):
            return "\(operation): non-finite value at row \(row), column \(column)"
        case let .invalidTriplet(index, row, column, value, reason):
            return "triplet \(index) (row \(row), column \(column), value \(value)): \(reason)"
        case let .notPositiveDefinite(minor):
            return "matrix is not positive definite: the leading minor of order \(minor) is not positive"
        case let .singular(pivot):
            return "matrix is singular: pivot \(pivot) is exactly zero"
        case let .didNotConverge(operation, info):
            return "\(operation) did not converge (LAPACK info \(info))"
        case let .notSquare(rows, columns):
            return "a square matrix is required, got \(rows)×\(columns)"
        case let .shapeMismatch(operation, left, right):
            return "\(operation): shapes \(left) and \(right) do not fit"
        }
    }
}
