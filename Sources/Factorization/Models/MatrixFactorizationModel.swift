import LinearAlgebra

/// A trained latent-factor model: user and item factors, optional biases, and the rule
/// for folding in new users and items. Every trainer in this module returns one.
///
/// The model is an immutable value, safe to share across tasks. Scores follow
/// ``FactorModel``: uᵤᵀvᵢ + μ + bᵤ + cᵢ.
public struct MatrixFactorizationModel<Scalar: BLASScalar, UserID: Hashable & Sendable, ItemID: Hashable & Sendable>:
    FactorModel
{
    /// The users; index `u` is row `u` of ``userFactors``.
    public let userIDs: IDMap<UserID>
    /// The items; index `i` is row `i` of ``itemFactors``.
    public let itemIDs: IDMap<ItemID>
    /// The user factors, one row per user.
    public let userFactors: Matrix<Scalar>
    /// The item factors, one row per item.
    public let itemFactors: Matrix<Scalar>
    /// μ, the global bias (0 for implicit-feedback models).
    public let globalBias: Scalar
    /// bᵤ per user, for explicit models; `nil` otherwise.
    public let userBiases: [Scalar]?
    /// cᵢ per item, for explicit models and BPR; `nil` otherwise.
    public let itemBiases: [Scalar]?
    /// Whether scores estimate ratings (explicit ALS and SGD).
    public let predictsValues: Bool
    /// How ``userFactors(foldingIn:)`` and the other fold-in methods compute new rows.
    public let foldInRule: FoldInRule

    /// Creates a model from its parts.
    ///
    /// - Precondition: the factor matrices have one row per id and the same column
    ///   count, and the bias arrays (when present) one entry per id.
    public init(
        userIDs: IDMap<UserID>, itemIDs: IDMap<ItemID>, userFactors: Matrix<Scalar>, itemFactors: Matrix<Scalar>,
        globalBias: Scalar = 0, userBiases: [Scalar]? = nil, itemBiases: [Scalar]? = nil, predictsValues: Bool,
        foldInRule: FoldInRule
    ) {
        precondition(userFactors.rowCount == userIDs.count && itemFactors.rowCount == itemIDs.count,
                     "Factors \(userFactors.shape) and \(itemFactors.shape) for \(userIDs.count) users and \(itemIDs.count) items")
        precondition(userFactors.columnCount == itemFactors.columnCount,
                     "User factors have \(userFactors.columnCount) columns, item factors \(itemFactors.columnCount)")
        precondition(userBiases.map { $0.count == userIDs.count } ?? true, "One user bias per user is required")
        precondition(itemBiases.map { $0.count == itemIDs.count } ?? true, "One item bias per item is required")
        self.userIDs = userIDs
        self.itemIDs = itemIDs
        self.userFactors = userFactors
        self.itemFactors = itemFactors
        self.globalBias = globalBias
        self.userBiases = userBiases
        self.itemBiases = itemBiases
        self.predictsValues = predictsValues
        self.foldInRule = foldInRule
    }
}
