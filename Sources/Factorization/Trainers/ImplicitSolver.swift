/// How the row systems of implicit-feedback alternating least squares are solved, by
/// ``ImplicitAlternatingLeastSquares`` and by Fusion's joint factorization.
public enum ImplicitSolver: Sendable, Hashable {
    /// Exact solves: the row matrix is factored by Cholesky, or, for rows with at most
    /// k/4 interactions, solved through the Woodbury identity with (VᵀV + λI)⁻¹
    /// computed once per half-step. O(|Ω|k² + (m + n)k³) per iteration at worst.
    case cholesky
    /// `steps` conjugate-gradient iterations per row, warm-started from the row's
    /// previous factors and never forming the row matrix. O((|Ω|k + (m + n)k²)·steps)
    /// per iteration. Each step lowers the row's objective, so the loss still never rises.
    case conjugateGradient(steps: Int)
}

extension ImplicitSolver {
    /// Throws ``TrainingError/invalidConfiguration(parameter:value:reason:)`` for a
    /// conjugate-gradient solver with fewer than 1 step.
    func validate() throws(TrainingError) {
        if case .conjugateGradient(let steps) = self, steps < 1 {
            throw .invalidConfiguration(parameter: "solver", value: "conjugateGradient(steps: \(steps))",
                                        reason: "needs at least 1 step")
        }
    }
}
