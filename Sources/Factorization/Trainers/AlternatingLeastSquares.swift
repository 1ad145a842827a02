import LinearAlgebra

/// Alternating least squares for explicit feedback (ratings) with a global bias and
/// fitted user and item biases (Zhou et al. 2008; Koren, Bell and Volinsky 2009).
///
/// The fit minimises
///
///     Σ_{(u,i)∈Ω} (rᵤᵢ − μ − bᵤ − cᵢ − uᵤᵀvᵢ)² + λ(‖U‖² + ‖V‖²) + λ_b(‖b‖² + ‖c‖²)
///
/// Each half-step solves, for every user (then every item), the exact ridge regression
/// for the row's factors and bias jointly, and after each sweep μ is set to its exact
/// minimiser (the mean residual), so the objective never rises. With
/// ``Configuration/weightedRegularization`` each row's penalties are multiplied by its
/// number of interactions (ALS-WR, Zhou et al. 2008).
///
/// ```swift
/// let model = try AlternatingLeastSquares(.init(factorCount: 40, regularization: 10))
///     .fit(ratings, as: Float.self)
/// ```
///
/// The row update (factors and bias solved together) is `_explicitHalfStep` in
/// `Internals/_ExplicitHalfStep.swift`.
///
/// [Zhou 2008]: https://doi.org/10.1007/978-3-540-68880-8_32
/// [Koren 2009]: https://doi.org/10.1109/MC.2009.263
public struct AlternatingLeastSquares: MatrixFactorizationTrainer {
    /// The hyper-parameters of a fit.
    public struct Configuration: TrainerConfiguration {
        /// The number of latent factors k. Default 40.
        public var factorCount: Int
        /// λ on the factors, added to each row's normal equations (not scaled by the
        /// row's count unless ``weightedRegularization`` is set). Must be positive. Default 10.
        public var regularization: Double
        /// λ_b on the user and item biases; `nil` uses ``regularization``. Must be
        /// positive when given. Default `nil`.
        public var biasRegularization: Double?
        /// Multiply each row's penalties by its number of interactions (ALS-WR). Default `false`.
        public var weightedRegularization: Bool
        /// The number of sweeps (users, items, then μ). Default 10.
        public var iterationCount: Int
        /// The seed of the random initial item factors. Default 42.
        public var seed: UInt64
        /// Initial item factors are drawn from N(0, initialScale²). Default 0.1.
        public var initialScale: Double

        /// Creates a configuration; every parameter has the documented default.
        public init(
            factorCount: Int = 40, regularization: Double = 10, biasRegularization: Double? = nil,
            weightedRegularization: Bool = false, iterationCount: Int = 10, seed: UInt64 = 42,
            initialScale: Double = 0.1
        ) {
            self.factorCount = factorCount
            self.regularization = regularization
            self.biasRegularization = biasRegularization
            self.weightedRegularization = weightedRegularization
            self.iterationCount = iterationCount
            self.seed = seed
            self.initialScale = initialScale
        }

        /// Throws ``TrainingError/invalidConfiguration(parameter:value:reason:)`` for the
        /// first parameter out of range.
        public func validate() throws(TrainingError) {
            try _Check.atLeast("factorCount", factorCount, 1)
            try _Check.positiveFinite("regularization", regularization)
            if let biasRegularization { try _Check.positiveFinite("biasRegularization", biasRegularization) }
            try _Check.atLeast("iterationCount", iterationCount, 0)
            try _Check.positiveFinite("initialScale", initialScale)
        }
    }

    /// The hyper-parameters.
    public var configuration: Configuration

    /// Creates a trainer with the given configuration.
    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The fold-in rule of models this trainer produces.
    public var foldInRule: FoldInRule {
        .explicit(regularization: configuration.regularization,
                  biasRegularization: configuration.biasRegularization ?? configuration.regularization,
                  weighted: configuration.weightedRegularization)
    }

