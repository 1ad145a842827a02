import LinearAlgebra

/// Alternating least squares for implicit feedback (Hu, Koren and Volinsky 2008), with
/// an exact Cholesky solver and the conjugate-gradient solver of Takács, Pilászy and
/// Tikk (2011).
///
/// Every observed interaction (u, i) with value rᵤᵢ is a preference pᵤᵢ = 1 held with
/// confidence cᵤᵢ = 1 + α·rᵤᵢ; every unobserved pair is a preference 0 with confidence 1.
/// The fit minimises
///
///     Σ_{all u,i} cᵤᵢ (pᵤᵢ − uᵤᵀvᵢ)² + λ(‖U‖² + ‖V‖²)
///
/// by alternating exact (Cholesky) or approximate (conjugate gradient) row updates,
/// users first, without ever forming the dense users × items matrix. Rows are solved in
/// parallel on `Parallel.threadCount` threads; results do not depend on the thread count.
///
/// ```swift
/// let model = try ImplicitAlternatingLeastSquares(.init(factorCount: 64))
///     .fit(interactions, as: Float.self)
/// ```
///
/// The row updates (Cholesky with the Woodbury shortcut, and conjugate gradient) are
/// `_implicitHalfStep` in `Internals/_ImplicitHalfStep.swift`.
///
/// [Hu 2008]: https://doi.org/10.1109/ICDM.2008.22
/// [Takács 2011]: https://doi.org/10.1145/2043932.2043987
public struct ImplicitAlternatingLeastSquares: MatrixFactorizationTrainer {
    /// How each row's normal equations are solved; see ``ImplicitSolver``.
    public typealias Solver = ImplicitSolver

    /// How interaction values become the rᵤᵢ in the confidence; see ``ImplicitValues``.
    public typealias Values = ImplicitValues

    /// The hyper-parameters of a fit.
    public struct Configuration: TrainerConfiguration {
        /// The number of latent factors k. Default 64.
        public var factorCount: Int
        /// λ, added to each row's normal equations (not scaled by the row's count).
        /// Must be positive. Default 0.05.
        public var regularization: Double
        /// α in the confidence 1 + α·r. Must be non-negative. Default 40, the value
        /// Hu, Koren and Volinsky found best.
        public var alpha: Double
        /// How interaction values are read. Default ``ImplicitValues/raw``.
        public var values: Values
        /// The number of sweeps (a user half-step then an item half-step). Default 15.
        public var iterationCount: Int
        /// The row solver. Default conjugate gradient with 3 steps, as in the paper of
        /// Takács et al. and the `implicit` library.
        public var solver: Solver
        /// The seed of the random initial factors. Default 42.
        public var seed: UInt64
        /// Initial factors are drawn uniformly from [0, initialScale). Default 0.01.
        public var initialScale: Double

        /// Creates a configuration; every parameter has the documented default.
        public init(
            factorCount: Int = 64, regularization: Double = 0.05, alpha: Double = 40, values: Values = .raw,
            iterationCount: Int = 15, solver: Solver = .conjugateGradient(steps: 3), seed: UInt64 = 42,
            initialScale: Double = 0.01
        ) {
            self.factorCount = factorCount
            self.regularization = regularization
            self.alpha = alpha
            self.values = values
            self.iterationCount = iterationCount
            self.solver = solver
            self.seed = seed
            self.initialScale = initialScale
        }

        /// Throws ``TrainingError/invalidConfiguration(parameter:value:reason:)`` for the
        /// first parameter out of range.
        public func validate() throws(TrainingError) {
            try _Check.atLeast("factorCount", factorCount, 1)
            try _Check.positiveFinite("regularization", regularization)
            try _Check.nonNegativeFinite("alpha", alpha)
            try _Check.atLeast("iterationCount", iterationCount, 0)
            try solver.validate()
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
        .implicit(alpha: configuration.alpha, regularization: configuration.regularization,
                  binaryValues: configuration.values == .binary)
    }

