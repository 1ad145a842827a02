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

    /// Creates a progress report.
    public init(iteration: Int, iterationCount: Int, loss: Double, elapsed: Duration) {
        self.iteration = iteration
        self.iterationCount = iterationCount
        self.loss = loss
        self.elapsed = elapsed
    }
}

/// A closure that receives a ``TrainingProgress`` after every iteration of a fit. It is
/// called on the thread that runs the fit.
public typealias TrainingProgressHandler = (TrainingProgress) -> Void
