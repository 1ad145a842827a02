import LinearAlgebra

/// Biased matrix factorisation of explicit ratings by stochastic gradient descent
/// (Funk 2006; Koren, Bell and Volinsky 2009).
///
/// Minimises Σ_Ω (rᵤᵢ − μ − bᵤ − cᵢ − uᵤᵀvᵢ)² + λ(‖uᵤ‖² + ‖vᵢ‖²) + λ_b(bᵤ² + cᵢ²) (the
/// penalty counted once per rating, as SGD sees it) by visiting the ratings in a seeded
/// random order each epoch and stepping every parameter of the rating:
///
///     e = r − r̂,  bᵤ += γ(e − λ_b bᵤ),  cᵢ += γ(e − λ_b cᵢ),
///     uᵤ += γ(e vᵢ − λ uᵤ),  vᵢ += γ(e uᵤ − λ vᵢ)
///
/// with the learning rate γ multiplied by ``Configuration/learningRateDecay`` after each
/// epoch. μ is the mean rating. The updates are sequential, so the result is the same
/// for any thread count.
///
/// [Koren 2009]: https://doi.org/10.1109/MC.2009.263
public struct BiasedMatrixFactorization: MatrixFactorizationTrainer {
    /// The hyper-parameters of a fit.
    public struct Configuration: TrainerConfiguration, _SeededConfiguration {
        /// The number of latent factors k. Default 40.
        public var factorCount: Int
        /// The initial learning rate γ. Default 0.01.
        public var learningRate: Double
        /// The factor γ is multiplied by after each epoch, in (0, 1]. Default 0.95.
        public var learningRateDecay: Double
        /// λ on the factors. Default 0.05.
        public var regularization: Double
        /// λ_b on the biases. Default 0.01.
        public var biasRegularization: Double
        /// The number of passes over the ratings. Default 30.
        public var epochCount: Int
        /// The seed of the initial factors and of the shuffles. Default 42.
        public var seed: UInt64
        /// Initial factors are drawn from N(0, initialScale²). Default 0.1.
        public var initialScale: Double

        /// Creates a configuration; every parameter has the documented default.
        public init(
            factorCount: Int = 40, learningRate: Double = 0.01, learningRateDecay: Double = 0.95,
            regularization: Double = 0.05, biasRegularization: Double = 0.01, epochCount: Int = 30, seed: UInt64 = 42,
            initialScale: Double = 0.1
        ) {
            self.factorCount = factorCount
            self.learningRate = learningRate
            self.learningRateDecay = learningRateDecay
            self.regularization = regularization
            self.biasRegularization = biasRegularization
            self.epochCount = epochCount
            self.seed = seed
            self.initialScale = initialScale
        }

        /// Throws ``TrainingError/invalidConfiguration(parameter:value:reason:)`` for the
        /// first parameter out of range.
        public func validate() throws(TrainingError) {
            try _Check.atLeast("factorCount", factorCount, 1)
            try _Check.positiveFinite("learningRate", learningRate)
            if !(learningRateDecay > 0 && learningRateDecay <= 1) {
                throw .invalidConfiguration(parameter: "learningRateDecay", value: "\(learningRateDecay)",
                                            reason: "must be in (0, 1]")
            }
            try _Check.nonNegativeFinite("regularization", regularization)
            try _Check.nonNegativeFinite("biasRegularization", biasRegularization)
            try _Check.atLeast("epochCount", epochCount, 0)
            try _Check.positiveFinite("initialScale", initialScale)
        }
    }

    /// The hyper-parameters.
    public var configuration: Configuration

    /// Creates a trainer with the given configuration.
    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The fold-in rule of models this trainer produces: the explicit ALS row update with
    /// this configuration's λ and λ_b.
    public var foldInRule: FoldInRule {
        .explicit(regularization: configuration.regularization, biasRegularization: configuration.biasRegularization,
                  weighted: false)
    }

