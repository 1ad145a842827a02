import Factorization
import FeatureEncoding
import Fusion
import LinearAlgebra
import Ranking

/// Chooses the settings of a joint factorization and of its item pipeline within a time
/// budget, scored on validation data carved from the training interactions alone.
///
/// The search carves a validation split out of the training interactions (cold items,
/// held-out interactions of warm users, or both at once, so that one fit scores both),
/// then runs rounds of seeded random search with successive halving (Jamieson and
/// Talwalkar 2016; Li et al. 2018): each round draws ``roundSize`` settings — from the
/// whole of ``space`` in the first round, and from then on every other one near the best
/// settings so far (each continuous parameter within a factor e^±0.5) — fits them with the
/// first of ``iterationCounts`` sweeps, keeps the best 1/``reductionFactor`` for the next
/// count, and so on to the last. The first trial fits
/// the starting settings (the configuration and pipeline passed to ``run(training:items:pipeline:configuration:encoders:cache:as:progress:)``)
/// with the last count, so the best trial never scores below them on the validation data.
/// A trial is started only while its estimated cost fits in what is left of ``budget``
/// and, when ``trialLimit`` is set, while fewer trials than that have run (a budget that
/// does not depend on the machine's speed: the same seed and limit give the same trials).
///
/// A trial's score is the mean of NDCG@``cutoff`` over the parts of the validation split
/// (warm and cold), the metric the defaults were chosen by (`Docs/Fusion.md`).
///
/// ```swift
/// let search = HyperparameterSearch(budget: .seconds(180))
/// let result = try await search.run(training: train, items: movies,
///                                   pipeline: .standard(text: ["title"], categorical: ["genres"], numeric: ["year"]),
///                                   as: Float.self)
/// print(result.best.settings)
/// ```
///
/// [Jamieson 2016]: https://proceedings.mlr.press/v51/jamieson16.html
/// [Li 2018]: https://jmlr.org/papers/v18/16-558.html
public struct HyperparameterSearch: Sendable {
    /// Which validation data is carved from the training interactions.
    public enum Validation: Sendable, Hashable {
        /// This fraction of the items, with all their interactions, is held out and
        /// placed from side information alone.
        case coldItems(fraction: Double)
        /// This fraction of each user's interactions is held out.
        case warmUsers(fraction: Double)
        /// Cold items first, then a fraction of each user's remaining interactions.
        case both(coldItemFraction: Double, warmFraction: Double)
    }

    /// Where the search looks.
    public var space: SearchSpace
    /// The validation split. Default: 10% cold items and 10% of each user's remaining
    /// interactions.
    public var validation: Validation
    /// The wall-clock budget of the whole search (carving included). Default 3 minutes.
    public var budget: Duration
    /// The cut-off K of the metrics. Default 10.
    public var cutoff: Int
    /// The seed of the carving and of the draws. Default 42.
    public var seed: UInt64
    /// The sweep counts of the successive-halving rungs, ascending; the last is the
    /// iteration count of the result. Default [5, 15].
    public var iterationCounts: [Int]
    /// How many settings each round draws. Default 9.
    public var roundSize: Int
    /// The fraction 1/η of a rung's trials that go on to the next rung. Default η = 3.
    public var reductionFactor: Int
    /// The most trials to run, or `nil` (the default) for as many as the budget allows.
    public var trialLimit: Int?

    /// Creates a search; every parameter has the documented default.
    public init(
        space: SearchSpace = SearchSpace(), validation: Validation = .both(coldItemFraction: 0.1, warmFraction: 0.1),
        budget: Duration = .seconds(180), cutoff: Int = 10, seed: UInt64 = 42, iterationCounts: [Int] = [5, 15],
        roundSize: Int = 9, reductionFactor: Int = 3, trialLimit: Int? = nil
    ) {
        self.space = space
        self.validation = validation
        self.budget = budget
        self.cutoff = cutoff
        self.seed = seed
        self.iterationCounts = iterationCounts
        self.roundSize = roundSize
        self.reductionFactor = reductionFactor
        self.trialLimit = trialLimit
    }

    /// One fit and its validation metrics.
    public struct Trial: Sendable {
        /// The trial's position in the search, from 0.
        public var index: Int
        /// The round that drew its settings, from 0.
        public var round: Int
        /// The settings.
        public var settings: Settings
        /// The sweeps it was fitted with.
        public var iterationCount: Int
        /// Metrics over the held-out interactions of warm users, when carved.
        public var warm: RankingMetrics?
        /// Metrics over the cold items, when carved.
        public var cold: RankingMetrics?
        /// The mean NDCG@K of the parts carved.
        public var score: Double
        /// Wall-clock seconds of the trial: encoding, fit, placement and evaluation.
        public var seconds: Double
        /// Why the fit failed (a matrix that was not positive definite under drawn
        /// settings, say), or `nil`; a failed trial scores 0 and has no metrics.
        public var failure: String?
    }

