/// An error from loading an image model: which file, and what was wrong with it.
public enum ImageEmbeddingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The weights file does not exist; run `Scripts/fetch-efficientnet-lite0.sh`.
    case modelNotFound(path: String)
    /// The weights file cannot be read or does not hold the expected tensors: a missing
    /// tensor, a wrong shape, a bad header, a non-finite value.
    case invalidWeights(path: String, reason: String)

    public var description: String {
        switch self {
        case let .modelNotFound(path):
            return "image model not found: \(path) (run Scripts/fetch-efficientnet-lite0.sh)"
        case let .invalidWeights(path, reason): return "invalid image model weights in \(path): \(reason)"
        }
    }
}
