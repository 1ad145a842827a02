/// A trainer: a value that holds hyper-parameters and fits models with them.
///
/// Every trainer of FusionRec conforms — the four of this module through the refinement
/// ``MatrixFactorizationTrainer``, and Fusion's `JointFactorization` directly — so code
/// that builds, validates or stores trainers treats them alike:
///
/// ```swift
/// func validated<T: Trainer>(_ trainer: T) throws(T.Configuration.Failure) -> T {
///     try trainer.configuration.validate()
///     return trainer
/// }
/// ```
///
/// The fit itself is a requirement of the refinements, not of this protocol: models are
/// generic over their scalar and id types, and Swift has no generic associated types, so
/// one `fit` cannot name "the model type of this trainer at `Float`, `String`, `String`".
/// ``MatrixFactorizationTrainer`` fixes the model to ``MatrixFactorizationModel``, which
/// keeps the concrete type (fold-in, saving) for callers that hold a concrete trainer and
/// lets callers that hold `any MatrixFactorizationTrainer` fit without a switch. A fit
/// returning `any FactorModel<…>` would cover every trainer, but would hide the model
/// type from everyone, and overload the concrete `fit` by return type alone.
public protocol Trainer: Sendable {
    /// The hyper-parameters, with documented defaults.
    associatedtype Configuration: TrainerConfiguration

    /// The hyper-parameters used by the next fit.
    var configuration: Configuration { get set }

    /// Creates a trainer with the given hyper-parameters (validated when a fit starts).
    init(_ configuration: Configuration)
}

/// The hyper-parameters of a ``Trainer``: a value with documented defaults that checks
/// its own ranges.
public protocol TrainerConfiguration: Sendable, Hashable {
    /// The error ``validate()`` throws: ``TrainingError`` for this module's trainers.
    associatedtype Failure: Error

    /// Throws for the first parameter out of range, naming it; a fit calls this first.
    func validate() throws(Failure)
}
