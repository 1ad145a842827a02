import LinearAlgebra

/// A trained model that scores a (user, item) pair from latent factors and biases:
///
///     score(u, i) = uᵤᵀvᵢ + μ + bᵤ + cᵢ
///
/// where uᵤ is row `u` of ``userFactors``, vᵢ row `i` of ``itemFactors``, μ the
/// ``globalBias``, and bᵤ, cᵢ the entries of ``userBiases`` and ``itemBiases`` when the
/// model has them. Every trained model of FusionRec conforms, so ranking, similar items
/// and evaluation work with any of them.
///
/// Conforming types are immutable values, safe to share across tasks.
public protocol FactorModel: Sendable {
    /// The scalar type of the factors.
    associatedtype Scalar: BLASScalar
    /// The external user id type.
    associatedtype UserID: Hashable & Sendable
    /// The external item id type.
    associatedtype ItemID: Hashable & Sendable

    /// The users the model knows; index `u` is row `u` of ``userFactors``.
    var userIDs: IDMap<UserID> { get }
    /// The items the model knows; index `i` is row `i` of ``itemFactors``.
    var itemIDs: IDMap<ItemID> { get }
    /// The user factors, `userIDs.count × k`.
    var userFactors: Matrix<Scalar> { get }
    /// The item factors, `itemIDs.count × k`.
    var itemFactors: Matrix<Scalar> { get }
    /// The global bias μ; 0 for models without one.
    var globalBias: Scalar { get }
    /// The user biases bᵤ (one per user), or `nil` for models without them.
    var userBiases: [Scalar]? { get }
    /// The item biases cᵢ (one per item), or `nil` for models without them.
    var itemBiases: [Scalar]? { get }
    /// Whether scores estimate the interaction values themselves (explicit ratings), so
    /// that RMSE and MAE are meaningful; `false` for implicit-feedback and popularity models.
    var predictsValues: Bool { get }
}

extension FactorModel {
    /// No global bias.
    public var globalBias: Scalar { 0 }
    /// No user biases.
    public var userBiases: [Scalar]? { nil }
    /// No item biases.
    public var itemBiases: [Scalar]? { nil }
    /// Scores are not value estimates.
    public var predictsValues: Bool { false }

    /// The number of latent factors k.
    public var factorCount: Int { itemFactors.columnCount }
}
