/// Vectors already computed by encoders, keyed by encoder identifier and input, so that
/// encoding a known input again (at cold-start time, in a second block) costs nothing.
///
/// Share one cache across the blocks of an app; it is an actor, safe to use from any task.
public actor EncodingCache<Input: Hashable & Sendable> {
    private var vectors: [String: [Input: [Float]]] = [:]

    /// Creates an empty cache.
    public init() {}

    /// The number of vectors held for `encoderIdentifier`.
    public func count(for encoderIdentifier: String) -> Int { vectors[encoderIdentifier]?.count ?? 0 }

    func vector(for input: Input, encoder: String) -> [Float]? { vectors[encoder]?[input] }

    func store(_ vector: [Float], for input: Input, encoder: String) {
        vectors[encoder, default: [:]][input] = vector
    }
}
