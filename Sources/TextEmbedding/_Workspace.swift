import LinearAlgebra

/// The activation buffers of the forward pass, sized once for a token budget and reused
/// by every layer and every batch, and the pass itself.
///
/// Sequences are packed row after row with no padding: token row `offsets[s] + p` holds
/// position `p` of sequence `s`. Dense layers are one product over all rows; attention
/// reads each sequence's own rows, so no mask is needed.
struct _Workspace {
    let tokenCapacity: Int
    private var hidden: [Float]
    private var residual: [Float]
    private var queryKeyValue: [Float]
    private var context: [Float]
    private var intermediate: [Float]

    init(architecture: BERTConfiguration, tokenCapacity: Int) {
        self.tokenCapacity = tokenCapacity
        let h = architecture.hiddenSize
        hidden = [Float](repeating: 0, count: tokenCapacity * h)
        residual = hidden
        context = hidden
        queryKeyValue = [Float](repeating: 0, count: tokenCapacity * 3 * h)
        intermediate = [Float](repeating: 0, count: tokenCapacity * architecture.intermediateSize)
    }

    /// Runs the encoder on `sequences` (their total length at most ``tokenCapacity``) and
    /// writes each mean-pooled, normalised embedding to the matching output row.
    ///
    /// With `parallel`, the elementwise passes and attention run on ``Parallel`` and the
    /// products on BLAS's threads; without, everything runs on the calling thread (for
    /// callers that already run one batch per thread).
    mutating func run(
        _ sequences: [[Int]], weights: _EncoderWeights, architecture: BERTConfiguration,
        outputRows: [UnsafeMutablePointer<Float>], parallel: Bool
    ) {
        var offsets = [0]
        for sequence in sequences { offsets.append(offsets.last! + sequence.count) }
        let tokenCount = offsets.last!
        precondition(tokenCount <= tokenCapacity, "Batch of \(tokenCount) tokens exceeds the workspace's \(tokenCapacity)")
        let h = architecture.hiddenSize
        let f = architecture.intermediateSize
        let headCount = architecture.headCount
        let headSize = architecture.headSize
        let epsilon = architecture.layerNormEpsilon
        let threads = Parallel.threadCount
        let rowGrain = max(16, tokenCount / (8 * threads) + 1)
        let sequenceGrain = max(1, sequences.count / (8 * threads))
        func forEachChunk(of range: Range<Int>, grainSize: Int, _ body: (Range<Int>) -> Void) {
            if parallel { Parallel.forEachChunk(of: range, grainSize: grainSize, body) } else { body(range) }
        }

        hidden.withUnsafeMutableBufferPointer { hiddenBuffer in
        residual.withUnsafeMutableBufferPointer { residualBuffer in
        queryKeyValue.withUnsafeMutableBufferPointer { qkvBuffer in
        context.withUnsafeMutableBufferPointer { contextBuffer in
        intermediate.withUnsafeMutableBufferPointer { intermediateBuffer in
            let hiddenStates = hiddenBuffer.baseAddress!
            let residuals = residualBuffer.baseAddress!
            let qkv = qkvBuffer.baseAddress!
            let contexts = contextBuffer.baseAddress!
            let inner = intermediateBuffer.baseAddress!

            // Embeddings: word + position + token type 0, then LayerNorm.
            weights.wordEmbeddings.withUnsafeBufferPointer { words in
            weights.positionEmbeddings.withUnsafeBufferPointer { positions in
            weights.tokenTypeEmbedding.withUnsafeBufferPointer { tokenType in
            weights.embeddingNormScale.withUnsafeBufferPointer { scale in
            weights.embeddingNormBias.withUnsafeBufferPointer { bias in
                forEachChunk(of: 0..<sequences.count, grainSize: sequenceGrain) { range in
                    for s in range {
                        for (position, id) in sequences[s].enumerated() {
                            let row = hiddenStates + (offsets[s] + position) * h
                            let word = words.baseAddress! + id * h
                            let place = positions.baseAddress! + position * h
                            for j in 0..<h { row[j] = word[j] + place[j] + tokenType[j] }
                            Self.layerNorm(row, count: h, scale: scale.baseAddress!, bias: bias.baseAddress!, epsilon: epsilon)
                        }
                    }
                }
            }}}}}

            for layer in weights.layers {
                // Query, key and value for every token in one product.
                layer.queryKeyValue.withUnsafeBufferPointer { w in
                    Matrix<Float>.multiply(
                        m: tokenCount, n: 3 * h, k: h, hiddenStates, lda: h, w.baseAddress!, ldb: h,
                        transposingB: true, into: qkv, ldc: 3 * h)
                }
                // Attention per sequence and head: softmax(Q·Kᵀ/√d)·V.
                layer.queryKeyValueBias.withUnsafeBufferPointer { qkvBias in
                    forEachChunk(of: 0..<sequences.count, grainSize: sequenceGrain) { range in
                        let longest = range.map { sequences[$0].count }.max()!
                        let scores = UnsafeMutablePointer<Float>.allocate(capacity: longest * longest)
                        defer { scores.deallocate() }
                        for s in range {
                            let n = sequences[s].count
                            let base = qkv + offsets[s] * 3 * h
                            for t in 0..<n {
                                let row = base + t * 3 * h
                                for j in 0..<(3 * h) { row[j] += qkvBias[j] }
                            }
                            for head in 0..<headCount {
                                let query = base + head * headSize
                                let key = base + h + head * headSize
                                let value = base + 2 * h + head * headSize
                                Matrix<Float>.multiply(
                                    m: n, n: n, k: headSize, query, lda: 3 * h, key, ldb: 3 * h, transposingB: true,
                                    into: scores, ldc: n, alpha: 1 / Float(headSize).squareRoot())
                                for t in 0..<n { Self.softmax(scores + t * n, count: n) }
                                Matrix<Float>.multiply(
                                    m: n, n: headSize, k: n, scores, lda: n, value, ldb: 3 * h,
                                    into: contexts + offsets[s] * h + head * headSize, ldc: h)
                            }
                        }
                    }
                }
                // Output projection, residual, LayerNorm.
                residuals.update(from: hiddenStates, count: tokenCount * h)
                layer.attentionOutput.withUnsafeBufferPointer { w in
                    Matrix<Float>.multiply(
                        m: tokenCount, n: h, k: h, contexts, lda: h, w.baseAddress!, ldb: h, transposingB: true,
                        into: residuals, ldc: h, beta: 1)
                }
                Self.biasAndLayerNorm(
                    residuals, into: hiddenStates, rows: tokenCount, count: h, bias: layer.attentionOutputBias,
                    scale: layer.attentionNormScale, shift: layer.attentionNormBias, epsilon: epsilon,
                    grain: parallel ? rowGrain : nil)
                // Feed-forward: GELU(x·W₁ᵀ + b₁)·W₂ᵀ + b₂, residual, LayerNorm.
                layer.intermediate.withUnsafeBufferPointer { w in
                    Matrix<Float>.multiply(
                        m: tokenCount, n: f, k: h, hiddenStates, lda: h, w.baseAddress!, ldb: h, transposingB: true,
                        into: inner, ldc: f)
                }
                layer.intermediateBias.withUnsafeBufferPointer { bias in
                    forEachChunk(of: 0..<tokenCount, grainSize: rowGrain) { range in
                        for t in range {
                            let row = inner + t * f
                            for j in 0..<f { row[j] = _gelu(row[j] + bias[j]) }
                        }
                    }
                }
                residuals.update(from: hiddenStates, count: tokenCount * h)
                layer.output.withUnsafeBufferPointer { w in
                    Matrix<Float>.multiply(
                        m: tokenCount, n: h, k: f, inner, lda: f, w.baseAddress!, ldb: f, transposingB: true,
                        into: residuals, ldc: h, beta: 1)
                }
                Self.biasAndLayerNorm(
                    residuals, into: hiddenStates, rows: tokenCount, count: h, bias: layer.outputBias,
                    scale: layer.outputNormScale, shift: layer.outputNormBias, epsilon: epsilon,
                    grain: parallel ? rowGrain : nil)
            }

            // Mean pooling over each sequence's tokens, then L2 normalisation.
            for (s, output) in outputRows.enumerated() {
                output.update(repeating: 0, count: h)
                let n = sequences[s].count
                for t in 0..<n {
                    let row = hiddenStates + (offsets[s] + t) * h
                    for j in 0..<h { output[j] += row[j] }
                }
                var squares: Float = 0
                for j in 0..<h {
                    output[j] /= Float(n)
                    squares += output[j] * output[j]
                }
                let inverseNorm = 1 / max(squares.squareRoot(), 1e-12)
                for j in 0..<h { output[j] *= inverseNorm }
            }
        }}}}}
    }

