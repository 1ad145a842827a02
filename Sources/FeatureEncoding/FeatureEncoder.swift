import LinearAlgebra

/// A model that turns raw inputs of one modality into fixed-length feature vectors.
///
/// Side-information blocks built from raw inputs (titles, images, audio clips) call
/// ``encode(_:)`` in batches and factorize the resulting rows. Conform a type to this
/// protocol — or to one of its refinements ``TextEncoder``, ``ImageEncoder`` and
/// ``AudioEncoder`` — to plug in any encoder: the built-in ones of FusionRec or a host
/// app's own service (a remote LLM embedding API, an image model). Nothing beyond the
/// protocol is required.
///
/// Requirements on a conformance:
/// - ``encode(_:)`` returns one row per input, in input order, each with exactly
///   ``dimension`` columns, and the same row for the same input every time (blocks cache
///   vectors by input, so cold-start encoding of a known input costs nothing).
/// - An empty array gives a `0 × dimension` matrix.
/// - Rows must be finite. The library validates every batch (row count, dimension,
///   finiteness) in ``encodedVectors(for:cache:batchSize:)`` and throws
///   ``FeatureEncodingError/invalidBatch(encoder:reason:)`` naming the encoder when a
///   conformance breaks these rules.
public protocol FeatureEncoder<Input>: Sendable {
    /// The raw input type, such as `String` for text.
    associatedtype Input: Hashable & Sendable

    /// The number of columns of every row that ``encode(_:)`` returns.
    var dimension: Int { get }

    /// A stable name for the encoder and its exact weights or fitted state, such as
    /// `"all-MiniLM-L6-v2@53aa51172d142c89"`.
    ///
    /// Saved models record it, so that factors fitted on one encoder's vectors are never
    /// combined with another's. Two encoders with the same identifier must give the same
    /// vectors; change it whenever weights, vocabulary or preprocessing change.
    var identifier: String { get }

    /// Encodes a batch of inputs.
    ///
    /// - Returns: an `inputs.count × dimension` matrix whose row `i` encodes `inputs[i]`.
    /// - Throws: whatever the encoder's backend throws (a missing model file, a failed
    ///   network request), or `CancellationError` when the calling task is cancelled.
    func encode(_ inputs: [Input]) async throws -> Matrix<Float>
}
