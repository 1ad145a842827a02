import FeatureEncoding
import LinearAlgebra
import Synchronization

/// A BERT sentence encoder with mean pooling and L2 normalisation — the pipeline of
/// sentence-transformers models such as all-MiniLM-L6-v2 — running on BLAS in pure Swift.
///
/// Load a Hugging Face model directory (`config.json`, `vocab.txt`, `model.safetensors`;
/// `Scripts/fetch-minilm.sh` fetches all-MiniLM-L6-v2) and embed texts:
///
/// ```swift
/// let encoder = try SentenceEncoder(modelDirectory: "/path/to/all-MiniLM-L6-v2")
/// let embeddings = encoder.embed(["Toy Story (1995)", "Heat (1995)"])  // 2 × 384, unit rows
/// ```
///
/// The forward pass follows the reference implementation step by step in `Float`: word,
/// position and token-type embeddings with LayerNorm; per layer, multi-head
/// self-attention, a residual LayerNorm, an exact (erf) GELU feed-forward layer and a
/// second residual LayerNorm; the mean of the last hidden states over the sequence's
/// tokens; L2 normalisation. The embeddings agree with the reference to about 1e-6.
///
/// Batching packs the tokens of many sequences into one matrix without padding, so the
/// projections and the feed-forward layer are a few large products per layer, while
/// attention runs per sequence and head. Results do not depend on how texts are batched
/// beyond rounding in the last bits. `Parallel.threadCount` (LinearAlgebra) sets the threads for both.
///
/// An encoder is an immutable value: share it freely across tasks.
public struct SentenceEncoder: TextEncoder {
    /// Run-time settings that do not change the model.
    public struct Configuration: Sendable, Equatable {
        /// The longest token sequence, `[CLS]` and `[SEP]` included; longer texts are
        /// truncated. Default 256, the `max_seq_length` of all-MiniLM-L6-v2.
        public var maximumSequenceLength: Int
        /// The most tokens run through the model together (a longer single sequence
        /// still forms its own batch). Bounds the activation memory per thread at about
        /// `tokensPerBatch × (6·hidden + intermediate) × 4` bytes — 31 MB for the
        /// default 2,048 and MiniLM's sizes. Batches depend on this value and the
        /// inputs only, never on the thread count, so the embeddings do not either.
        /// Default 2,048.
        public var tokensPerBatch: Int

        /// Creates a configuration.
        ///
        /// - Precondition: `maximumSequenceLength ≥ 2` and `tokensPerBatch ≥ 1`.
        public init(maximumSequenceLength: Int = 256, tokensPerBatch: Int = 2048) {
            precondition(maximumSequenceLength >= 2, "maximumSequenceLength must be at least 2, got \(maximumSequenceLength)")
            precondition(tokensPerBatch >= 1, "tokensPerBatch must be positive, got \(tokensPerBatch)")
            self.maximumSequenceLength = maximumSequenceLength
            self.tokensPerBatch = tokensPerBatch
        }
    }

    /// The model's shape, from `config.json`.
    public let architecture: BERTConfiguration
    /// The tokenizer, from `vocab.txt`.
    public let tokenizer: WordPieceTokenizer
    /// The run-time settings.
    public let configuration: Configuration
    /// `"bert-L<layers>-H<hidden>-mean@<fingerprint>"`, where the fingerprint is a 64-bit
    /// hash of every weight and of the vocabulary.
    public let identifier: String
    let weights: _EncoderWeights

    /// The embedding width (the model's hidden size, 384 for all-MiniLM-L6-v2).
    public var dimension: Int { architecture.hiddenSize }

    /// Loads `config.json`, `vocab.txt` and `model.safetensors` from a directory.
    ///
    /// Every tensor's name, data type and shape is checked against the configuration
    /// (F32 is used as stored; F16 and BF16 are widened to `Float`), and the safetensors
    /// header against the file size. The weights are read once, straight into their
    /// final arrays (about 90 MB for all-MiniLM-L6-v2).
    ///
    /// - Throws: ``TextEmbeddingError``: a missing or truncated file, malformed JSON, an
    ///   unsupported architecture or data type, a missing tensor or one whose shape
    ///   differs — naming the file and the first offending tensor — or a vocabulary
    ///   larger than the embedding table.
    /// - Complexity: O(weights) time; no memory beyond the weights.
    public init(modelDirectory: String, configuration: Configuration = Configuration()) throws(TextEmbeddingError) {
        let directory = modelDirectory.hasSuffix("/") ? String(modelDirectory.dropLast()) : modelDirectory
        let architecture = try BERTConfiguration(contentsOfFile: directory + "/config.json")
        guard configuration.maximumSequenceLength <= architecture.maximumPositionCount else {
            throw .invalidConfiguration(
                path: directory + "/config.json", key: "max_position_embeddings",
                reason: "\(architecture.maximumPositionCount) positions cannot hold sequences of "
                    + "\(configuration.maximumSequenceLength) tokens")
        }
        let vocabularyPath = directory + "/vocab.txt"
        let tokenizer = try WordPieceTokenizer(
            contentsOfFile: vocabularyPath, maximumLength: configuration.maximumSequenceLength)
        guard tokenizer.vocabularySize <= architecture.vocabularySize else {
            throw .invalidVocabulary(
                path: vocabularyPath,
                reason: "\(tokenizer.vocabularySize) entries exceed the model's vocab_size \(architecture.vocabularySize)")
        }
        let weights = try _EncoderWeights(
            file: try TextEmbeddingError.reading { () throws(_ModelFileFailure) in
                try _SafeTensors(path: directory + "/model.safetensors")
            },
            architecture: architecture)
        var seed: UInt64 = 0xCBF2_9CE4_8422_2325
        let vocabulary = try TextEmbeddingError.reading { () throws(_ModelFileFailure) in
            try _ReadOnlyFile.contents(of: vocabularyPath)
        }
        for byte in vocabulary { seed = (seed ^ UInt64(byte)) &* 0x100_0000_01B3 }
        let fingerprint = String(weights.fingerprint(seed: seed), radix: 16)
        self.identifier = "bert-L\(architecture.layerCount)-H\(architecture.hiddenSize)-mean@"
            + String(repeating: "0", count: 16 - fingerprint.count) + fingerprint
        self.architecture = architecture
        self.tokenizer = tokenizer
        self.configuration = configuration
        self.weights = weights
    }

