import Factorization
import LinearAlgebra

/// Shared-factor joint factorization of implicit or explicit interactions with any number
/// of side-information blocks on either side.
///
/// The fit minimises the implicit-ALS objective (Hu, Koren and Volinsky 2008) plus, for
/// each side, the terms of its ``SideInformationModel``:
///
///     Σ_{all u,i} cᵤᵢ(pᵤᵢ − uᵤᵀvᵢ)²
///       + collective side:  λ‖F‖² + Σⱼ wⱼ‖Mⱼ ⊙ (Xⱼ − F·Aⱼᵀ)‖² + λ_A Σⱼ‖Aⱼ‖²
///       + offset side:      λₒ‖F − Z·D‖² + λ_A‖D‖²
///
/// by alternating closed-form updates: user factors (the implicit-ALS row update with the
/// blocks' k×k terms computed once per half-step), user loadings, item factors, item
/// loadings. Rows are solved in parallel on `Parallel.threadCount` threads with the
/// Cholesky or conjugate-gradient `ImplicitSolver`; results do not depend on the thread
/// count. With no blocks it is exactly implicit ALS (or, for ``Feedback/explicit(_:)``,
/// explicit ALS), and it shares their setup and training loop.
///
/// ```swift
/// let model = try JointFactorization(.init(factorCount: 64))
///     .fit(interactions, itemBlocks: [titles, genres, decades], as: Float.self)
/// let coldFactors = try model.itemFactors(for: newMovieIDs, from: [titles, genres, decades])
/// ```
///
/// The interaction part of each row update is Factorization's implicit or explicit
/// half-step (`Internals/_ImplicitHalfStep.swift`, `Internals/_ExplicitHalfStep.swift`);
/// the side-information terms and loadings are in `_SideTerms.swift` and
/// `_FeatureDesign.swift`.
///
/// [Singh 2008]: https://doi.org/10.1145/1401890.1401969
/// [Agarwal 2009]: https://doi.org/10.1145/1557019.1557029
public struct JointFactorization: Trainer {
    /// The kind of interaction data, with the hyper-parameters that only it has.
    public enum Feedback: Sendable, Hashable {
        /// Implicit feedback (Hu, Koren and Volinsky 2008): every stored interaction is a
        /// preference held with confidence 1 + α·r, every other pair a preference 0.
        case implicit(ImplicitFeedback = ImplicitFeedback())
        /// Explicit ratings with global, user and item biases (Koren 2009): the squared
        /// error over the stored ratings of μ + bᵤ + cᵢ + uᵤᵀvᵢ.
        case explicit(ExplicitFeedback = ExplicitFeedback())
    }

    /// The hyper-parameters of implicit feedback, as in `ImplicitAlternatingLeastSquares`.
    public struct ImplicitFeedback: Sendable, Hashable {
        /// α in the confidence 1 + α·r. Must be non-negative. Default 5, chosen with the
        /// configuration's other defaults on the MovieLens inner and carved cold splits
        /// (`Benchmarks/Compare/choose-fusion-defaults.sh`, see `Docs/Fusion.md`).
        public var alpha: Double
        /// How interaction values become r. Default `ImplicitValues.raw`.
        public var values: ImplicitValues
        /// The row solver. Default conjugate gradient with 3 steps.
        public var solver: ImplicitSolver

        /// Creates the implicit-feedback settings; every parameter has the documented default.
        public init(alpha: Double = 5, values: ImplicitValues = .raw, solver: ImplicitSolver = .conjugateGradient(steps: 3)) {
            self.alpha = alpha
            self.values = values
            self.solver = solver
        }
    }

    /// The hyper-parameters of explicit feedback, as in `AlternatingLeastSquares`.
    public struct ExplicitFeedback: Sendable, Hashable {
        /// λ_b on the user and item biases; `nil` (the default) uses the configuration's
        /// ``Configuration/regularization``. Must be positive when given.
        public var biasRegularization: Double?

