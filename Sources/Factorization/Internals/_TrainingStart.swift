import LinearAlgebra

/// The checked data and seeded starting factors of an implicit-feedback alternation:
/// ``ImplicitAlternatingLeastSquares`` and the implicit joint fit of Fusion.
package struct _ImplicitStart<Scalar: BLASScalar> {
    /// The users' rows of the data, values as the confidence reads them.
    package let userRows: _CompressedRows<Scalar>
    /// The items' rows of the data.
    package let itemRows: _CompressedRows<Scalar>
    /// User factors, then item factors, drawn uniformly from [0, initialScale) by one
    /// generator seeded with `seed`.
    package let users: Matrix<Scalar>
    package let items: Matrix<Scalar>

    /// - Throws: ``TrainingError/noInteractions``, ``TrainingError/tooManyFactors(factors:users:items:)``,
    ///   and ``TrainingError/invalidValue(user:item:value:reason:)`` for a negative raw value.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    package init(
        byUser: SparseMatrix<Double>, byItem: SparseMatrix<Double>, factorCount k: Int, values: ImplicitValues,
        seed: UInt64, initialScale: Double
    ) throws(TrainingError) {
        try _Check.trainable(byUser, factors: k)
        if values == .raw { try _Check.nonNegativeValues(byUser) }
        userRows = _CompressedRows(byUser, binary: values == .binary)
        itemRows = _CompressedRows(byItem, binary: values == .binary)
        var generator = SplitMix64(seed: seed)
        users = _RandomFactors.uniform(
            rowCount: byUser.rowCount, columnCount: k, scale: initialScale, using: &generator)
        items = _RandomFactors.uniform(
            rowCount: byUser.columnCount, columnCount: k, scale: initialScale, using: &generator)
    }
}

/// The checked data and seeded starting point of an explicit-feedback alternation with
/// biases: ``AlternatingLeastSquares`` and the explicit joint fit of Fusion. Factors carry
/// the bias in a last column.
package struct _ExplicitStart<Scalar: BLASScalar> {
    package let userRows: _CompressedRows<Scalar>
    package let itemRows: _CompressedRows<Scalar>
    /// The number of ratings of every item (for the weighted penalties of the objective).
    package let itemCounts: [Int]
    /// μ: the mean rating.
    package let globalBias: Scalar
    /// `m × (k + 1)` zeros: the first half-step solves users from the items.
    package let users: Matrix<Scalar>
    /// `n × (k + 1)`: factors drawn from N(0, initialScale²) seeded with `seed`, biases 0.
    package let items: Matrix<Scalar>

    /// - Throws: ``TrainingError/noInteractions`` and ``TrainingError/tooManyFactors(factors:users:items:)``.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    package init(
        byUser: SparseMatrix<Double>, byItem: SparseMatrix<Double>, factorCount k: Int, seed: UInt64,
        initialScale: Double
    ) throws(TrainingError) {
        try _Check.trainable(byUser, factors: k)
        let (m, n) = (byUser.rowCount, byUser.columnCount)
        userRows = _CompressedRows(byUser)
        itemRows = _CompressedRows(byItem)
        itemCounts = (0..<n).map { byItem.nonZeroCount(inRow: $0) }
        var mean: Double = 0
        for value in byUser.values { mean += value }
        globalBias = Scalar(mean / Double(byUser.nonZeroCount))
        var generator = SplitMix64(seed: seed)
        users = Matrix(rowCount: m, columnCount: k + 1)
        var items: Matrix<Scalar> = _RandomFactors.normal(
            rowCount: n, columnCount: k + 1, standardDeviation: initialScale, using: &generator)
        items.withUnsafeMutableBufferPointer { p in
            for i in 0..<n { p[i * (k + 1) + k] = 0 }
        }
        self.items = items
    }
}

/// The checked data and seeded starting factors of a stochastic-gradient fit:
/// ``BayesianPersonalizedRanking`` and ``BiasedMatrixFactorization``.
struct _StochasticStart<Scalar: BLASScalar> {
    /// The interactions by user.
    let data: SparseMatrix<Double>
    /// The row (user) of every stored entry, in storage order.
    let rowOfEntry: [Int32]
    /// User factors, then item factors, drawn from N(0, initialScale²).
    let users: Matrix<Scalar>
    let items: Matrix<Scalar>
    /// The generator that drew them, to go on sampling with.
    var generator: SplitMix64

    /// Validates `configuration`, then checks and prepares `data` for it.
    ///
    /// - Throws: the configuration's ``TrainingError/invalidConfiguration(parameter:value:reason:)``,
    ///   then ``TrainingError/noInteractions`` and ``TrainingError/tooManyFactors(factors:users:items:)``.
    init(_ data: SparseMatrix<Double>, _ configuration: some _SeededConfiguration) throws(TrainingError) {
        try configuration.validate()
        let k = configuration.factorCount, scale = configuration.initialScale
        try _Check.trainable(data, factors: k)
        self.data = data
        generator = SplitMix64(seed: configuration.seed)
        users = _RandomFactors.normal(rowCount: data.rowCount, columnCount: k, standardDeviation: scale, using: &generator)
        items = _RandomFactors.normal(rowCount: data.columnCount, columnCount: k, standardDeviation: scale, using: &generator)
        rowOfEntry = (0..<data.rowCount).flatMap { u in Array(repeating: Int32(u), count: data.nonZeroCount(inRow: u)) }
    }
}

/// The hyper-parameters the starts of this module's trainers read.
protocol _SeededConfiguration: TrainerConfiguration where Failure == TrainingError {
    /// k.
    var factorCount: Int { get }
    /// The seed of the initial factors (and of any sampling).
    var seed: UInt64 { get }
    /// The scale of the initial factors.
    var initialScale: Double { get }
}
