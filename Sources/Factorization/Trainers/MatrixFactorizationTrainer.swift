import LinearAlgebra

/// A trainer that fits a ``MatrixFactorizationModel`` to interactions alone:
/// ``AlternatingLeastSquares``, ``ImplicitAlternatingLeastSquares``,
/// ``BiasedMatrixFactorization`` and ``BayesianPersonalizedRanking``.
///
/// Code that chooses the model at run time holds `any MatrixFactorizationTrainer` and fits
/// it once, instead of switching over the trainers:
///
/// ```swift
/// let trainer: any MatrixFactorizationTrainer = useRatings
///     ? AlternatingLeastSquares() : ImplicitAlternatingLeastSquares()
/// let model = try trainer.fit(train, as: Float.self, progress: nil)
/// ```
///
/// See ``Trainer`` for why the fit is a requirement of this refinement.
public protocol MatrixFactorizationTrainer: Trainer where Configuration.Failure == TrainingError {
    /// How models this trainer fits compute new rows (``MatrixFactorizationModel/foldInRule``).
    var foldInRule: FoldInRule { get }

    /// Fits a model to `interactions`.
    ///
    /// - Parameters:
    ///   - interactions: the training interactions.
    ///   - scalarType: the scalar of the model's factors and arithmetic, `Float` or `Double`.
    ///   - progress: called after each iteration; each trainer documents its loss.
    /// - Throws: ``TrainingError``: a bad configuration, data the model cannot learn
    ///   from, a fit that went NaN or diverged, or cancellation.
    func fit<Scalar: BLASScalar, UserID, ItemID>(
        _ interactions: Interactions<UserID, ItemID>, as scalarType: Scalar.Type,
        progress: TrainingProgressHandler?
    ) throws(TrainingError) -> MatrixFactorizationModel<Scalar, UserID, ItemID>
}
