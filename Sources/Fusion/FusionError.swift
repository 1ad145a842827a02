import Factorization
import LinearAlgebra

/// An error that the Fusion module throws for input that came from data: side
/// information, encoder output, configuration values.
public enum FusionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A block's features hold a NaN or infinite value.
    case nonFiniteFeature(block: String, row: Int, column: Int)
    /// A block's row count, mask or id list does not match what it must cover.
    case blockShape(block: String, reason: String)
    /// A configuration value is out of its domain.
    case invalidParameter(name: String, value: String, reason: String)
    /// A block's rows come from another encoder (by identifier) than the one the block or
    /// model was built with, so their vectors are not comparable.
    case encoderMismatch(block: String, expected: String, found: String)
    /// A column of an attribute table (`table` is its file, or `(rows)`) that cannot feed
    /// its block: missing from the table, empty, or holding a value the block cannot read
    /// (`reason` names the row's id).
    case invalidColumn(table: String, column: String, reason: String)
    /// A block of a feature pipeline whose text, image or audio encoder the caller did not supply.
    case missingEncoder(block: String, name: String)
    /// An image file of an image column that the block's encoder could not decode or
    /// encode, under ``MediaColumnOptions/strict``: `file` is the resolved path.
    case unreadableImage(block: String, file: String, reason: String)
    /// An audio file of an audio column that the block's encoder could not decode or
    /// encode, under ``MediaColumnOptions/strict``: `file` is the resolved path.
    case unreadableAudio(block: String, file: String, reason: String)
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

    public var description: String {
        switch self {
        case let .nonFiniteFeature(block, row, column):
            return "block '\(block)': non-finite feature at row \(row), column \(column)"
        case let .blockShape(block, reason):
            return "block '\(block)': \(reason)"
        case let .invalidParameter(name, value, reason):
            return "invalid \(name) = \(value): \(reason)"
        case let .encoderMismatch(block, expected, found):
            return "block '\(block)' was built with encoder '\(expected)', not '\(found)'"
        case let .invalidColumn(table, column, reason):
            return "\(table): column '\(column)': \(reason)"
        case let .missingEncoder(block, name):
            return "block '\(block)' needs the encoder '\(name)', which was not supplied"
        case let .unreadableImage(block, file, reason):
            return "block '\(block)': cannot encode image \(file): \(reason)"
        case let .unreadableAudio(block, file, reason):
            return "block '\(block)': cannot encode audio \(file): \(reason)"
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
        }
    }
}
