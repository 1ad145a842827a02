/// What a model reports to its progress handler after each training iteration.
public struct TrainingProgress: Sendable, Hashable {
    /// The iteration just completed, 1-based.
    public var iteration: Int
    /// The number of iterations the fit will run.
    public var iterationCount: Int
    /// The model's training objective (or the documented proxy for it) after this
    /// iteration; each model's documentation says which.
    public var loss: Double
    /// The time since the fit started.
    public var elapsed: Duration
    /// The parts of ``loss`` by term (the interactions, each side-information block, the
    /// penalties), for models whose objective has several; empty otherwise.
    public var terms: [LossTerm]
    /// How many row systems of this iteration rounding made indefinite, so that they were
    /// solved with extra regularisation instead of failing (Cholesky solvers; 0 normally).
    /// A steady non-zero count means λ is too small for the data's scale or precision.
    public var regularizedSolves: Int

    /// Creates a progress report.
    public init(
        iteration: Int, iterationCount: Int, loss: Double, elapsed: Duration, terms: [LossTerm] = [],
        regularizedSolves: Int = 0
    ) {
        self.iteration = iteration
        self.iterationCount = iterationCount
        self.loss = loss
        self.elapsed = elapsed
        self.terms = terms
        self.regularizedSolves = regularizedSolves
    }
}

/// One named term of a training objective.
public struct LossTerm: Sendable, Hashable {
    /// The term's name, such as `"interactions"` or `"item block genres"`.
    public var name: String
    /// Its value after the iteration.
    public var value: Double

    /// Creates a term.
    public init(name: String, value: Double) {
        self.name = name
        self.value = value
    }
}

/// A closure that receives a ``TrainingProgress`` after every iteration of a fit. It is
/// called on the thread that runs the fit.
public typealias TrainingProgressHandler = (TrainingProgress) -> Void
