import Fusion
import Ranking

/// An error from work that needs both a trained joint model and a ranker: placing cold
/// items before ranking, or refitting and evaluating for a ``ModalityReport``.
public enum EvaluationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fitting, or placing items from their side information, failed.
    case fusion(FusionError)
    /// Building the ranker or evaluating failed.
    case ranking(RankingError)

    public var description: String {
        switch self {
        case let .fusion(error): return error.description
        case let .ranking(error): return error.description
        }
    }
}