        /// Creates the explicit-feedback settings; every parameter has the documented default.
        public init(biasRegularization: Double? = nil) {
            self.biasRegularization = biasRegularization
        }
    }

    /// The hyper-parameters of a fit: the interaction part's (``feedback``) and the side
    /// information's.
    public struct Configuration: TrainerConfiguration {
        /// Implicit or explicit interactions, with their own settings. Default
        /// ``Feedback/implicit(_:)`` with ``ImplicitFeedback``'s defaults.
        public var feedback: Feedback
        /// The number of latent factors k. Default 128 for implicit feedback, 40 (explicit
        /// ALS's) for explicit.
        public var factorCount: Int
        /// λ on the factors of a collective side (and of a side without blocks), and λₒ of
        /// an offset side unless ``offsetRegularization`` is set. Default 50 for implicit
        /// feedback (with α = 5, binary or rating values: chosen on the MovieLens inner
        /// split for warm users and a carved cold split for cold items, see
        /// `Docs/Fusion.md`), 10 (explicit ALS's) for explicit.
        public var regularization: Double
        /// The number of sweeps. Default 15.
        public var iterationCount: Int
        /// How user blocks enter the user factors. Default ``SideInformationModel/collective``.
        public var userModel: SideInformationModel
        /// How item blocks enter the item factors. Default ``SideInformationModel/offset``,
        /// which measured best for cold-start items (see `Docs/Fusion.md`).
        public var itemModel: SideInformationModel
        /// λ_A on the loadings (collective) or the map D (offset). Default 10, chosen for
        /// the offset model on a cold split carved from the MovieLens training data
        /// (`Benchmarks/Compare/tune-fusion-cold.sh`, see `Docs/Fusion.md`).
        public var loadingRegularization: Double
        /// λₒ on the offsets of an offset side: how strongly factors are pulled towards
        /// what the side information predicts. `nil` (the default) uses λ, so that a side
        /// whose blocks carry no information fits as plain ALS does.
        public var offsetRegularization: Double?
        /// The seed of the random initial factors. Default 42.
        public var seed: UInt64
        /// Initial factors are drawn uniformly from [0, initialScale) for implicit
        /// feedback, from N(0, initialScale²) for explicit. Default 0.01.
        public var initialScale: Double

        /// Creates a configuration; every parameter has the documented default, and
        /// `factorCount` and `regularization` left `nil` take the default of `feedback`'s kind.
        public init(
            feedback: Feedback = .implicit(), factorCount: Int? = nil, regularization: Double? = nil,
            iterationCount: Int = 15, userModel: SideInformationModel = .collective,
            itemModel: SideInformationModel = .offset, loadingRegularization: Double = 10,
            offsetRegularization: Double? = nil, seed: UInt64 = 42, initialScale: Double = 0.01
        ) {
            self.feedback = feedback
            let isImplicit = if case .implicit = feedback { true } else { false }
            self.factorCount = factorCount ?? (isImplicit ? 128 : 40)
            self.regularization = regularization ?? (isImplicit ? 50 : 10)
            self.iterationCount = iterationCount
            self.userModel = userModel
            self.itemModel = itemModel
            self.loadingRegularization = loadingRegularization
            self.offsetRegularization = offsetRegularization
            self.seed = seed
            self.initialScale = initialScale
        }

        /// The implicit-feedback settings, or `nil` for explicit feedback.
        var implicitFeedback: ImplicitFeedback? {
            if case .implicit(let settings) = feedback { settings } else { nil }
        }

        /// λ_b of an explicit fit (its ``ExplicitFeedback/biasRegularization`` or λ), `nil`
        /// for implicit feedback.
        var biasRegularization: Double? {
            if case .explicit(let settings) = feedback { settings.biasRegularization ?? regularization } else { nil }
        }

