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
/// Cholesky or conjugate-gradient solver of `ImplicitAlternatingLeastSquares`; results
/// do not depend on the thread count. With no blocks it is exactly implicit ALS.
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
public struct JointFactorization: Sendable {
    /// The kind of interaction data.
    public enum Feedback: String, Sendable, Hashable, CaseIterable {
        /// Implicit feedback (Hu, Koren and Volinsky 2008): every stored interaction is a
        /// preference held with confidence 1 + α·r, every other pair a preference 0.
        case implicit
        /// Explicit ratings with global, user and item biases (Koren 2009): the squared
        /// error over the stored ratings of μ + bᵤ + cᵢ + uᵤᵀvᵢ.
        case explicit
    }

    /// The hyper-parameters of a fit.
    public struct Configuration: Sendable, Hashable {
        /// Implicit or explicit interactions. Default ``Feedback/implicit``.
        public var feedback: Feedback
        /// λ_b on the user and item biases of an explicit fit; `nil` uses ``regularization``.
        public var biasRegularization: Double?
        /// The number of latent factors k. Default 64.
        public var factorCount: Int
        /// λ on the factors of a collective side (and of a side without blocks). Default 0.05.
        public var regularization: Double
        /// α in the confidence 1 + α·r. Default 40.
        public var alpha: Double
        /// How interaction values become r. Default `ImplicitAlternatingLeastSquares.Values.raw`.
        public var values: ImplicitAlternatingLeastSquares.Values
        /// The number of sweeps. Default 15.
        public var iterationCount: Int
        /// The row solver. Default conjugate gradient with 3 steps.
        public var solver: ImplicitAlternatingLeastSquares.Solver
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
        /// Initial factors are drawn uniformly from [0, initialScale). Default 0.01.
        public var initialScale: Double

        /// Creates a configuration; every parameter has the documented default.
        public init(
            feedback: Feedback = .implicit, biasRegularization: Double? = nil, factorCount: Int = 64, regularization: Double = 0.05, alpha: Double = 40,
            values: ImplicitAlternatingLeastSquares.Values = .raw, iterationCount: Int = 15,
            solver: ImplicitAlternatingLeastSquares.Solver = .conjugateGradient(steps: 3),
            userModel: SideInformationModel = .collective, itemModel: SideInformationModel = .offset,
            loadingRegularization: Double = 10, offsetRegularization: Double? = nil, seed: UInt64 = 42,
            initialScale: Double = 0.01
        ) {
            self.feedback = feedback
            self.biasRegularization = biasRegularization
            self.factorCount = factorCount
            self.regularization = regularization
            self.alpha = alpha
            self.values = values
            self.iterationCount = iterationCount
            self.solver = solver
            self.userModel = userModel
            self.itemModel = itemModel
            self.loadingRegularization = loadingRegularization
            self.offsetRegularization = offsetRegularization
            self.seed = seed
            self.initialScale = initialScale
        }

        /// The implicit-ALS configuration of the interaction part.
        var interactionConfiguration: ImplicitAlternatingLeastSquares.Configuration {
            .init(factorCount: factorCount, regularization: regularization, alpha: alpha, values: values,
                  iterationCount: iterationCount, solver: solver, seed: seed, initialScale: initialScale)
        }

