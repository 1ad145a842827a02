import Factorization
import Fusion
import LinearAlgebra
import Persistence

/// What a live model refuses, and why: every case names the offending id, value or
/// argument, so a service can answer a bad request with a 4xx and the message.
public enum ServingError: Error, Sendable, CustomStringConvertible {
    /// A read or a write named a user the live model does not know.
    case unknownUser(String)
    /// A read or a write named an item the live model does not know.
    case unknownItem(String)
    /// An interaction value that cannot be recorded: NaN, infinite, or negative under an
    /// implicit rule with raw values.
    case invalidValue(user: String, item: String, value: Double, reason: String)
    /// An argument out of range (a negative count, factors of the wrong shape, …).
    case invalidArgument(name: String, value: String, reason: String)
    /// A model the live model cannot serve (shapes, non-finite factors, a kind it cannot load).
    case invalidModel(String)
    /// Placing new users or items from raw attributes failed in the model's pipeline.
    case placement(FusionError)
    /// A host encoder failed while placing rows from attributes.
    case encoding(String)
    /// A model file could not be read.
    case modelFile(ModelFileError)
    /// The linear algebra of a re-fold failed (a system LAPACK found not positive definite).
    case linearAlgebra(LinearAlgebraError)

    public var description: String {
        switch self {
        case let .unknownUser(id): return "unknown user \(id)"
        case let .unknownItem(id): return "unknown item \(id)"
        case let .invalidValue(user, item, value, reason):
            return "interaction (user \(user), item \(item)) has value \(value): \(reason)"
        case let .invalidArgument(name, value, reason): return "\(name) = \(value): \(reason)"
        case let .invalidModel(message): return "invalid model: \(message)"
        case let .placement(error): return "placement failed: \(error)"
        case let .encoding(message): return "encoding failed: \(message)"
        case let .modelFile(error): return "model file: \(error)"
        case let .linearAlgebra(error): return "re-fold failed: \(error)"
        }
    }
}
