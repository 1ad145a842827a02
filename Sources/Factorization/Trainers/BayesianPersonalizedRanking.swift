import LinearAlgebra

/// Bayesian personalised ranking for implicit feedback (Rendle et al. 2009), learned by
/// stochastic gradient ascent with uniform negative sampling.
///
/// Each step draws an observed pair (u, i) uniformly from Ω and an item j uniformly from
/// the items u has not interacted with (resampling until it is one; users who have
/// interacted with every item are skipped), and ascends ln σ(x̂ᵤᵢⱼ) − λ(‖uᵤ‖² + ‖vᵢ‖² + ‖vⱼ‖² + cᵢ² + cⱼ²)
/// with x̂ᵤᵢⱼ = uᵤᵀ(vᵢ − vⱼ) + cᵢ − cⱼ, where c are item biases. An epoch is |Ω|
/// steps. Sampling is seeded and sequential, so the result is the same for any thread count.
///
/// [Rendle 2009]: https://arxiv.org/abs/1205.2618
public struct BayesianPersonalizedRanking: MatrixFactorizationTrainer {
    /// The hyper-parameters of a fit.
    public struct Configuration: TrainerConfiguration, _SeededConfiguration {
        /// The number of latent factors k. Default 64.
        public var factorCount: Int
        /// The learning rate. Default 0.05.
        public var learningRate: Double
        /// λ on the factors and item biases of each step. Default 0.01.
        public var regularization: Double
        /// The number of epochs (|Ω| sampled triples each). Default 50.
        public var epochCount: Int
        /// The seed of the initial factors and of the sampling. Default 42.
        public var seed: UInt64
        /// Initial factors are drawn from N(0, initialScale²). Default 0.1.
        public var initialScale: Double

        /// Creates a configuration; every parameter has the documented default.
        public init(
            factorCount: Int = 64, learningRate: Double = 0.05, regularization: Double = 0.01, epochCount: Int = 50,
            seed: UInt64 = 42, initialScale: Double = 0.1
        ) {
            self.factorCount = factorCount
            self.learningRate = learningRate
            self.regularization = regularization
            self.epochCount = epochCount
            self.seed = seed
            self.initialScale = initialScale
        }

