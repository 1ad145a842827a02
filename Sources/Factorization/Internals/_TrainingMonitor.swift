/// The bookkeeping every training loop shares: elapsed time, cooperative cancellation,
/// progress reports, and the NaN and divergence checks.
package struct _TrainingMonitor {
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private let iterationCount: Int
    private let progress: TrainingProgressHandler?
    private var firstLoss: Double?
    private var previousLoss: Double?
    /// A loss this many times the first iteration's counts as divergence.
    private let divergenceFactor: Double

    package init(iterationCount: Int, progress: TrainingProgressHandler?, divergenceFactor: Double = 10) {
        self.start = clock.now
        self.iterationCount = iterationCount
        self.progress = progress
        self.divergenceFactor = divergenceFactor
    }

    /// Whether the caller wants per-iteration reports (and so the loss computed).
    package var wantsLoss: Bool { progress != nil }

    /// Throws ``TrainingError/cancelled(completedIterations:)`` when the current task is cancelled.
    package func checkCancellation(completedIterations: Int) throws(TrainingError) {
        if Task.isCancelled { throw .cancelled(completedIterations: completedIterations) }
    }

    /// Checks `loss` for NaN and divergence, then reports it.
    package mutating func finish(
        iteration: Int, loss: Double, terms: [LossTerm] = [], regularizedSolves: Int = 0
    ) throws(TrainingError) {
        guard loss.isFinite else { throw .nonFinite(iteration: iteration, quantity: "the loss") }
        if let firstLoss, loss > divergenceFactor * Swift.max(firstLoss, .leastNormalMagnitude), let previousLoss {
            throw .diverged(iteration: iteration, loss: loss, previousLoss: previousLoss)
        }
        if firstLoss == nil { firstLoss = loss }
        previousLoss = loss
        progress?(TrainingProgress(
            iteration: iteration, iterationCount: iterationCount, loss: loss, elapsed: clock.now - start,
            terms: terms, regularizedSolves: regularizedSolves))
    }
}
