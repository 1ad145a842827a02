/// How side information enters the factors of one side (users or items).
///
/// The two formulations trade warm accuracy against cold-start quality; measure both on
/// a cold split carved from the training data (see `Docs/Fusion.md`).
public enum SideInformationModel: String, Sendable, Hashable, CaseIterable, Codable {
    /// Collective matrix factorization (Singh and Gordon 2008): every block j is
    /// reconstructed from the shared factors, Xⱼ ≈ F·Aⱼᵀ, with weight wⱼ. A block shapes
    /// the factors only as much as it can be explained by them, so on sparse, coarse
    /// side information the cold-start factors are weak.
    case collective
    /// Offset model (Agarwal and Chen 2009; cmfrec's OMF): factors are a learned linear
    /// map of the features plus a free offset, F = Z·D + W, with Z the blocks scaled by
    /// √wⱼ next to an intercept column, penalty λₒ‖W‖² on the offsets and λ_D‖D‖² on the
    /// map. Cold-start factors are Dᵀz: the map is trained to predict the factors that
    /// the interactions want, which is what ranking a new item needs.
    case offset
}
