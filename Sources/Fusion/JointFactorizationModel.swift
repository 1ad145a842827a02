import Factorization
import LinearAlgebra

/// A trained joint factorization: shared user and item factors, the side-information
/// loadings of each side, and the row updates that place new users and items from their
/// side information alone (cold start) or from a few interactions plus side information.
///
/// An immutable value, safe to share across tasks.
public struct JointFactorizationModel<Scalar: BLASScalar, UserID: Hashable & Sendable, ItemID: Hashable & Sendable>:
    FactorTablesModel
{
    /// The ids, factors and biases (μ, bᵤ and cᵢ of an explicit fit; cᵢ is 0 for items
    /// placed from side information; no biases for implicit feedback).
    public let tables: FactorTables<Scalar, UserID, ItemID>
    /// The configuration the model was fitted with.
    public let configuration: JointFactorization.Configuration
    /// The user side's blocks and loadings.
    public let userSide: SideInformationLoadings<Scalar>
    /// The item side's blocks and loadings.
    public let itemSide: SideInformationLoadings<Scalar>

    /// Whether scores estimate ratings (explicit feedback), so RMSE and MAE apply.
    public var predictsValues: Bool { configuration.implicitFeedback == nil }

    init(
        userIDs: IDMap<UserID>, itemIDs: IDMap<ItemID>, userFactors: Matrix<Scalar>, itemFactors: Matrix<Scalar>,
        globalBias: Scalar = 0, userBiases: [Scalar]? = nil, itemBiases: [Scalar]? = nil,
        configuration: JointFactorization.Configuration, userSide: SideInformationLoadings<Scalar>,
        itemSide: SideInformationLoadings<Scalar>
    ) {
        tables = FactorTables(
            userIDs: userIDs, itemIDs: itemIDs, userFactors: userFactors, itemFactors: itemFactors, globalBias: globalBias,
            userBiases: userBiases, itemBiases: itemBiases)
        self.configuration = configuration
        self.userSide = userSide
        self.itemSide = itemSide
    }
}
