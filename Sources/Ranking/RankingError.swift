import Factorization
import LinearAlgebra

/// An error that Ranking throws for input that came from data or from a caller's ids.
public enum RankingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A user the ranker's model does not know.
    case unknownUser(String)
    /// An item outside the ranker's catalogue.
    case unknownItem(String)
    /// A model whose shapes or values cannot be ranked (for example NaN factors).
    case invalidModel(String)
    /// Interactions without time stamps given to an operation that needs them.
    case missingTimestamps(operation: String)
    /// An argument that came from data is out of its valid range.
    case invalidArgument(String)
    /// An error reading or building interaction data, passed through.
    case data(FactorizationError)

    /// A one-line message that says what was wrong and where.
    public var description: String {
        switch self {
        case let .unknownUser(id): return "unknown user \(id): the model has no factors for it"
        case let .unknownItem(id): return "unknown item \(id): it is not in the catalogue"
        case let .invalidModel(message): return "invalid model: \(message)"
        case let .missingTimestamps(operation): return "\(operation) needs time stamps, and the interactions have none"
        case let .invalidArgument(message): return message
        case let .data(error): return error.description
        }
    }
}