        /// Throws ``FusionError/training(_:)`` wrapping
        /// `TrainingError.invalidConfiguration(parameter:value:reason:)` for the first
        /// parameter out of range.
        public func validate() throws(FusionError) {
            // The shared and implicit parameters are implicit ALS's, checked by its rules
            // (an explicit configuration has implicit ALS's valid defaults there).
            let implicit = implicitFeedback ?? ImplicitFeedback()
            let interaction = ImplicitAlternatingLeastSquares.Configuration(
                factorCount: factorCount, regularization: regularization, alpha: implicit.alpha,
                values: implicit.values, iterationCount: iterationCount, solver: implicit.solver, seed: seed,
                initialScale: initialScale)
            do {
                try interaction.validate()
            } catch {
                throw .training(error)
            }
            for (name, value) in [("loadingRegularization", loadingRegularization),
                                  ("offsetRegularization", offsetRegularization ?? regularization),
                                  ("biasRegularization", biasRegularization ?? regularization)]
            where !(value > 0) || !value.isFinite {
                throw .training(.invalidConfiguration(parameter: name, value: "\(value)",
                                                      reason: "must be positive and finite"))
            }
        }
    }

    /// The hyper-parameters.
    public var configuration: Configuration

    /// Creates a trainer with the given configuration.
    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Fits shared user and item factors to `interactions` and the side-information blocks.
    ///
    /// Blocks are matched to users and items by id; an entity a block does not cover, or
    /// marks absent, simply lacks that modality. Entities that blocks cover but the
    /// interactions do not are not part of the fit; place them afterwards with
    /// ``JointFactorizationModel/placingItems(_:from:foldingIn:)``.
    ///
    /// - Parameters:
    ///   - interactions: the training interactions (implicit or explicit, by ``Configuration/feedback``).
    ///   - userBlocks: side information about users.
    ///   - itemBlocks: side information about items.
    ///   - scalarType: the scalar of the model's factors, `Float` or `Double`.
    ///   - progress: called after each iteration with the objective and its terms
    ///     (interactions, each side's penalties and blocks); computing them costs about
    ///     one extra half-step, so only when a handler is given.
    /// - Throws: ``FusionError/duplicateBlockName(_:)``, ``FusionError/blockShape(block:reason:)``,
    ///   and ``FusionError/training(_:)`` with the errors of
    ///   `ImplicitAlternatingLeastSquares.fit(_:as:progress:)` (bad configuration, empty
    ///   data, too many factors, negative values, NaN at an iteration, cancellation).
    public func fit<Scalar: BLASScalar, UserID, ItemID>(
        _ interactions: Interactions<UserID, ItemID>,
        userBlocks: [SideInformationBlock<UserID, Scalar>] = [],
        itemBlocks: [SideInformationBlock<ItemID, Scalar>] = [],
        as scalarType: Scalar.Type = Scalar.self,
        progress: TrainingProgressHandler? = nil
    ) throws(FusionError) -> JointFactorizationModel<Scalar, UserID, ItemID> {
        let configuration = self.configuration
        try configuration.validate()
        let k = configuration.factorCount
        func sides() throws(FusionError) -> (users: _SideTerms<Scalar>, items: _SideTerms<Scalar>) {
            let lambda = Scalar(configuration.regularization)
            let loadingLambda = Scalar(configuration.loadingRegularization)
            let offsetLambda = Scalar(configuration.offsetRegularization ?? configuration.regularization)
            return (
                try _SideTerms(userBlocks, ids: interactions.userIDs, factorCount: k, model: configuration.userModel,
                               factorRegularization: lambda, loadingRegularization: loadingLambda,
                               offsetRegularization: offsetLambda),
                try _SideTerms(itemBlocks, ids: interactions.itemIDs, factorCount: k, model: configuration.itemModel,
                               factorRegularization: lambda, loadingRegularization: loadingLambda,
                               offsetRegularization: offsetLambda))
        }
        switch configuration.feedback {
        case .implicit(let feedback):
            let start: _ImplicitStart<Scalar>
            do {
                start = try _ImplicitStart(
                    byUser: interactions.byUser, byItem: interactions.byItem, factorCount: k, values: feedback.values,
                    seed: configuration.seed, initialScale: configuration.initialScale)
            } catch {
                throw .training(error)
            }
            var (userSide, itemSide) = try sides()
            let (users, items) = try Self.alternate(
                start, feedback: feedback, userSide: &userSide, itemSide: &itemSide,
                iterationCount: configuration.iterationCount, progress: progress)
            return JointFactorizationModel(
                userIDs: interactions.userIDs, itemIDs: interactions.itemIDs, userFactors: users, itemFactors: items,
                configuration: configuration, userSide: userSide.trained, itemSide: itemSide.trained)
        case .explicit:
            let start: _ExplicitStart<Scalar>
            do {
                start = try _ExplicitStart(
                    byUser: interactions.byUser, byItem: interactions.byItem, factorCount: k, seed: configuration.seed,
                    initialScale: configuration.initialScale)
            } catch {
                throw .training(error)
            }
            var (userSide, itemSide) = try sides()
            let fitted = try Self.alternateExplicit(
                start, biasRegularization: configuration.biasRegularization ?? configuration.regularization,
                userSide: &userSide, itemSide: &itemSide, iterationCount: configuration.iterationCount,
                progress: progress)
            return JointFactorizationModel(
                userIDs: interactions.userIDs, itemIDs: interactions.itemIDs, userFactors: fitted.users.droppingLastColumn(),
                itemFactors: fitted.items.droppingLastColumn(), globalBias: fitted.globalBias,
                userBiases: fitted.users.column(k), itemBiases: fitted.items.column(k),
                configuration: configuration, userSide: userSide.trained, itemSide: itemSide.trained)
        }
    }

