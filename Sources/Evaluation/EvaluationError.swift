import Fusion
import Ranking

/// An error from work that needs both a trained joint model and a ranker: placing cold
/// items before ranking, refitting and evaluating for a ``ModalityReport`` or a
/// ``HyperparameterSearch``.
public enum EvaluationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fitting, or placing items from their side information, failed.
    case fusion(FusionError)
    /// Building the ranker or evaluating failed.
    case ranking(RankingError)
    /// A parameter of the evaluation itself (a ``HyperparameterSearch``'s budget or
    /// ranges) is out of range.
    case invalidParameter(name: String, value: String, reason: String)

    public var description: String {
        switch self {
        case let .fusion(error): return error.description
        case let .ranking(error): return error.description
        case let .invalidParameter(name, value, reason): return "invalid \(name) \(value): \(reason)"
        }
    }
}