    /// What a search found.
    public struct Result: Sendable {
        /// Every trial, in the order run.
        public var trials: [Trial]
        /// The best trial fitted with the last iteration count.
        public var best: Trial
        /// The first trial: the starting settings with the last iteration count.
        public var start: Trial
        /// The sizes of the carved split.
        public var trainingCount: Int, validationCount: Int, coldItemCount: Int
        /// Wall-clock seconds of the whole search.
        public var seconds: Double
    }

    /// Checks the search's own parameters.
    ///
    /// - Throws: ``EvaluationError/invalidParameter(name:value:reason:)`` for the first one
    ///   out of range.
    public func validate() throws(EvaluationError) {
        func fraction(_ value: Double, _ name: String) throws(EvaluationError) {
            guard value > 0, value < 1 else {
                throw .invalidParameter(name: name, value: "\(value)", reason: "must lie strictly between 0 and 1")
            }
        }
        switch validation {
        case let .coldItems(value): try fraction(value, "cold-item fraction")
        case let .warmUsers(value): try fraction(value, "warm fraction")
        case let .both(cold, warm):
            try fraction(cold, "cold-item fraction")
            try fraction(warm, "warm fraction")
        }
        guard budget > .zero else { throw .invalidParameter(name: "budget", value: "\(budget)", reason: "must be positive") }
        guard cutoff >= 1 else { throw .invalidParameter(name: "cutoff", value: "\(cutoff)", reason: "must be at least 1") }
        guard !iterationCounts.isEmpty, iterationCounts.allSatisfy({ $0 >= 1 }), iterationCounts == iterationCounts.sorted()
        else {
            throw .invalidParameter(name: "iteration counts", value: "\(iterationCounts)",
                                    reason: "must be ascending and at least 1")
        }
        guard roundSize >= 1 else { throw .invalidParameter(name: "round size", value: "\(roundSize)", reason: "must be at least 1") }
        if let trialLimit, trialLimit < 1 {
            throw .invalidParameter(name: "trial limit", value: "\(trialLimit)", reason: "must be at least 1")
        }
        guard reductionFactor >= 2 else {
            throw .invalidParameter(name: "reduction factor", value: "\(reductionFactor)", reason: "must be at least 2")
        }
        try space.validate()
    }

