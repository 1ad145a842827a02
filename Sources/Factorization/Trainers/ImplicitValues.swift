/// How interaction values become the rᵤᵢ in the implicit-feedback confidence 1 + α·rᵤᵢ.
public enum ImplicitValues: String, Sendable, Hashable, CaseIterable {
    /// rᵤᵢ = 1 for every stored interaction (the value is ignored).
    case binary
    /// rᵤᵢ is the stored value (a count, a rating, a weight); it must not be negative.
    case raw
}