        /// Throws ``FusionError/training(_:)`` wrapping
        /// `TrainingError.invalidConfiguration(parameter:value:reason:)` for the first
        /// parameter out of range.
        public func validate() throws(FusionError) {
            do {
                try interactionConfiguration.validate()
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
        let (m, n, k) = (interactions.userCount, interactions.itemCount, configuration.factorCount)
        guard interactions.count > 0 else { throw .training(.noInteractions) }
        guard k <= m && k <= n else { throw .training(.tooManyFactors(factors: k, users: m, items: n)) }
        if configuration.values == .raw && configuration.feedback == .implicit {
            for u in 0..<m {
                for index in interactions.byUser.entryRange(ofRow: u) where interactions.byUser.values[index] < 0 {
                    throw .training(.invalidValue(
                        user: u, item: Int(interactions.byUser.columnIndices[index]),
                        value: interactions.byUser.values[index], reason: "implicit-feedback values must not be negative"))
                }
            }
        }
        let lambda = Scalar(configuration.regularization)
        var userSide = try _SideTerms(
            userBlocks, ids: interactions.userIDs, factorCount: k, model: configuration.userModel,
            factorRegularization: lambda, loadingRegularization: Scalar(configuration.loadingRegularization),
            offsetRegularization: Scalar(configuration.offsetRegularization ?? configuration.regularization))
        var itemSide = try _SideTerms(
            itemBlocks, ids: interactions.itemIDs, factorCount: k, model: configuration.itemModel,
            factorRegularization: lambda, loadingRegularization: Scalar(configuration.loadingRegularization),
            offsetRegularization: Scalar(configuration.offsetRegularization ?? configuration.regularization))

        if configuration.feedback == .explicit {
            let fitted = try Self.alternateExplicit(
                byUser: interactions.byUser, byItem: interactions.byItem, userSide: &userSide, itemSide: &itemSide,
                configuration: configuration, progress: progress)
            return JointFactorizationModel(
                userIDs: interactions.userIDs, itemIDs: interactions.itemIDs, userFactors: fitted.users.droppingLastColumn(),
                itemFactors: fitted.items.droppingLastColumn(), globalBias: fitted.globalBias,
                userBiases: fitted.users.column(k), itemBiases: fitted.items.column(k),
                configuration: configuration, userSide: userSide.trained, itemSide: itemSide.trained)
        }
        let (users, items) = try Self.alternate(
            byUser: interactions.byUser, byItem: interactions.byItem, userSide: &userSide, itemSide: &itemSide,
            configuration: configuration, progress: progress)
        return JointFactorizationModel(
            userIDs: interactions.userIDs, itemIDs: interactions.itemIDs, userFactors: users, itemFactors: items,
            configuration: configuration, userSide: userSide.trained, itemSide: itemSide.trained)
    }

    /// The alternating updates, generic over the scalar only so that they are specialised
    /// for `Float` and `Double`.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    static func alternate<Scalar: BLASScalar>(
        byUser: SparseMatrix<Double>, byItem: SparseMatrix<Double>, userSide: inout _SideTerms<Scalar>,
        itemSide: inout _SideTerms<Scalar>, configuration: Configuration, progress: TrainingProgressHandler?
    ) throws(FusionError) -> (users: Matrix<Scalar>, items: Matrix<Scalar>) {
        let (m, n, k) = (byUser.rowCount, byUser.columnCount, configuration.factorCount)
        let binary = configuration.values == .binary
        let userRows = _CompressedRows<Scalar>(byUser, binary: binary)
        let itemRows = _CompressedRows<Scalar>(byItem, binary: binary)
        var generator = SplitMix64(seed: configuration.seed)
        var users: Matrix<Scalar> = _RandomFactors.uniform(
            rowCount: m, columnCount: k, scale: configuration.initialScale, using: &generator)
        var items: Matrix<Scalar> = _RandomFactors.uniform(
            rowCount: n, columnCount: k, scale: configuration.initialScale, using: &generator)
        let alpha = Scalar(configuration.alpha)
        let solver: _ImplicitSolverKind = switch configuration.solver {
        case .cholesky: .cholesky
        case .conjugateGradient(let steps): .conjugateGradient(steps: steps)
        }
        try userSide.updateLoadings(users)
        try itemSide.updateLoadings(items)
        var monitor = _TrainingMonitor(iterationCount: configuration.iterationCount, progress: progress)
        for iteration in 1...max(configuration.iterationCount, 1) where configuration.iterationCount > 0 {
            if Task.isCancelled { throw .training(.cancelled(completedIterations: iteration - 1)) }
            var regularizedSolves = 0
            do {
                let userExtra = userSide.extraTerms(current: users)
                regularizedSolves += try _implicitHalfStep(
                    userRows, fixed: items, solving: &users, alpha: alpha,
                    regularization: userSide.halfStepRegularization, solver: solver,
                    extraGram: userExtra.gram, extraRightHandSide: userExtra.rightHandSide)
                try userSide.updateLoadings(users)
                let itemExtra = itemSide.extraTerms(current: items)
                regularizedSolves += try _implicitHalfStep(
                    itemRows, fixed: users, solving: &items, alpha: alpha,
                    regularization: itemSide.halfStepRegularization, solver: solver,
                    extraGram: itemExtra.gram, extraRightHandSide: itemExtra.rightHandSide)
                try itemSide.updateLoadings(items)
            } catch {
                throw Self.sweepError(error, iteration: iteration)
            }
            try Self.checkFinite(users, items, userSide, itemSide, iteration: iteration)
            if monitor.wantsLoss {
                let interactionLoss = _implicitObjective(userRows, users: users, items: items, alpha: alpha,
                                                         regularization: 0)
                let terms = [LossTerm(name: "interactions", value: interactionLoss)]
                    + userSide.loss(users, side: "user") + itemSide.loss(items, side: "item")
                try Self.report(terms, iteration: iteration, regularizedSolves: regularizedSolves, to: &monitor)
            }
        }
        return (users, items)
    }