    /// Fits a model to `interactions`.
    ///
    /// Users or items with no interactions get zero factors (the exact solution of their
    /// row), so they score 0 for everything.
    ///
    /// - Parameters:
    ///   - interactions: the training data.
    ///   - scalarType: the precision of the factors and of the arithmetic; `Float` is
    ///     about twice as fast.
    ///   - progress: called after each iteration with the objective above. The objective
    ///     costs O(|Ω|k + (m + n)k²) to evaluate, so it is computed only when a handler is given.
    /// - Returns: a model with no biases whose fold-in rule is this configuration's row update.
    /// - Throws: ``TrainingError/invalidConfiguration(parameter:value:reason:)``,
    ///   ``TrainingError/noInteractions``, ``TrainingError/tooManyFactors(factors:users:items:)``
    ///   when k exceeds the number of users or items, ``TrainingError/invalidValue(user:item:value:reason:)``
    ///   for a negative raw value, ``TrainingError/nonFinite(iteration:quantity:)`` when
    ///   factors or the loss become NaN or infinite, ``TrainingError/notPositiveDefinite(iteration:minor:)``,
    ///   and ``TrainingError/cancelled(completedIterations:)`` when the task is cancelled
    ///   (checked before every iteration).
    /// - Complexity: per iteration, see ``Solver``.
    public func fit<Scalar: BLASScalar, UserID, ItemID>(
        _ interactions: Interactions<UserID, ItemID>, as scalarType: Scalar.Type,
        progress: TrainingProgressHandler? = nil
    ) throws(TrainingError) -> MatrixFactorizationModel<Scalar, UserID, ItemID> {
        let (users, items) = try fitFactors(
            byUser: interactions.byUser, byItem: interactions.byItem, as: scalarType, progress: progress)
        return MatrixFactorizationModel(
            userIDs: interactions.userIDs, itemIDs: interactions.itemIDs, userFactors: users, itemFactors: items,
            predictsValues: false, foldInRule: foldInRule)
    }

    /// Fits user and item factors to a users × items matrix and its transpose.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    func fitFactors<Scalar: BLASScalar>(
        byUser: SparseMatrix<Double>, byItem: SparseMatrix<Double>, as scalarType: Scalar.Type,
        progress: TrainingProgressHandler?
    ) throws(TrainingError) -> (users: Matrix<Scalar>, items: Matrix<Scalar>) {
        let configuration = self.configuration
        try configuration.validate()
        let start = try _ImplicitStart<Scalar>(
            byUser: byUser, byItem: byItem, factorCount: configuration.factorCount, values: configuration.values,
            seed: configuration.seed, initialScale: configuration.initialScale)
        var (users, items) = (start.users, start.items)
        let alpha = Scalar(configuration.alpha), lambda = Scalar(configuration.regularization)
        let solver = configuration.solver
        try _TrainingMonitor.run(iterationCount: configuration.iterationCount, progress: progress) {
            (iteration, wantsLoss) throws(TrainingError) in
            var regularizedSolves = 0
            do throws(LinearAlgebraError) {
                regularizedSolves += try _implicitHalfStep(
                    start.userRows, fixed: items, solving: &users, alpha: alpha, regularization: lambda, solver: solver)
                regularizedSolves += try _implicitHalfStep(
                    start.itemRows, fixed: users, solving: &items, alpha: alpha, regularization: lambda, solver: solver)
            } catch {
                throw TrainingError(error, iteration: iteration)
            }
            try _Check.finite(users, items, iteration: iteration)
            guard wantsLoss else { return nil }
            let loss = _implicitObjective(start.userRows, users: users, items: items, alpha: alpha,
                                          regularization: configuration.regularization)
            return _IterationReport(loss: loss, regularizedSolves: regularizedSolves)
        }
        return (users, items)
    }
}
