/// An error that a model's training throws: a bad configuration, data that the model
/// cannot learn from, a fit that went numerically wrong, or a cancelled fit.
///
/// Every case names what was wrong and, for errors during training, the iteration
/// (1-based) at which it happened.
public enum TrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A configuration parameter outside its valid range.
    case invalidConfiguration(parameter: String, value: String, reason: String)
    /// Interaction data with no interactions at all.
    case noInteractions
    /// More latent factors than users or items, which cannot be identified from the data.
    case tooManyFactors(factors: Int, users: Int, items: Int)
    /// An interaction value the model cannot use (for example a negative value given as
    /// an implicit-feedback weight); `user` and `item` are internal indices.
    case invalidValue(user: Int, item: Int, value: Double, reason: String)
    /// A factor, bias or the loss became NaN or infinite at this iteration.
    case nonFinite(iteration: Int, quantity: String)
    /// The loss grew past `loss` from `previousLoss` at this iteration: the learning rate
    /// is too large, or the problem is badly conditioned.
    case diverged(iteration: Int, loss: Double, previousLoss: Double)
    /// A linear system that should be positive definite was not, at this iteration.
    case notPositiveDefinite(iteration: Int, minor: Int)
    /// The task running the fit was cancelled; `completedIterations` had finished.
    case cancelled(completedIterations: Int)

    public var description: String {
        switch self {
        case let .invalidConfiguration(parameter, value, reason):
            return "invalid configuration: \(parameter) = \(value): \(reason)"
        case .noInteractions:
            return "the interaction data is empty"
        case let .tooManyFactors(factors, users, items):
            return "\(factors) factors is more than the \(users) users or \(items) items can identify"
        case let .invalidValue(user, item, value, reason):
            return "interaction (user \(user), item \(item)) value \(value): \(reason)"
        case let .nonFinite(iteration, quantity):
            return "iteration \(iteration): \(quantity) became NaN or infinite"
        case let .diverged(iteration, loss, previousLoss):
            return "iteration \(iteration): training diverged, loss \(loss) after \(previousLoss)"
        case let .notPositiveDefinite(iteration, minor):
            return "iteration \(iteration): a normal-equation matrix is not positive definite (minor \(minor))"
        case let .cancelled(completedIterations):
            return "training cancelled after \(completedIterations) completed iterations"
        }
    }
}
