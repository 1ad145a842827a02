/// An error from encoding raw inputs: an encoder whose output breaks the
/// ``FeatureEncoder`` contract, or an invalid batching request.
public enum FeatureEncodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An encoder returned a batch with the wrong row count or dimension, or non-finite
    /// values, or declares a dimension below 1.
    case invalidBatch(encoder: String, reason: String)
    /// A batch size below 1 was asked for.
    case invalidBatchSize(Int)

    public var description: String {
        switch self {
        case let .invalidBatch(encoder, reason): return "encoder '\(encoder)' returned a bad batch: \(reason)"
        case let .invalidBatchSize(size): return "invalid batch size \(size): must be positive"
        }
    }
}
