import LinearAlgebra

/// The activation buffers of the forward pass, sized once for a token budget and reused
/// by every layer and every batch, and the pass itself.
///
/// Sequences are packed row after row with no padding: token row `offsets[s] + p` holds
/// position `p` of sequence `s`. Dense layers are products over fixed blocks of
/// ``rowBlock`` rows; attention reads each sequence's own rows, so no mask is needed.
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
    /// With `parallel`, row blocks and sequences are spread over ``Parallel`` (BLAS runs
    /// single-threaded inside); without, everything runs on the calling thread, for
    /// callers that already run one batch per thread. Both give identical results.
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
        let sequenceGrain = max(1, sequences.count / (8 * Parallel.threadCount))
        func forEachChunk(of range: Range<Int>, grainSize: Int, _ body: (Range<Int>) -> Void) {
            if parallel { Parallel.forEachChunk(of: range, grainSize: grainSize, body) } else { body(range) }
        }
        // Products run on fixed blocks of rows whatever the thread count, so that the
        // rounding, and with it every embedding, does not depend on the thread count.
        func forEachRowChunk(_ body: (Range<Int>) -> Void) {
            if parallel {
                Parallel.forEachChunk(of: 0..<tokenCount, grainSize: Self.rowBlock, body)
            } else {
                for start in stride(from: 0, to: tokenCount, by: Self.rowBlock) {
                    body(start..<min(start + Self.rowBlock, tokenCount))
                }
            }
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
            let intermediates = intermediateBuffer.baseAddress!

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
                Self.withLayerPointers(layer) { w in
                    // Query, key and value (with their biases) for every token.
                    forEachRowChunk { rows in
                        let count = rows.count
                        let qkvRows = qkv + rows.lowerBound * 3 * h
                        Matrix<Float>.multiply(
                            m: count, n: 3 * h, k: h, hiddenStates + rows.lowerBound * h, lda: h, w.queryKeyValue,
                            ldb: h, transposingB: true, into: qkvRows, ldc: 3 * h)
                        for t in 0..<count {
                            let row = qkvRows + t * 3 * h
                            for j in 0..<(3 * h) { row[j] += w.queryKeyValueBias[j] }
                        }
                    }
                    // Attention per sequence and head: softmax(Q·Kᵀ/√d)·V.
                    forEachChunk(of: 0..<sequences.count, grainSize: sequenceGrain) { range in
                        let longest = range.map { sequences[$0].count }.max()!
                        let scores = UnsafeMutablePointer<Float>.allocate(capacity: longest * longest)
                        defer { scores.deallocate() }
                        for s in range {
                            let n = sequences[s].count
                            let base = qkv + offsets[s] * 3 * h
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
                    // Per block of rows, while they are in cache: output projection,
                    // residual, LayerNorm; then GELU(x·W₁ᵀ + b₁)·W₂ᵀ + b₂, residual, LayerNorm.
                    forEachRowChunk { rows in
                        let count = rows.count
                        let states = hiddenStates + rows.lowerBound * h
                        let sums = residuals + rows.lowerBound * h
                        let inner = intermediates + rows.lowerBound * f
                        sums.update(from: states, count: count * h)
                        Matrix<Float>.multiply(
                            m: count, n: h, k: h, contexts + rows.lowerBound * h, lda: h, w.attentionOutput, ldb: h,
                            transposingB: true, into: sums, ldc: h, beta: 1)
                        for t in 0..<count {
                            Self.biasAndLayerNorm(
                                sums + t * h, into: states + t * h, count: h, bias: w.attentionOutputBias,
                                scale: w.attentionNormScale, shift: w.attentionNormBias, epsilon: epsilon)
                        }
                        Matrix<Float>.multiply(
                            m: count, n: f, k: h, states, lda: h, w.intermediate, ldb: h, transposingB: true,
                            into: inner, ldc: f)
                        for t in 0..<count {
                            let row = inner + t * f
                            for j in 0..<f { row[j] = _gelu(row[j] + w.intermediateBias[j]) }
                        }
                        sums.update(from: states, count: count * h)
                        Matrix<Float>.multiply(
                            m: count, n: h, k: f, inner, lda: f, w.output, ldb: f, transposingB: true,
                            into: sums, ldc: h, beta: 1)
                        for t in 0..<count {
                            Self.biasAndLayerNorm(
                                sums + t * h, into: states + t * h, count: h, bias: w.outputBias,
                                scale: w.outputNormScale, shift: w.outputNormBias, epsilon: epsilon)
                        }
                    }
                }
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

    /// `output = LayerNorm(input + bias)` for one row.
    @inline(__always)
    static func biasAndLayerNorm(
        _ input: UnsafeMutablePointer<Float>, into output: UnsafeMutablePointer<Float>, count: Int,
        bias: UnsafePointer<Float>, scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, epsilon: Float
    ) {
        for j in 0..<count { output[j] = input[j] + bias[j] }
        layerNorm(output, count: count, scale: scale, bias: shift, epsilon: epsilon)
    }

    /// The rows of one block of the dense products: large enough for BLAS to run near
    /// its peak, small enough that a block's feed-forward activations stay in cache.
    static let rowBlock = 256

    /// Raw pointers to one layer's weights, valid inside ``withLayerPointers(_:_:)``.
    struct _LayerPointers {
        var queryKeyValue, queryKeyValueBias, attentionOutput, attentionOutputBias: UnsafePointer<Float>
        var attentionNormScale, attentionNormBias, intermediate, intermediateBias: UnsafePointer<Float>
        var output, outputBias, outputNormScale, outputNormBias: UnsafePointer<Float>
    }

    private static func withLayerPointers(_ layer: _LayerWeights, _ body: (_LayerPointers) -> Void) {
        layer.queryKeyValue.withUnsafeBufferPointer { qkv in
        layer.queryKeyValueBias.withUnsafeBufferPointer { qkvBias in
        layer.attentionOutput.withUnsafeBufferPointer { attentionOutput in
        layer.attentionOutputBias.withUnsafeBufferPointer { attentionOutputBias in
        layer.attentionNormScale.withUnsafeBufferPointer { attentionNormScale in
        layer.attentionNormBias.withUnsafeBufferPointer { attentionNormBias in
        layer.intermediate.withUnsafeBufferPointer { intermediate in
        layer.intermediateBias.withUnsafeBufferPointer { intermediateBias in
        layer.output.withUnsafeBufferPointer { output in
        layer.outputBias.withUnsafeBufferPointer { outputBias in
        layer.outputNormScale.withUnsafeBufferPointer { outputNormScale in
        layer.outputNormBias.withUnsafeBufferPointer { outputNormBias in
            body(
                _LayerPointers(
                    queryKeyValue: qkv.baseAddress!, queryKeyValueBias: qkvBias.baseAddress!,
                    attentionOutput: attentionOutput.baseAddress!, attentionOutputBias: attentionOutputBias.baseAddress!,
                    attentionNormScale: attentionNormScale.baseAddress!, attentionNormBias: attentionNormBias.baseAddress!,
                    intermediate: intermediate.baseAddress!, intermediateBias: intermediateBias.baseAddress!,
                    output: output.baseAddress!, outputBias: outputBias.baseAddress!,
                    outputNormScale: outputNormScale.baseAddress!, outputNormBias: outputNormBias.baseAddress!))
        }}}}}}}}}}}}
    }
}
