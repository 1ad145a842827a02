import Factorization
import LinearAlgebra

/// A trained joint factorization: shared user and item factors, the side-information
/// loadings of each side, and the row updates that place new users and items from their
/// side information alone (cold start) or from a few interactions plus side information.
///
/// An immutable value, safe to share across tasks.
public struct JointFactorizationModel<Scalar: BLASScalar, UserID: Hashable & Sendable, ItemID: Hashable & Sendable>:
    FactorModel
{
    /// The users, indexing the rows of ``userFactors``.
    public let userIDs: IDMap<UserID>
    /// The items, indexing the rows of ``itemFactors``.
    public let itemIDs: IDMap<ItemID>
    /// The user factors U, one row per user (m×k).
    public let userFactors: Matrix<Scalar>
    /// The item factors V, one row per item (n×k).
    public let itemFactors: Matrix<Scalar>
    /// μ of an explicit fit; 0 for implicit feedback.
    public let globalBias: Scalar
    /// bᵤ of an explicit fit; `nil` for implicit feedback.
    public let userBiases: [Scalar]?
    /// cᵢ of an explicit fit (0 for items placed from side information); `nil` for implicit feedback.
    public let itemBiases: [Scalar]?
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
        self.userIDs = userIDs
        self.itemIDs = itemIDs
        self.userFactors = userFactors
        self.itemFactors = itemFactors
        self.globalBias = globalBias
        self.userBiases = userBiases
        self.itemBiases = itemBiases
        self.configuration = configuration
        self.userSide = userSide
        self.itemSide = itemSide
    }
}
