/// An encoder of texts: the language-model side of a text modality.
///
/// The built-in conformances are Fusion's `HashingTextEncoder` (TF-IDF weighted, hashed
/// word and character n-grams) and the `SentenceEncoder` of the `TextEmbedding` module
/// (all-MiniLM-L6-v2). A host app wraps an LLM embedding service like this:
///
/// ```swift
/// struct EmbeddingService: TextEncoder {
///     let client: MyEmbeddingClient          // the app's own HTTP client
///     var dimension: Int { 1536 }
///     var identifier: String { "my-service/text-embedding-v3" }
///     func encode(_ inputs: [String]) async throws -> Matrix<Float> {
///         let vectors: [[Float]] = try await client.embed(inputs)
///         return try Matrix(rows: vectors)
///     }
/// }
/// ```
public protocol TextEncoder: FeatureEncoder where Input == String {}