    /// Fits a model to the ratings in `interactions`.
    ///
    /// - Parameters:
    ///   - interactions: the training ratings.
    ///   - scalarType: the scalar of the model's factors, `Float` or `Double`.
    ///   - progress: called after each epoch with a cheap proxy for the objective: the
    ///     squared errors of the epoch, each measured just before its rating's update,
    ///     plus the penalty of the parameters at the end of the epoch.
    /// - Returns: a model with biases that predicts values; its fold-in rule is the
    ///   explicit ALS row update with this configuration's λ and λ_b.
    /// - Throws: ``TrainingError/invalidConfiguration(parameter:value:reason:)``,
    ///   ``TrainingError/noInteractions``, ``TrainingError/tooManyFactors(factors:users:items:)``,
    ///   ``TrainingError/nonFinite(iteration:quantity:)`` and
    ///   ``TrainingError/diverged(iteration:loss:previousLoss:)`` (a proxy above 10 times
    ///   the first epoch's: lower the learning rate), and ``TrainingError/cancelled(completedIterations:)``.
    /// - Complexity: O(|Ω|k) per epoch.
    public func fit<Scalar: BLASScalar, UserID, ItemID>(
        _ interactions: Interactions<UserID, ItemID>, as scalarType: Scalar.Type,
        progress: TrainingProgressHandler? = nil
    ) throws(TrainingError) -> MatrixFactorizationModel<Scalar, UserID, ItemID> {
        let configuration = self.configuration
        var start = try _StochasticStart<Scalar>(interactions.byUser, configuration)
        let data = start.data
        var (users, items) = (start.users, start.items)
        var userBiases = [Scalar](repeating: 0, count: data.rowCount)
        var itemBiases = [Scalar](repeating: 0, count: data.columnCount)
        var mean: Double = 0
        for value in data.values { mean += value }
        let globalBias = Scalar(mean / Double(data.nonZeroCount))
        let values = data.values.map { Scalar($0) }
        var order = Array(0..<data.nonZeroCount)
        var rate = Scalar(configuration.learningRate)
        let lambda = Scalar(configuration.regularization), biasLambda = Scalar(configuration.biasRegularization)
        try _TrainingMonitor.run(iterationCount: configuration.epochCount, progress: progress) {
            (epoch, _) throws(TrainingError) in
            order.shuffle(using: &start.generator)
            let squares = _biasedSGDEpoch(
                order: order, rows: start.rowOfEntry, columns: data.columnIndices, values: values, users: &users,
                items: &items, userBiases: &userBiases, itemBiases: &itemBiases, globalBias: globalBias, rate: rate,
                lambda: lambda, biasLambda: biasLambda)
            try _Check.finite(users, items, iteration: epoch)
            var penalty = Double(lambda) * Double(users.dot(users) + items.dot(items))
            for b in userBiases { penalty += Double(biasLambda * b * b) }
            for c in itemBiases { penalty += Double(biasLambda * c * c) }
            rate *= Scalar(configuration.learningRateDecay)
            return _IterationReport(loss: squares + penalty)
        }
        return MatrixFactorizationModel(
            userIDs: interactions.userIDs, itemIDs: interactions.itemIDs, userFactors: users, itemFactors: items,
            globalBias: globalBias, userBiases: userBiases, itemBiases: itemBiases, predictsValues: true,
            foldInRule: foldInRule)
    }
}

/// One SGD epoch over the ratings in `order`; returns the sum of the squared errors seen.
@_specialize(exported: false, where Scalar == Float)
@_specialize(exported: false, where Scalar == Double)
func _biasedSGDEpoch<Scalar: BLASScalar>(
    order: [Int], rows: [Int32], columns: [Int32], values: [Scalar], users: inout Matrix<Scalar>,
    items: inout Matrix<Scalar>, userBiases: inout [Scalar], itemBiases: inout [Scalar], globalBias: Scalar,
    rate: Scalar, lambda: Scalar, biasLambda: Scalar
) -> Double {
    let k = users.columnCount
    var squares: Double = 0
    users.withUnsafeMutableBufferPointer { up in
        items.withUnsafeMutableBufferPointer { vp in
            userBiases.withUnsafeMutableBufferPointer { bu in
                itemBiases.withUnsafeMutableBufferPointer { bi in
                    for entry in order {
                        let u = Int(rows[entry]), i = Int(columns[entry])
                        let pu = up.baseAddress! + u * k, qi = vp.baseAddress! + i * k
                        let error = values[entry] - (globalBias + bu[u] + bi[i] + _dot(pu, qi, k))
                        squares += Double(error * error)
                        bu[u] += rate * (error - biasLambda * bu[u])
                        bi[i] += rate * (error - biasLambda * bi[i])
                        for f in 0..<k {
                            let (a, b) = (pu[f], qi[f])
                            pu[f] = a + rate * (error * b - lambda * a)
                            qi[f] = b + rate * (error * a - lambda * b)
                        }
                    }
                }
            }
        }
    }
    return squares
}