    /// The explicit alternation: factors with the bias in their last column (as
    /// ``AlternatingLeastSquares`` keeps them), the side terms acting on the factor columns,
    /// and μ refitted as the mean residual after every sweep.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    static func alternateExplicit<Scalar: BLASScalar>(
        byUser: SparseMatrix<Double>, byItem: SparseMatrix<Double>, userSide: inout _SideTerms<Scalar>,
        itemSide: inout _SideTerms<Scalar>, configuration: Configuration, progress: TrainingProgressHandler?
    ) throws(FusionError) -> (users: Matrix<Scalar>, items: Matrix<Scalar>, globalBias: Scalar) {
        let (m, n, k) = (byUser.rowCount, byUser.columnCount, configuration.factorCount)
        let userRows = _CompressedRows<Scalar>(byUser)
        let itemRows = _CompressedRows<Scalar>(byItem)
        let itemCounts = (0..<n).map { byItem.nonZeroCount(inRow: $0) }
        var globalBias = Scalar(byUser.values.reduce(0, +) / Double(byUser.nonZeroCount))
        var generator = SplitMix64(seed: configuration.seed)
        var users = Matrix<Scalar>(rowCount: m, columnCount: k + 1)
        var items: Matrix<Scalar> = _RandomFactors.normal(
            rowCount: n, columnCount: k + 1, standardDeviation: configuration.initialScale, using: &generator)
        items.withUnsafeMutableBufferPointer { p in
            for i in 0..<n { p[i * (k + 1) + k] = 0 }
        }
        let biasLambda = configuration.biasRegularization ?? configuration.regularization
        try userSide.updateLoadings(users.droppingLastColumn())
        try itemSide.updateLoadings(items.droppingLastColumn())
        var monitor = _TrainingMonitor(iterationCount: configuration.iterationCount, progress: progress)
        for iteration in 1...max(configuration.iterationCount, 1) where configuration.iterationCount > 0 {
            if Task.isCancelled { throw .training(.cancelled(completedIterations: iteration - 1)) }
            do {
                let userExtra = userSide.extraTerms(current: users.droppingLastColumn())
                try _explicitHalfStep(
                    userRows, fixed: items, solving: &users, globalBias: globalBias,
                    regularization: userSide.halfStepRegularization, biasRegularization: Scalar(biasLambda),
                    weighted: false, extraGram: userExtra.gram, extraRightHandSide: userExtra.rightHandSide)
                try userSide.updateLoadings(users.droppingLastColumn())
                let itemExtra = itemSide.extraTerms(current: items.droppingLastColumn())
                try _explicitHalfStep(
                    itemRows, fixed: users, solving: &items, globalBias: globalBias,
                    regularization: itemSide.halfStepRegularization, biasRegularization: Scalar(biasLambda),
                    weighted: false, extraGram: itemExtra.gram, extraRightHandSide: itemExtra.rightHandSide)
                try itemSide.updateLoadings(items.droppingLastColumn())
            } catch {
                throw Self.sweepError(error, iteration: iteration)
            }
            try Self.checkFinite(users, items, userSide, itemSide, iteration: iteration)
            let (_, meanResidual) = _explicitObjective(
                userRows, columnCounts: itemCounts, users: users, items: items, globalBias: globalBias,
                regularization: 0, biasRegularization: biasLambda, weighted: false)
            globalBias = Scalar(meanResidual)
            guard globalBias.isFinite else { throw .training(.nonFinite(iteration: iteration, quantity: "the global bias")) }
            if monitor.wantsLoss {
                let (ratings, _) = _explicitObjective(
                    userRows, columnCounts: itemCounts, users: users, items: items, globalBias: globalBias,
                    regularization: 0, biasRegularization: biasLambda, weighted: false)
                let terms = [LossTerm(name: "ratings and bias penalty", value: ratings)]
                    + userSide.loss(users.droppingLastColumn(), side: "user") + itemSide.loss(items.droppingLastColumn(), side: "item")
                try Self.report(terms, iteration: iteration, to: &monitor)
            }
        }
        return (users, items, globalBias)
    }

    /// The error a failed sweep reports: the row solve's numerical failure at `iteration`,
    /// or the Fusion error itself.
    private static func sweepError(_ error: any Error, iteration: Int) -> FusionError {
        switch error {
        case let error as FusionError: return error
        case LinearAlgebraError.notPositiveDefinite(let minor):
            return .training(.notPositiveDefinite(iteration: iteration, minor: minor))
        default: return .training(.nonFinite(iteration: iteration, quantity: "a row solve (\(error))"))
        }
    }

    /// Throws when factors (with or without a bias column) or loadings became NaN or infinite.
    private static func checkFinite<Scalar: BLASScalar>(
        _ users: Matrix<Scalar>, _ items: Matrix<Scalar>, _ userSide: _SideTerms<Scalar>, _ itemSide: _SideTerms<Scalar>,
        iteration: Int
    ) throws(FusionError) {
        guard users._isFinite() else { throw .training(.nonFinite(iteration: iteration, quantity: "the user factors")) }
        guard items._isFinite() else { throw .training(.nonFinite(iteration: iteration, quantity: "the item factors")) }
        for (side, terms) in [("user", userSide), ("item", itemSide)] {
            for loading in terms.loadings where !loading._isFinite() {
                throw .training(.nonFinite(iteration: iteration, quantity: "the \(side) loadings"))
            }
        }
    }

    /// Checks the objective for NaN and divergence and hands it, with its terms, to the
    /// progress handler.
    private static func report(
        _ terms: [LossTerm], iteration: Int, regularizedSolves: Int = 0, to monitor: inout _TrainingMonitor
    ) throws(FusionError) {
        do {
            try monitor.finish(iteration: iteration, loss: terms.reduce(0) { $0 + $1.value }, terms: terms,
                               regularizedSolves: regularizedSolves)
        } catch {
            throw .training(error)
        }
    }
}