    /// The implicit alternation: implicit ALS's half-steps with each side's block terms
    /// added, and each side's loadings refitted after its half-step. Generic over the
    /// scalar only, so that it is specialised for `Float` and `Double`.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    static func alternate<Scalar: BLASScalar>(
        _ start: _ImplicitStart<Scalar>, feedback: ImplicitFeedback, userSide: inout _SideTerms<Scalar>,
        itemSide: inout _SideTerms<Scalar>, iterationCount: Int, progress: TrainingProgressHandler?
    ) throws(FusionError) -> (users: Matrix<Scalar>, items: Matrix<Scalar>) {
        var (users, items) = (start.users, start.items)
        let alpha = Scalar(feedback.alpha)
        try userSide.updateLoadings(users)
        try itemSide.updateLoadings(items)
        try _TrainingMonitor.run(iterationCount: iterationCount, progress: progress, wrapping: FusionError.training) {
            (iteration, wantsLoss) throws(FusionError) in
            var regularizedSolves = 0
            do {
                let userExtra = userSide.extraTerms(current: users)
                regularizedSolves += try _implicitHalfStep(
                    start.userRows, fixed: items, solving: &users, alpha: alpha,
                    regularization: userSide.halfStepRegularization, solver: feedback.solver,
                    extraGram: userExtra.gram, extraRightHandSide: userExtra.rightHandSide)
                try userSide.updateLoadings(users)
                let itemExtra = itemSide.extraTerms(current: items)
                regularizedSolves += try _implicitHalfStep(
                    start.itemRows, fixed: users, solving: &items, alpha: alpha,
                    regularization: itemSide.halfStepRegularization, solver: feedback.solver,
                    extraGram: itemExtra.gram, extraRightHandSide: itemExtra.rightHandSide)
                try itemSide.updateLoadings(items)
            } catch {
                throw Self.sweepError(error, iteration: iteration)
            }
            try Self.checkFinite(users, items, userSide, itemSide, iteration: iteration)
            guard wantsLoss else { return nil }
            let interactionLoss = _implicitObjective(start.userRows, users: users, items: items, alpha: alpha,
                                                     regularization: 0)
            return _IterationReport(
                terms: [LossTerm(name: "interactions", value: interactionLoss)]
                    + userSide.loss(users, side: "user") + itemSide.loss(items, side: "item"),
                regularizedSolves: regularizedSolves)
        }
        return (users, items)
    }

    /// The explicit alternation: factors with the bias in their last column (as
    /// ``AlternatingLeastSquares`` keeps them), the side terms acting on the factor columns,
    /// and μ refitted as the mean residual after every sweep.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    static func alternateExplicit<Scalar: BLASScalar>(
        _ start: _ExplicitStart<Scalar>, biasRegularization biasLambda: Double, userSide: inout _SideTerms<Scalar>,
        itemSide: inout _SideTerms<Scalar>, iterationCount: Int, progress: TrainingProgressHandler?
    ) throws(FusionError) -> (users: Matrix<Scalar>, items: Matrix<Scalar>, globalBias: Scalar) {
        var (users, items, globalBias) = (start.users, start.items, start.globalBias)
        try userSide.updateLoadings(users.droppingLastColumn())
        try itemSide.updateLoadings(items.droppingLastColumn())
        try _TrainingMonitor.run(iterationCount: iterationCount, progress: progress, wrapping: FusionError.training) {
            (iteration, wantsLoss) throws(FusionError) in
            do {
                let userExtra = userSide.extraTerms(current: users.droppingLastColumn())
                try _explicitHalfStep(
                    start.userRows, fixed: items, solving: &users, globalBias: globalBias,
                    regularization: userSide.halfStepRegularization, biasRegularization: Scalar(biasLambda),
                    weighted: false, extraGram: userExtra.gram, extraRightHandSide: userExtra.rightHandSide)
                try userSide.updateLoadings(users.droppingLastColumn())
                let itemExtra = itemSide.extraTerms(current: items.droppingLastColumn())
                try _explicitHalfStep(
                    start.itemRows, fixed: users, solving: &items, globalBias: globalBias,
                    regularization: itemSide.halfStepRegularization, biasRegularization: Scalar(biasLambda),
                    weighted: false, extraGram: itemExtra.gram, extraRightHandSide: itemExtra.rightHandSide)
                try itemSide.updateLoadings(items.droppingLastColumn())
            } catch {
                throw Self.sweepError(error, iteration: iteration)
            }
            try Self.checkFinite(users, items, userSide, itemSide, iteration: iteration)
            func objective() -> (objective: Double, meanResidual: Double) {
                _explicitObjective(
                    start.userRows, columnCounts: start.itemCounts, users: users, items: items, globalBias: globalBias,
                    regularization: 0, biasRegularization: biasLambda, weighted: false)
            }
            globalBias = Scalar(objective().meanResidual)
            guard globalBias.isFinite else { throw .training(.nonFinite(iteration: iteration, quantity: "the global bias")) }
            guard wantsLoss else { return nil }
            return _IterationReport(
                terms: [LossTerm(name: "ratings and bias penalty", value: objective().objective)]
                    + userSide.loss(users.droppingLastColumn(), side: "user")
                    + itemSide.loss(items.droppingLastColumn(), side: "item"))
        }
        return (users, items, globalBias)
    }

    /// The error a failed sweep reports: the row solve's numerical failure at `iteration`,
    /// or the Fusion error itself.
    private static func sweepError(_ error: any Error, iteration: Int) -> FusionError {
        switch error {
        case let error as FusionError: return error
        case let error as LinearAlgebraError: return .training(TrainingError(error, iteration: iteration))
        default: return .training(.nonFinite(iteration: iteration, quantity: "a row solve (\(error))"))
        }
    }

    /// Throws when factors (with or without a bias column) or loadings became NaN or infinite.
    private static func checkFinite<Scalar: BLASScalar>(
        _ users: Matrix<Scalar>, _ items: Matrix<Scalar>, _ userSide: _SideTerms<Scalar>, _ itemSide: _SideTerms<Scalar>,
        iteration: Int
    ) throws(FusionError) {
        do {
            try _Check.finite(users, items, iteration: iteration)
        } catch {
            throw .training(error)
        }
        for (side, terms) in [("user", userSide), ("item", itemSide)] {
            for loading in terms.loadings where !loading._isFinite() {
                throw .training(.nonFinite(iteration: iteration, quantity: "the \(side) loadings"))
            }
        }
    }
}