        /// Throws ``TrainingError/invalidConfiguration(parameter:value:reason:)`` for the
        /// first parameter out of range.
        public func validate() throws(TrainingError) {
            try _Check.atLeast("factorCount", factorCount, 1)
            try _Check.positiveFinite("learningRate", learningRate)
            try _Check.nonNegativeFinite("regularization", regularization)
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

    /// The fold-in rule of models this trainer produces: the implicit ALS row update with
    /// α = 1, binary values and λ = this configuration's regularisation (at least 10⁻⁶).
    public var foldInRule: FoldInRule {
        .implicit(alpha: 1, regularization: max(configuration.regularization, 1e-6), binaryValues: true)
    }

    /// Fits a model to `interactions` (values are ignored: every stored pair is a positive).
    ///
    /// - Parameters:
    ///   - interactions: the training interactions.
    ///   - scalarType: the scalar of the model's factors, `Float` or `Double`.
    ///   - progress: called after each epoch with a cheap proxy for the objective: the
    ///     mean of −ln σ(x̂ᵤᵢⱼ) over the epoch's sampled triples, each measured just
    ///     before its update.
    /// - Returns: a model with item biases; its fold-in rule is the implicit ALS row
    ///   update with α = 1, binary values and λ = this configuration's regularisation.
    /// - Throws: ``TrainingError/invalidConfiguration(parameter:value:reason:)``,
    ///   ``TrainingError/noInteractions``, ``TrainingError/tooManyFactors(factors:users:items:)``,
    ///   ``TrainingError/nonFinite(iteration:quantity:)``, ``TrainingError/diverged(iteration:loss:previousLoss:)``
    ///   and ``TrainingError/cancelled(completedIterations:)``.
    /// - Complexity: O(|Ω|k) per epoch, plus the rejected negative draws (few unless a
    ///   user has interacted with most of the catalogue).
    public func fit<Scalar: BLASScalar, UserID, ItemID>(
        _ interactions: Interactions<UserID, ItemID>, as scalarType: Scalar.Type,
        progress: TrainingProgressHandler? = nil
    ) throws(TrainingError) -> MatrixFactorizationModel<Scalar, UserID, ItemID> {
        let configuration = self.configuration
        var start = try _StochasticStart<Scalar>(interactions.byUser, configuration)
        var (users, items) = (start.users, start.items)
        var itemBiases = [Scalar](repeating: 0, count: interactions.itemCount)
        try _TrainingMonitor.run(iterationCount: configuration.epochCount, progress: progress) {
            (epoch, _) throws(TrainingError) in
            let loss = _bprEpoch(
                start.data, rowOfEntry: start.rowOfEntry, users: &users, items: &items, itemBiases: &itemBiases,
                rate: Scalar(configuration.learningRate), lambda: Scalar(configuration.regularization),
                generator: &start.generator)
            try _Check.finite(users, items, iteration: epoch)
            return _IterationReport(loss: loss)
        }
        return MatrixFactorizationModel(
            userIDs: interactions.userIDs, itemIDs: interactions.itemIDs, userFactors: users, itemFactors: items,
            itemBiases: itemBiases, predictsValues: false, foldInRule: foldInRule)
    }
}

/// Whether the ascending `columns[range]` holds `item`.
@inline(__always)
func _contains(_ columns: UnsafeBufferPointer<Int32>, _ range: Range<Int>, _ item: Int32) -> Bool {
    var low = range.lowerBound, high = range.upperBound
    while low < high {
        let mid = (low + high) >> 1
        if columns[mid] < item { low = mid + 1 } else { high = mid }
    }
    return low < range.upperBound && columns[low] == item
}

/// One BPR epoch of |Ω| sampled triples; returns the mean −ln σ(x̂) seen.
@_specialize(exported: false, where Scalar == Float)
@_specialize(exported: false, where Scalar == Double)
func _bprEpoch<Scalar: BLASScalar>(
    _ data: SparseMatrix<Double>, rowOfEntry: [Int32], users: inout Matrix<Scalar>, items: inout Matrix<Scalar>,
    itemBiases: inout [Scalar], rate: Scalar, lambda: Scalar, generator: inout SplitMix64
) -> Double {
    let k = users.columnCount, n = data.columnCount, count = data.nonZeroCount
    var loss: Double = 0, steps = 0
    let difference = UnsafeMutablePointer<Scalar>.allocate(capacity: k)
    defer { difference.deallocate() }
    data.columnIndices.withUnsafeBufferPointer { columns in
        users.withUnsafeMutableBufferPointer { up in
            items.withUnsafeMutableBufferPointer { vp in
                itemBiases.withUnsafeMutableBufferPointer { bias in
                    for _ in 0..<count {
                        let entry = Int(generator.next() % UInt64(count))
                        let u = Int(rowOfEntry[entry]), i = Int(columns[entry])
                        let range = data.rowOffsets[u]..<data.rowOffsets[u + 1]
                        if range.count >= n { continue }
                        var j = Int32(truncatingIfNeeded: generator.next() % UInt64(n))
                        while _contains(columns, range, j) { j = Int32(truncatingIfNeeded: generator.next() % UInt64(n)) }
                        let pu = up.baseAddress! + u * k
                        let qi = vp.baseAddress! + i * k, qj = vp.baseAddress! + Int(j) * k
                        for f in 0..<k { difference[f] = qi[f] - qj[f] }
                        let x = Double(_dot(pu, difference, k) + bias[i] - bias[Int(j)])
                        // −ln σ(x) = ln(1 + e^(−x)), computed without overflow for either sign.
                        loss += x > 0 ? _log1p(_exp(-x)) : -x + _log1p(_exp(x))
                        steps += 1
                        let g = Scalar(1 / (1 + _exp(x)))
                        bias[i] += rate * (g - lambda * bias[i])
                        bias[Int(j)] += rate * (-g - lambda * bias[Int(j)])
                        for f in 0..<k {
                            let (a, b, c) = (pu[f], qi[f], qj[f])
                            pu[f] = a + rate * (g * difference[f] - lambda * a)
                            qi[f] = b + rate * (g * a - lambda * b)
                            qj[f] = c + rate * (-g * a - lambda * c)
                        }
                    }
                }
            }
        }
    }
    return steps > 0 ? loss / Double(steps) : 0
}
