import Factorization

extension JointFactorizationModel {
    /// The row update by which ``foldingInUsers(_:)`` computes a user's factors from
    /// interactions alone (no side information): Factorization's implicit or explicit
    /// rule with the user side's factor regularisation, so that code written against
    /// `FoldInRule` (a live model re-folding a user after new feedback) folds users of a
    /// joint model exactly as the model does.
    public var userFoldInRule: FoldInRule {
        let lambda = Double(userSide.factorRegularization)
        switch configuration.feedback {
        case .implicit(let settings):
            return .implicit(alpha: settings.alpha, regularization: lambda, binaryValues: settings.values == .binary)
        case .explicit(let settings):
            return .explicit(regularization: lambda, biasRegularization: settings.biasRegularization ?? configuration.regularization,
                             weighted: false)
        }
    }
}