    /// Runs the search.
    ///
    /// - Parameters:
    ///   - training: the training interactions; the validation split is carved from them.
    ///   - items: the item attribute table the pipeline reads (every row is encoded, cold
    ///     or not, as a fit of the joint model would).
    ///   - pipeline: the starting item pipeline; the search varies its block weights and
    ///     the representation of its numeric blocks.
    ///   - configuration: the starting joint-factorization configuration; the search
    ///     varies k, λ, α (implicit feedback) and λ_A, and sets the iteration count.
    ///   - encoders: the host's text encoders, by the names the pipeline uses.
    ///   - cache: a cache of encoded texts, so that a provided encoder embeds each text once.
    ///   - scalarType: the scalar of the fits.
    ///   - progress: called after every trial.
    /// - Returns: every trial and the best one. Cancelling the task stops the search
    ///   after the trial in progress; what ran is returned.
    /// - Throws: the errors of ``validate()``; ``EvaluationError/fusion(_:)`` and
    ///   ``EvaluationError/ranking(_:)`` from carving, fitting and evaluating; a host
    ///   encoder's own errors.
    public func run<Scalar: BLASScalar, UserID, ItemID>(
        training: Interactions<UserID, ItemID>, items: AttributeTable<ItemID>, pipeline: FeaturePipeline,
        configuration: JointFactorization.Configuration = .init(), encoders: [String: any TextEncoder] = [:],
        cache: EncodingCache<String>? = nil, as scalarType: Scalar.Type = Scalar.self,
        progress: (@Sendable (Trial) -> Void)? = nil
    ) async throws -> Result {
        try validate()
        let clock = ContinuousClock()
        let start = clock.now
        var generator = SplitMix64(seed: seed)
        let (train, test, coldItemCount) = try carve(training, using: &generator)
        let choices = try NumericChoices(pipeline: pipeline, items: items)
        let startSettings = Settings(configuration: configuration, pipeline: pipeline)
        // Factor counts the carved training data cannot identify are not drawn.
        var space = self.space
        let largest = min(train.userCount, train.itemCount)
        space.factorCounts = space.factorCounts.filter { $0 <= largest }
        if space.factorCounts.isEmpty { space.factorCounts = [min(configuration.factorCount, largest)] }

        var trials: [Trial] = []
        var secondsPerSweep: [Double] = []
        func evaluate(_ settings: Settings, round: Int, iterations: Int) async throws -> Trial? {
            if !trials.isEmpty {
                let sorted = secondsPerSweep.sorted()
                let estimate = sorted[sorted.count / 2] * Double(iterations)
                guard !Task.isCancelled, (clock.now - start) + .seconds(estimate) <= budget,
                      trials.count < trialLimit ?? .max
                else { return nil }
            }
            let trialStart = clock.now
            let fittedPipeline = try settings.applied(to: pipeline).fitted(on: items, encoders: encoders)
            let blocks = try await fittedPipeline.blocks(for: items, encoders: encoders, cache: cache, as: scalarType)
            var trialConfiguration = settings.applied(to: configuration)
            trialConfiguration.iterationCount = iterations
            var (warm, cold, failure): (RankingMetrics?, RankingMetrics?, String?) = (nil, nil, nil)
            do {
                let model = try JointFactorization(trialConfiguration).fit(train, itemBlocks: blocks, as: scalarType)
                let ranker = try model.ranker(training: train, additionalItems: items.ids, itemBlocks: blocks)
                let report: EvaluationReport<UserID>
                do { report = try ranker.evaluate(test: test, k: cutoff) } catch { throw EvaluationError.ranking(error) }
                warm = report.metrics.usersEvaluated > 0 ? report.metrics : nil
                cold = report.coldItems.flatMap { $0.usersEvaluated > 0 ? $0 : nil }
            } catch let error as FusionError where !trials.isEmpty {
                // Drawn settings may not fit (a matrix that is not positive definite);
                // the starting settings' errors are the caller's.
                failure = error.description
            } catch let error as FusionError {
                throw EvaluationError.fusion(error)
            }
            let parts = [warm, cold].compactMap { $0?.ndcg }
            let elapsed = clock.now - trialStart
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            secondsPerSweep.append(seconds / Double(iterations))
            let trial = Trial(
                index: trials.count, round: round, settings: settings, iterationCount: iterations, warm: warm, cold: cold,
                score: parts.isEmpty ? 0 : parts.reduce(0, +) / Double(parts.count), seconds: seconds, failure: failure)
            trials.append(trial)
            progress?(trial)
            return trial
        }

        let last = iterationCounts[iterationCounts.count - 1]
        guard let first = try await evaluate(startSettings, round: 0, iterations: last) else {
            preconditionFailure("the first trial always runs")
        }
        var round = 0
        search: while !Task.isCancelled {
            // After the first round, every other draw explores around the best settings so far.
            let incumbent = trials.filter { $0.iterationCount == last && $0.failure == nil }.max { $0.score < $1.score }
            var contenders: [Settings] = []
            for draw in 0..<roundSize {
                if round > 0, draw % 2 == 0, let incumbent {
                    contenders.append(space.perturbing(incumbent.settings, numeric: choices, using: &generator))
                } else {
                    contenders.append(space.sample(from: startSettings, numeric: choices, using: &generator))
                }
            }
            for (rung, iterations) in iterationCounts.enumerated() {
                var scored: [Trial] = []
                for settings in contenders {
                    guard let trial = try await evaluate(settings, round: round, iterations: iterations) else { break search }
                    scored.append(trial)
                }
                guard rung < iterationCounts.count - 1 else { break }
                let kept = max(1, scored.count / reductionFactor)
                contenders = scored.sorted { $0.score > $1.score }.prefix(kept).map(\.settings)
            }
            round += 1
        }
        let finished = trials.filter { $0.iterationCount == last }
        let best = finished.max { $0.score < $1.score } ?? first
        let elapsed = clock.now - start
        return Result(
            trials: trials, best: best, start: first, trainingCount: train.count, validationCount: test.count,
            coldItemCount: coldItemCount,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }

    /// The carved training and validation interactions and the number of cold items.
    private func carve<UserID, ItemID>(
        _ training: Interactions<UserID, ItemID>, using generator: inout SplitMix64
    ) throws(EvaluationError) -> (Interactions<UserID, ItemID>, Interactions<UserID, ItemID>, Int) {
        do {
            switch validation {
            case let .coldItems(fraction):
                let split = try Split.coldItems(of: training, fraction: fraction, using: &generator)
                return (try split.trainInteractions(), try split.testInteractions(), split.coldItems?.count ?? 0)
            case let .warmUsers(fraction):
                let split = try Split.randomHoldout(of: training, testFraction: fraction, using: &generator)
                return (try split.trainInteractions(), try split.testInteractions(), 0)
            case let .both(coldFraction, warmFraction):
                let cold = try Split.coldItems(of: training, fraction: coldFraction, using: &generator)
                let warm = try Split.randomHoldout(
                    of: try cold.trainInteractions(), testFraction: warmFraction, using: &generator)
                let test = Split(train: warm.train, test: warm.test + cold.test)
                return (try warm.trainInteractions(), try test.testInteractions(), cold.coldItems?.count ?? 0)
            }
        } catch let error as RankingError {
            throw .ranking(error)
        } catch let error as FactorizationError {
            throw .ranking(.data(error))
        } catch {
            preconditionFailure("carving throws RankingError or FactorizationError, got \(error)")
        }
    }
}
