import Factorization
import LinearAlgebra
import Ranking

/// An error that the Fusion module throws for input that came from data: side
/// information, encoder output, configuration values.
public enum FusionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A block's features hold a NaN or infinite value.
    case nonFiniteFeature(block: String, row: Int, column: Int)
    /// A block's row count, mask or id list does not match what it must cover.
    case blockShape(block: String, reason: String)
    /// A configuration value is out of its domain.
    case invalidParameter(name: String, value: String, reason: String)
    /// An encoder returned a batch that breaks its contract.
    case encoderOutput(encoder: String, reason: String)
    /// Two blocks share a name.
    case duplicateBlockName(String)
    /// A block name that the model does not have.
    case unknownBlock(String)
    /// An id that the model or block does not know.
    case unknownID(String)
    /// Training failed: a bad configuration, unusable data, a numerical failure or cancellation.
    case training(TrainingError)
    /// An error from the interaction data or factor models.
    case factorization(FactorizationError)
    /// An error from a linear-algebra kernel.
    case linearAlgebra(LinearAlgebraError)
    /// An error from ranking or evaluation.
    case ranking(RankingError)

    public var description: String {
        switch self {
        case let .nonFiniteFeature(block, row, column):
            return "block '\(block)': non-finite feature at row \(row), column \(column)"
        case let .blockShape(block, reason):
            return "block '\(block)': \(reason)"
        case let .invalidParameter(name, value, reason):
            return "invalid \(name) = \(value): \(reason)"
        case let .encoderOutput(encoder, reason):
            return "encoder '\(encoder)' returned a bad batch: \(reason)"
        case let .duplicateBlockName(name):
            return "two blocks are named '\(name)'"
        case let .unknownBlock(name):
            return "no block named '\(name)'"
        case let .unknownID(id):
            return "unknown id '\(id)'"
        case let .training(error):
            return error.description
        case let .factorization(error):
            return error.description
        case let .linearAlgebra(error):
            return error.description
        case let .ranking(error):
            return error.description
        }
    }
}
