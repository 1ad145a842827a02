import LinearAlgebra

/// A model that turns texts into fixed-length vectors: the language-model side of a
/// text modality.
///
/// Fusion blocks built from text (item titles, descriptions, the text of a user's
/// reviews) call ``encode(_:)`` and factorize the resulting rows. Conform to this
/// protocol to plug in any encoder — the built-in `SentenceEncoder` of the
/// `TextEmbedding` module, or a host app's own service (a remote LLM embedding API,
/// a Core ML model). Nothing beyond this protocol is required.
///
/// Requirements on a conformance:
/// - ``encode(_:)`` returns one row per input text, in input order, each with exactly
///   ``dimension`` columns, and the same row for the same text every time (the library
///   caches and compares embeddings across runs).
/// - The empty string is a valid text; an empty array gives a `0 × dimension` matrix.
/// - Rows should be finite. Callers validate the shape and finiteness and throw their own
///   typed error naming the encoder when a conformance breaks these rules.
/// - Normalization is the encoder's choice; sentence encoders usually return unit rows,
///   and fusion blocks can rescale rows themselves.
public protocol TextEncoder: Sendable {
    /// The number of columns of every row that ``encode(_:)`` returns.
    var dimension: Int { get }

    /// A stable name for the encoder and its exact weights, such as
    /// `"all-MiniLM-L6-v2@53aa51172d142c89"`.
    ///
    /// Saved models record it, so that factors fitted on one encoder's embeddings are
    /// never combined with another's. Two encoders with the same identifier must give
    /// the same embeddings; change it whenever the weights, vocabulary or pooling change.
    var identifier: String { get }

    /// Embeds a batch of texts.
    ///
    /// - Parameter texts: the texts, in any order; duplicates and empty strings allowed.
    /// - Returns: a `texts.count × dimension` matrix whose row `i` embeds `texts[i]`.
    /// - Throws: whatever the encoder's backend throws (a missing model file, a failed
    ///   network request), or `CancellationError` when the calling task is cancelled.
    func encode(_ texts: [String]) async throws -> Matrix<Float>
}
