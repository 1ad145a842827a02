/// How a trained model computes factors for a new or changed user or item from that
/// one's interactions, with the other side's factors fixed: the row update of the
/// alternating least squares problem the model corresponds to.
public enum FoldInRule: Sendable, Hashable {
    /// The implicit-feedback row update (Hu, Koren and Volinsky 2008): solve
    /// (FᵀF + λI + Σ (cᵢ − 1) fᵢfᵢᵀ) x = Σ cᵢ fᵢ with cᵢ = 1 + α·value, where the
    /// value is 1 for every interaction when `binaryValues` is set.
    case implicit(alpha: Double, regularization: Double, binaryValues: Bool)
    /// The explicit-feedback row update with a bias: solve the ridge regression of
    /// value − μ − (the other side's bias) on [fᵢ, 1] with penalty λ on the factors and
    /// λ_b on the bias, both multiplied by the number of interactions when `weighted`.
    case explicit(regularization: Double, biasRegularization: Double, weighted: Bool)
}