    /// Embeds texts: one unit-norm row per text, in input order.
    ///
    /// - Parameters:
    ///   - texts: any texts; the empty string embeds `[CLS] [SEP]`.
    ///   - progress: called after each batch with the number of texts done and the total;
    ///     possibly from a worker thread, but never concurrently.
    /// - Returns: a `texts.count × dimension` matrix.
    /// - Complexity: O(Σ nᵢ·(h² + h·f) + Σ nᵢ²·h) per layer for texts of nᵢ tokens, hidden
    ///   size h and feed-forward size f.
    public func embed(_ texts: [String], progress: ((_ completed: Int, _ total: Int) -> Void)? = nil) -> Matrix<Float> {
        embed(tokenSequences: texts.map { tokenizer.encode($0) }, progress: progress, shouldStop: { false })
    }

    /// Embeds texts, stopping between batches when the task is cancelled.
    ///
    /// The work runs on the calling task's thread and on `Parallel`'s threads; it
    /// does not suspend, so call it from a task that may block for the duration.
    ///
    /// - Throws: `CancellationError` when the calling task is cancelled.
    public func encode(_ texts: [String]) async throws -> Matrix<Float> {
        let sequences = texts.map { tokenizer.encode($0) }
        try Task.checkCancellation()
        let cancelled = _CancellationFlag()
        let result = await withTaskCancellationHandler {
            embed(tokenSequences: sequences, progress: nil, shouldStop: { cancelled.isSet })
        } onCancel: {
            cancelled.set()
        }
        try Task.checkCancellation()
        return result
    }

    /// Embeds sequences of token ids that already carry `[CLS]` and `[SEP]`.
    ///
    /// - Precondition: every sequence has 1…``Configuration/maximumSequenceLength`` ids,
    ///   each below the vocabulary size.
    public func embed(tokenIDs: [[Int]]) -> Matrix<Float> {
        for (index, sequence) in tokenIDs.enumerated() {
            precondition(
                !sequence.isEmpty && sequence.count <= configuration.maximumSequenceLength,
                "Token sequence \(index) has \(sequence.count) ids; 1…\(configuration.maximumSequenceLength) allowed")
            precondition(
                sequence.allSatisfy { $0 >= 0 && $0 < architecture.vocabularySize },
                "Token sequence \(index) holds an id outside 0..<\(architecture.vocabularySize)")
        }
        return embed(tokenSequences: tokenIDs, progress: nil, shouldStop: { false })
    }

    /// Sorts the sequences by length, cuts them into batches of at most
    /// ``Configuration/tokensPerBatch`` tokens, and runs the batches.
    ///
    /// With more than one batch and more than one thread, each thread runs whole batches
    /// (no synchronisation inside a batch); a single batch spreads its row blocks and
    /// sequences over ``Parallel``. BLAS runs single-threaded either way, and every batch
    /// is computed the same way for any thread count.
    private func embed(
        tokenSequences: [[Int]], progress: ((Int, Int) -> Void)?, shouldStop: () -> Bool
    ) -> Matrix<Float> {
        let hidden = architecture.hiddenSize
        var result = Matrix<Float>(rowCount: tokenSequences.count, columnCount: hidden)
        guard !tokenSequences.isEmpty else { return result }
        let order = tokenSequences.indices.sorted {
            (tokenSequences[$0].count, $0) < (tokenSequences[$1].count, $1)
        }
        let budget = max(tokenSequences[order.last!].count, configuration.tokensPerBatch)
        var batches: [Range<Int>] = []
        var capacity = 0
        var start = 0
        while start < order.count {
            var end = start
            var tokens = 0
            while end < order.count, end == start || tokens + tokenSequences[order[end]].count <= budget {
                tokens += tokenSequences[order[end]].count
                end += 1
            }
            batches.append(start..<end)
            capacity = max(capacity, tokens)
            start = end
        }
        let report = _ProgressReporter(total: order.count, callback: progress)
        let workers = min(Parallel.threadCount, batches.count)
        result.withUnsafeMutableBufferPointer { output in
            let base = output.baseAddress!
            func run(_ batch: Range<Int>, in workspace: inout _Workspace, parallel: Bool) {
                workspace.run(
                    order[batch].map { tokenSequences[$0] }, weights: weights, architecture: architecture,
                    outputRows: order[batch].map { base + $0 * hidden }, parallel: parallel)
                report.advance(by: batch.count)
            }
            if workers <= 1 {
                var workspace = _Workspace(architecture: architecture, tokenCapacity: capacity)
                for batch in batches where !shouldStop() { run(batch, in: &workspace, parallel: true) }
                return
            }
            let next = Atomic<Int>(0)
            Parallel.forEachChunk(of: 0..<workers, grainSize: 1) { _ in
                var workspace = _Workspace(architecture: architecture, tokenCapacity: capacity)
                while !shouldStop() {
                    let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    if index >= batches.count { break }
                    run(batches[index], in: &workspace, parallel: false)
                }
            }
        }
        return result
    }
}