    /// Replaces `count` scores by their softmax, shifting by the maximum for range safety.
    @inline(__always)
    static func softmax(_ row: UnsafeMutablePointer<Float>, count: Int) {
        let maximum = _maximum(row, count: count)
        for j in 0..<count { row[j] = _exponential(row[j] - maximum) }
        let inverse = 1 / _sum(row, count: count)
        for j in 0..<count { row[j] *= inverse }
    }

    /// LayerNorm of one row in place: `(x − mean)/√(variance + ε)·scale + bias`.
    @inline(__always)
    static func layerNorm(
        _ row: UnsafeMutablePointer<Float>, count: Int, scale: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        epsilon: Float
    ) {
        let mean = _sum(row, count: count) / Float(count)
        let squares = _sumOfSquaredDeviations(row, count: count, mean: mean)
        let inverse = 1 / (squares / Float(count) + epsilon).squareRoot()
        for j in 0..<count { row[j] = (row[j] - mean) * inverse * scale[j] + bias[j] }
    }

    /// `output[t] = LayerNorm(input[t] + bias)` for every row; in parallel chunks of
    /// `grain` rows when a grain is given.
    static func biasAndLayerNorm(
        _ input: UnsafeMutablePointer<Float>, into output: UnsafeMutablePointer<Float>, rows: Int, count: Int,
        bias: [Float], scale: [Float], shift: [Float], epsilon: Float, grain: Int?
    ) {
        bias.withUnsafeBufferPointer { bias in
        scale.withUnsafeBufferPointer { scale in
        shift.withUnsafeBufferPointer { shift in
            func normalize(_ range: Range<Int>) {
                for t in range {
                    let source = input + t * count
                    let target = output + t * count
                    for j in 0..<count { target[j] = source[j] + bias[j] }
                    layerNorm(target, count: count, scale: scale.baseAddress!, bias: shift.baseAddress!, epsilon: epsilon)
                }
            }
            if let grain { Parallel.forEachChunk(of: 0..<rows, grainSize: grain, normalize) } else { normalize(0..<rows) }
        }}}
    }
}
