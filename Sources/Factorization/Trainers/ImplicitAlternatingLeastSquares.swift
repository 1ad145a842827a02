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
public struct ImplicitAlternatingLeastSquares: Sendable {
    /// How each row's normal equations are solved.
    public enum Solver: Sendable, Hashable {
        /// Exact solves: the row matrix is factored by Cholesky, or, for rows with at most
        /// k/4 interactions, solved through the Woodbury identity with (VᵀV + λI)⁻¹
        /// computed once per half-step. O(|Ω|k² + (m + n)k³) per iteration at worst.
        case cholesky
        /// `steps` conjugate-gradient iterations per row, warm-started from the row's
        /// previous factors and never forming the row matrix. O((|Ω|k + (m + n)k²)·steps)
        /// per iteration. Each step lowers the row's objective, so the loss still never rises.
        case conjugateGradient(steps: Int)
    }

    /// How interaction values become the rᵤᵢ in the confidence 1 + α·rᵤᵢ.
    public enum Values: String, Sendable, Hashable, CaseIterable {
        /// rᵤᵢ = 1 for every stored interaction (the value is ignored).
        case binary
        /// rᵤᵢ is the stored value (a count, a rating, a weight); it must not be negative.
        case raw
    }

    /// The hyper-parameters of a fit.
    public struct Configuration: Sendable, Hashable {
        /// The number of latent factors k. Default 64.
        public var factorCount: Int
        /// λ, added to each row's normal equations (not scaled by the row's count).
        /// Must be positive. Default 0.05.
        public var regularization: Double
        /// α in the confidence 1 + α·r. Must be non-negative. Default 40, the value
        /// Hu, Koren and Volinsky found best.
        public var alpha: Double
        /// How interaction values are read. Default ``Values/raw``.
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
            if case .conjugateGradient(let steps) = solver, steps < 1 {
                throw .invalidConfiguration(parameter: "solver", value: "conjugateGradient(steps: \(steps))",
                                            reason: "needs at least 1 step")
            }
            try _Check.positiveFinite("initialScale", initialScale)
        }
    }

    /// The hyper-parameters.
    public var configuration: Configuration

    /// Creates a trainer with the given configuration.
    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
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

    /// The fold-in rule of models this trainer produces.
    public var foldInRule: FoldInRule {
        .implicit(alpha: configuration.alpha, regularization: configuration.regularization,
                  binaryValues: configuration.values == .binary)
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
        let (m, n, k) = (byUser.rowCount, byUser.columnCount, configuration.factorCount)
        try _Check.trainable(byUser, factors: k)
        if configuration.values == .raw {
            for u in 0..<m {
                for index in byUser.entryRange(ofRow: u) where byUser.values[index] < 0 {
                    throw .invalidValue(user: u, item: Int(byUser.columnIndices[index]), value: byUser.values[index],
                                        reason: "implicit-feedback values must not be negative")
                }
            }
        }
        let binary = configuration.values == .binary
        let userRows = _CompressedRows<Scalar>(byUser, binary: binary)
        let itemRows = _CompressedRows<Scalar>(byItem, binary: binary)
        var generator = SplitMix64(seed: configuration.seed)
        var users: Matrix<Scalar> = _RandomFactors.uniform(
            rowCount: m, columnCount: k, scale: configuration.initialScale, using: &generator)
        var items: Matrix<Scalar> = _RandomFactors.uniform(
            rowCount: n, columnCount: k, scale: configuration.initialScale, using: &generator)
        let alpha = Scalar(configuration.alpha), lambda = Scalar(configuration.regularization)
        let solver: _ImplicitSolverKind = switch configuration.solver {
        case .cholesky: .cholesky
        case .conjugateGradient(let steps): .conjugateGradient(steps: steps)
        }
        var monitor = _TrainingMonitor(iterationCount: configuration.iterationCount, progress: progress)
        for iteration in 1...max(configuration.iterationCount, 1) where configuration.iterationCount > 0 {
            try monitor.checkCancellation(completedIterations: iteration - 1)
            var regularizedSolves = 0
            do {
                regularizedSolves += try _implicitHalfStep(
                    userRows, fixed: items, solving: &users, alpha: alpha, regularization: lambda, solver: solver)
                regularizedSolves += try _implicitHalfStep(
                    itemRows, fixed: users, solving: &items, alpha: alpha, regularization: lambda, solver: solver)
            } catch {
                if case .notPositiveDefinite(let minor) = error {
                    throw .notPositiveDefinite(iteration: iteration, minor: minor)
                }
                throw .nonFinite(iteration: iteration, quantity: "a row solve (\(error))")
            }
            guard users._isFinite() else { throw .nonFinite(iteration: iteration, quantity: "the user factors") }
            guard items._isFinite() else { throw .nonFinite(iteration: iteration, quantity: "the item factors") }
            if monitor.wantsLoss {
                let loss = _implicitObjective(userRows, users: users, items: items, alpha: alpha,
                                              regularization: configuration.regularization)
                try monitor.finish(iteration: iteration, loss: loss, regularizedSolves: regularizedSolves)
            }
        }
        return (users, items)
    }
}
