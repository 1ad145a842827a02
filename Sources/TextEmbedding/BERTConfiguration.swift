import FeatureEncoding

/// The shape of a BERT encoder, read from a Hugging Face `config.json`.
///
/// Only what the forward pass needs is kept. ``init(contentsOfFile:)`` rejects
/// configurations this encoder does not implement (another `model_type`, a GELU
/// approximation, relative position embeddings) rather than running them wrongly.
public struct BERTConfiguration: Equatable, Sendable {
    /// The width of every hidden state (384 for all-MiniLM-L6-v2).
    public var hiddenSize: Int
    /// The number of transformer layers.
    public var layerCount: Int
    /// The number of attention heads; divides ``hiddenSize``.
    public var headCount: Int
    /// The width of the feed-forward layer.
    public var intermediateSize: Int
    /// The number of rows of the word-embedding table.
    public var vocabularySize: Int
    /// The number of learned position embeddings, the longest sequence the model accepts.
    public var maximumPositionCount: Int
    /// The number of token-type (segment) embeddings.
    public var tokenTypeCount: Int
    /// The ε added to the variance in every LayerNorm.
    public var layerNormEpsilon: Float

    /// The width of one attention head.
    public var headSize: Int { hiddenSize / headCount }

    /// Creates a configuration from its values.
    ///
    /// - Precondition: every count is positive and `headCount` divides `hiddenSize`.
    public init(
        hiddenSize: Int, layerCount: Int, headCount: Int, intermediateSize: Int, vocabularySize: Int,
        maximumPositionCount: Int, tokenTypeCount: Int = 2, layerNormEpsilon: Float = 1e-12
    ) {
        precondition(
            hiddenSize > 0 && layerCount > 0 && headCount > 0 && intermediateSize > 0 && vocabularySize > 0
                && maximumPositionCount > 0 && tokenTypeCount > 0 && hiddenSize % headCount == 0,
            "Invalid BERT shape: hidden \(hiddenSize), layers \(layerCount), heads \(headCount), "
                + "intermediate \(intermediateSize), vocabulary \(vocabularySize), positions \(maximumPositionCount), "
                + "token types \(tokenTypeCount)")
        self.hiddenSize = hiddenSize
        self.layerCount = layerCount
        self.headCount = headCount
        self.intermediateSize = intermediateSize
        self.vocabularySize = vocabularySize
        self.maximumPositionCount = maximumPositionCount
        self.tokenTypeCount = tokenTypeCount
        self.layerNormEpsilon = layerNormEpsilon
    }

    /// Reads a Hugging Face `config.json`.
    ///
    /// - Throws: the file errors of ``TextEmbeddingError``,
    ///   ``TextEmbeddingError/invalidJSON(path:reason:)``,
    ///   ``TextEmbeddingError/unsupportedArchitecture(path:reason:)`` for a model other than
    ///   BERT with exact GELU and absolute positions, and
    ///   ``TextEmbeddingError/invalidConfiguration(path:key:reason:)`` for a missing or
    ///   out-of-range value.
    public init(contentsOfFile path: String) throws(TextEmbeddingError) {
        let bytes = try TextEmbeddingError.reading { () throws(_ModelFileFailure) in try _ReadOnlyFile.contents(of: path) }
        let json: _JSON
        do { json = try _JSON.parse(bytes) } catch { throw .invalidJSON(path: path, reason: error.description) }
        guard json.objectValue != nil else { throw .invalidJSON(path: path, reason: "the document is not an object") }

        if let modelType = json["model_type"] {
            guard modelType.stringValue == "bert" else {
                throw .unsupportedArchitecture(path: path, reason: "model_type is \(modelType), only \"bert\" is supported")
            }
        } else if let architectures = json["architectures"]?.arrayValue {
            guard architectures.contains(where: { $0.stringValue?.hasPrefix("Bert") == true }) else {
                throw .unsupportedArchitecture(path: path, reason: "architectures \(architectures) contain no BERT model")
            }
        } else {
            throw .unsupportedArchitecture(path: path, reason: "neither model_type nor architectures is given")
        }
        let activation = json["hidden_act"]?.stringValue ?? "gelu"
        guard activation == "gelu" else {
            throw .unsupportedArchitecture(path: path, reason: "hidden_act \"\(activation)\"; only exact \"gelu\" is supported")
        }
        let positions = json["position_embedding_type"]?.stringValue ?? "absolute"
        guard positions == "absolute" else {
            throw .unsupportedArchitecture(path: path, reason: "position_embedding_type \"\(positions)\"; only \"absolute\" is supported")
        }

        func positiveInteger(_ key: String, default fallback: Int? = nil) throws(TextEmbeddingError) -> Int {
            guard let value = json[key] else {
                if let fallback { return fallback }
                throw .invalidConfiguration(path: path, key: key, reason: "missing")
            }
            guard let integer = value.intValue, integer > 0, integer <= 1 << 24 else {
                throw .invalidConfiguration(path: path, key: key, reason: "\(value) is not a positive integer")
            }
            return integer
        }
        let hiddenSize = try positiveInteger("hidden_size")
        let headCount = try positiveInteger("num_attention_heads")
        guard hiddenSize % headCount == 0 else {
            throw .invalidConfiguration(
                path: path, key: "num_attention_heads",
                reason: "\(headCount) heads do not divide hidden_size \(hiddenSize)")
        }
        let epsilon = json["layer_norm_eps"]?.doubleValue ?? 1e-12
        guard epsilon > 0, epsilon < 1 else {
            throw .invalidConfiguration(path: path, key: "layer_norm_eps", reason: "\(epsilon) is not in (0, 1)")
        }
        self.init(
            hiddenSize: hiddenSize,
            layerCount: try positiveInteger("num_hidden_layers"),
            headCount: headCount,
            intermediateSize: try positiveInteger("intermediate_size"),
            vocabularySize: try positiveInteger("vocab_size"),
            maximumPositionCount: try positiveInteger("max_position_embeddings"),
            tokenTypeCount: try positiveInteger("type_vocab_size", default: 2),
            layerNormEpsilon: Float(epsilon))
    }
}