    /// Fits a model to the ratings in `interactions`.
    ///
    /// Users or items with no ratings get zero factors and a zero bias, so they are
    /// predicted μ plus the other side's bias.
    ///
    /// - Parameters:
    ///   - interactions: the training ratings.
    ///   - scalarType: the precision of the factors and of the arithmetic.
    ///   - progress: called after each iteration with the objective above (exact; it
    ///     costs O(|Ω|k), about a tenth of a sweep).
    /// - Returns: a model with global, user and item biases that predicts values.
    /// - Throws: ``TrainingError/invalidConfiguration(parameter:value:reason:)``,
    ///   ``TrainingError/noInteractions``, ``TrainingError/tooManyFactors(factors:users:items:)``,
    ///   ``TrainingError/nonFinite(iteration:quantity:)``, ``TrainingError/notPositiveDefinite(iteration:minor:)``,
    ///   and ``TrainingError/cancelled(completedIterations:)``.
    /// - Complexity: O(|Ω|k² + (m + n)k³) per iteration at worst; rows with fewer than
    ///   k/2 ratings cost O(n²k).
    public func fit<Scalar: BLASScalar, UserID, ItemID>(
        _ interactions: Interactions<UserID, ItemID>, as scalarType: Scalar.Type,
        progress: TrainingProgressHandler? = nil
    ) throws(TrainingError) -> MatrixFactorizationModel<Scalar, UserID, ItemID> {
        let result = try fitFactors(
            byUser: interactions.byUser, byItem: interactions.byItem, as: scalarType, progress: progress)
        return MatrixFactorizationModel(
            userIDs: interactions.userIDs, itemIDs: interactions.itemIDs,
            userFactors: result.users.droppingLastColumn(), itemFactors: result.items.droppingLastColumn(),
            globalBias: result.globalBias, userBiases: result.users.column(result.users.columnCount - 1),
            itemBiases: result.items.column(result.items.columnCount - 1), predictsValues: true,
            foldInRule: foldInRule)
    }

    /// Fits factors with the bias in the last column, and μ.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    func fitFactors<Scalar: BLASScalar>(
        byUser: SparseMatrix<Double>, byItem: SparseMatrix<Double>, as scalarType: Scalar.Type,
        progress: TrainingProgressHandler?
    ) throws(TrainingError) -> (users: Matrix<Scalar>, items: Matrix<Scalar>, globalBias: Scalar) {
        let configuration = self.configuration
        try configuration.validate()
        let start = try _ExplicitStart<Scalar>(
            byUser: byUser, byItem: byItem, factorCount: configuration.factorCount, seed: configuration.seed,
            initialScale: configuration.initialScale)
        var (users, items, globalBias) = (start.users, start.items, start.globalBias)
        let lambda = configuration.regularization
        let biasLambda = configuration.biasRegularization ?? lambda
        let weighted = configuration.weightedRegularization
        try _TrainingMonitor.run(iterationCount: configuration.iterationCount, progress: progress) {
            (iteration, wantsLoss) throws(TrainingError) in
            do throws(LinearAlgebraError) {
                try _explicitHalfStep(
                    start.userRows, fixed: items, solving: &users, globalBias: globalBias,
                    regularization: Scalar(lambda), biasRegularization: Scalar(biasLambda), weighted: weighted)
                try _explicitHalfStep(
                    start.itemRows, fixed: users, solving: &items, globalBias: globalBias,
                    regularization: Scalar(lambda), biasRegularization: Scalar(biasLambda), weighted: weighted)
            } catch {
                throw TrainingError(error, iteration: iteration)
            }
            try _Check.finite(users, items, iteration: iteration)
            func objective() -> (objective: Double, meanResidual: Double) {
                _explicitObjective(
                    start.userRows, columnCounts: start.itemCounts, users: users, items: items, globalBias: globalBias,
                    regularization: lambda, biasRegularization: biasLambda, weighted: weighted)
            }
            globalBias = Scalar(objective().meanResidual)
            guard globalBias.isFinite else { throw .nonFinite(iteration: iteration, quantity: "the global bias") }
            return wantsLoss ? _IterationReport(loss: objective().objective) : nil
        }
        return (users, items, globalBias)
    }
}
