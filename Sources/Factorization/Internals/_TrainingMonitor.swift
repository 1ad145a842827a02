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

    /// The loop of every fit: before each of `iterationCount` iterations it checks
    /// cancellation, then runs `iterate(iteration, wantsLoss)` and hands the report it
    /// returns (`nil`: no loss computed) to ``finish(iteration:loss:terms:regularizedSolves:)``.
    /// `iterate` checks its own parameters for NaN (``_Check/finite(_:_:iteration:)``).
    ///
    /// - Parameter wrap: turns the loop's own ``TrainingError`` into the caller's error.
    package static func run<Failure: Error>(
        iterationCount: Int, progress: TrainingProgressHandler?, wrapping wrap: (TrainingError) -> Failure,
        _ iterate: (_ iteration: Int, _ wantsLoss: Bool) throws(Failure) -> _IterationReport?
    ) throws(Failure) {
        var monitor = _TrainingMonitor(iterationCount: iterationCount, progress: progress)
        for iteration in 1...max(iterationCount, 1) where iterationCount > 0 {
            do throws(TrainingError) {
                try monitor.checkCancellation(completedIterations: iteration - 1)
            } catch {
                throw wrap(error)
            }
            guard let report = try iterate(iteration, monitor.wantsLoss) else { continue }
            do throws(TrainingError) {
                try monitor.finish(iteration: iteration, loss: report.loss, terms: report.terms,
                                   regularizedSolves: report.regularizedSolves)
            } catch {
                throw wrap(error)
            }
        }
    }

    /// ``run(iterationCount:progress:wrapping:_:)`` for fits that throw ``TrainingError``.
    package static func run(
        iterationCount: Int, progress: TrainingProgressHandler?,
        _ iterate: (_ iteration: Int, _ wantsLoss: Bool) throws(TrainingError) -> _IterationReport?
    ) throws(TrainingError) {
        try run(iterationCount: iterationCount, progress: progress, wrapping: { $0 }, iterate)
    }
}

/// What one training iteration reports: its loss (or the documented proxy), the loss's
/// terms, and the row systems that needed extra regularisation.
package struct _IterationReport {
    package var loss: Double
    package var terms: [LossTerm]
    package var regularizedSolves: Int

    package init(loss: Double, terms: [LossTerm] = [], regularizedSolves: Int = 0) {
        self.loss = loss
        self.terms = terms
        self.regularizedSolves = regularizedSolves
    }

    /// A report whose loss is the sum of `terms`.
    package init(terms: [LossTerm], regularizedSolves: Int = 0) {
        self.init(loss: terms.reduce(0) { $0 + $1.value }, terms: terms, regularizedSolves: regularizedSolves)
    }
}
