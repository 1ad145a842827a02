import FeatureEncoding
import LinearAlgebra

/// The parameters of one transformer layer, laid out for the forward pass.
struct _LayerWeights: Sendable {
    /// Query, key and value projections stacked: `3·hidden × hidden` (output × input, as stored).
    var queryKeyValue: [Float]
    var queryKeyValueBias: [Float]
    var attentionOutput: [Float]
    var attentionOutputBias: [Float]
    var attentionNormScale: [Float]
    var attentionNormBias: [Float]
    var intermediate: [Float]
    var intermediateBias: [Float]
    var output: [Float]
    var outputBias: [Float]
    var outputNormScale: [Float]
    var outputNormBias: [Float]
}

/// Every parameter the encoder uses, held once in `Float`.
struct _EncoderWeights: Sendable {
    var wordEmbeddings: [Float]
    var positionEmbeddings: [Float]
    /// Row 0 of the token-type table: every input is a single segment.
    var tokenTypeEmbedding: [Float]
    var embeddingNormScale: [Float]
    var embeddingNormBias: [Float]
    var layers: [_LayerWeights]

    /// Loads and validates every tensor against `architecture`, in model order, so the
    /// first mismatch reported is the first tensor the model would use.
    ///
    /// Tensor names may carry the `bert.` prefix of a checkpoint saved from a task model.
    init(file: _SafeTensors, architecture: BERTConfiguration) throws(TextEmbeddingError) {
        let prefix = file.entries["embeddings.word_embeddings.weight"] == nil
            && file.entries["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
        func tensor(_ name: String, _ shape: [Int]) throws(TextEmbeddingError) -> [Float] {
            try TextEmbeddingError.reading { () throws(_ModelFileFailure) in try file.floats(prefix + name, shape: shape) }
        }
        let hidden = architecture.hiddenSize
        let inner = architecture.intermediateSize
        wordEmbeddings = try tensor("embeddings.word_embeddings.weight", [architecture.vocabularySize, hidden])
        positionEmbeddings = try tensor(
            "embeddings.position_embeddings.weight", [architecture.maximumPositionCount, hidden])
        tokenTypeEmbedding = Array(
            try tensor("embeddings.token_type_embeddings.weight", [architecture.tokenTypeCount, hidden])[0..<hidden])
        embeddingNormScale = try tensor("embeddings.LayerNorm.weight", [hidden])
        embeddingNormBias = try tensor("embeddings.LayerNorm.bias", [hidden])
        layers = []
        for index in 0..<architecture.layerCount {
            let layer = "encoder.layer.\(index)."
            let query = try tensor(layer + "attention.self.query.weight", [hidden, hidden])
            let queryBias = try tensor(layer + "attention.self.query.bias", [hidden])
            let key = try tensor(layer + "attention.self.key.weight", [hidden, hidden])
            let keyBias = try tensor(layer + "attention.self.key.bias", [hidden])
            let value = try tensor(layer + "attention.self.value.weight", [hidden, hidden])
            let valueBias = try tensor(layer + "attention.self.value.bias", [hidden])
            layers.append(
                _LayerWeights(
                    queryKeyValue: query + key + value,
                    queryKeyValueBias: queryBias + keyBias + valueBias,
                    attentionOutput: try tensor(layer + "attention.output.dense.weight", [hidden, hidden]),
                    attentionOutputBias: try tensor(layer + "attention.output.dense.bias", [hidden]),
                    attentionNormScale: try tensor(layer + "attention.output.LayerNorm.weight", [hidden]),
                    attentionNormBias: try tensor(layer + "attention.output.LayerNorm.bias", [hidden]),
                    intermediate: try tensor(layer + "intermediate.dense.weight", [inner, hidden]),
                    intermediateBias: try tensor(layer + "intermediate.dense.bias", [inner]),
                    output: try tensor(layer + "output.dense.weight", [hidden, inner]),
                    outputBias: try tensor(layer + "output.dense.bias", [hidden]),
                    outputNormScale: try tensor(layer + "output.LayerNorm.weight", [hidden]),
                    outputNormBias: try tensor(layer + "output.LayerNorm.bias", [hidden])))
        }
    }

    /// A 64-bit fingerprint of every parameter (FNV-1a over the bit patterns), for
    /// ``SentenceEncoder/identifier``.
    func fingerprint(seed: UInt64) -> UInt64 {
        var hash = seed
        func mix(_ values: [Float]) {
            values.withUnsafeBufferPointer { buffer in
                for value in buffer {
                    hash = (hash ^ UInt64(value.bitPattern)) &* 0x0000_0100_0000_01B3
                }
            }
        }
        mix(wordEmbeddings)
        mix(positionEmbeddings)
        mix(tokenTypeEmbedding)
        mix(embeddingNormScale)
        mix(embeddingNormBias)
        for layer in layers {
            for part in [
                layer.queryKeyValue, layer.queryKeyValueBias, layer.attentionOutput, layer.attentionOutputBias,
                layer.attentionNormScale, layer.attentionNormBias, layer.intermediate, layer.intermediateBias,
                layer.output, layer.outputBias, layer.outputNormScale, layer.outputNormBias,
            ] { mix(part) }
        }
        return hash
    }
}
