import LinearAlgebra

/// A trained latent-factor model: user and item factors, optional biases, and the rule
/// for folding in new users and items. Every trainer in this module returns one.
///
/// The model is an immutable value, safe to share across tasks. Scores follow
/// ``FactorModel``: uᵤᵀvᵢ + μ + bᵤ + cᵢ.
public struct MatrixFactorizationModel<Scalar: BLASScalar, UserID: Hashable & Sendable, ItemID: Hashable & Sendable>:
    FactorTablesModel
{
    /// The ids, factors and biases.
    public let tables: FactorTables<Scalar, UserID, ItemID>
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
        self.init(
            tables: FactorTables(userIDs: userIDs, itemIDs: itemIDs, userFactors: userFactors, itemFactors: itemFactors,
                                 globalBias: globalBias, userBiases: userBiases, itemBiases: itemBiases),
            predictsValues: predictsValues, foldInRule: foldInRule)
    }

    /// Creates a model from its tables.
    public init(tables: FactorTables<Scalar, UserID, ItemID>, predictsValues: Bool, foldInRule: FoldInRule) {
        self.tables = tables
        self.predictsValues = predictsValues
        self.foldInRule = foldInRule
    }
}
