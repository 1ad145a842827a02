import LinearAlgebra

/// What every trained factor model stores: the id maps, the user and item factors and the
/// biases. ``MatrixFactorizationModel`` and Fusion's joint model hold one each and get
/// their ``FactorModel`` members from it (``FactorTablesModel``), so the storage, its
/// checks and its model-file sections are written once.
public struct FactorTables<Scalar: BLASScalar, UserID: Hashable & Sendable, ItemID: Hashable & Sendable>: Sendable {
    /// The users; index `u` is row `u` of ``userFactors``.
    public let userIDs: IDMap<UserID>
    /// The items; index `i` is row `i` of ``itemFactors``.
    public let itemIDs: IDMap<ItemID>
    /// The user factors, one row per user.
    public let userFactors: Matrix<Scalar>
    /// The item factors, one row per item.
    public let itemFactors: Matrix<Scalar>
    /// μ, the global bias (0 for models without one).
    public let globalBias: Scalar
    /// bᵤ per user, or `nil`.
    public let userBiases: [Scalar]?
    /// cᵢ per item, or `nil`.
    public let itemBiases: [Scalar]?

    /// Tables from their parts.
    ///
    /// - Precondition: the factor matrices have one row per id and the same column
    ///   count, and the bias arrays (when present) one entry per id.
    public init(
        userIDs: IDMap<UserID>, itemIDs: IDMap<ItemID>, userFactors: Matrix<Scalar>, itemFactors: Matrix<Scalar>,
        globalBias: Scalar = 0, userBiases: [Scalar]? = nil, itemBiases: [Scalar]? = nil
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
    }
}

/// A ``FactorModel`` whose factors and biases are a ``FactorTables``.
public protocol FactorTablesModel: FactorModel {
    /// The model's ids, factors and biases.
    var tables: FactorTables<Scalar, UserID, ItemID> { get }
}

extension FactorTablesModel {
    /// The users; index `u` is row `u` of ``userFactors``.
    public var userIDs: IDMap<UserID> { tables.userIDs }
    /// The items; index `i` is row `i` of ``itemFactors``.
    public var itemIDs: IDMap<ItemID> { tables.itemIDs }
    /// The user factors, one row per user.
    public var userFactors: Matrix<Scalar> { tables.userFactors }
    /// The item factors, one row per item.
    public var itemFactors: Matrix<Scalar> { tables.itemFactors }
    /// μ, the global bias (0 for implicit-feedback models).
    public var globalBias: Scalar { tables.globalBias }
    /// bᵤ per user, for models with biases; `nil` otherwise.
    public var userBiases: [Scalar]? { tables.userBiases }
    /// cᵢ per item, for models with biases; `nil` otherwise.
    public var itemBiases: [Scalar]? { tables.itemBiases }
}
