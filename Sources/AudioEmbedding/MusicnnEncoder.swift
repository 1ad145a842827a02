import FeatureEncoding
import LinearAlgebra
import Synchronization

/// A pure-Swift music encoder: musicnn (Pons & Serra 2019, [musicnn]) trained to tag the
/// Million Song Dataset (`MSD_musicnn`), run on BLAS.
///
/// A clip's embedding is the mean over its 3-second patches of musicnn's 200
/// `penultimate` features — the batch-normalised ReLU output of the dense layer before
/// the tag layer, the vector `extractor.py` returns under that name — or, with
/// ``Output/tagProbabilities``, the mean over patches of the 50 tag probabilities (the
/// taggram's mean, as `tagger.py` ranks tags).
///
/// Preprocessing follows musicnn's `extractor.py`: audio at 16 kHz (clips at other rates
/// are resampled by FusionRec's windowed sinc), a librosa mel spectrogram (512-sample
/// FFT, hop 256, 96 Slaney bands, power 2), rounded to float16 and compressed as
/// log₁₀(10000·x + 1) in float16 arithmetic, cut into non-overlapping patches of 187
/// frames (the frames after the last whole patch are dropped). Where 10000·x overflows
/// float16 (x > 6.55, common in loud audio), musicnn's input becomes infinite and its
/// outputs NaN; this encoder takes that product in single precision instead.
///
/// The weights are musicnn 0.1.0's TensorFlow checkpoint (ISC licence), converted to
/// safetensors by `Scripts/fetch-musicnn.sh` with no TensorFlow. Agreement with a NumPy
/// forward pass that matches musicnn's TensorFlow graph: see Docs/AudioEmbedding.md.
///
/// Patches of every clip of a batch are spread over `Parallel.threadCount` threads, one
/// patch per thread at a time; a patch's result never depends on the batch or the thread
/// count.
///
/// [musicnn]: https://arxiv.org/abs/1909.06654
public struct MusicnnEncoder: AudioEncoder {
    /// A decoded mono clip.
    public typealias Input = AudioClip

    /// What a clip's row holds.
    public enum Output: String, Hashable, Sendable {
        /// The 200 penultimate features, averaged over patches (the default).
        case penultimate
        /// The 50 tag probabilities (sigmoids of the logits), averaged over patches, in
        /// the order of ``MusicnnEncoder/tags``.
        case tagProbabilities
    }

    /// The Million Song Dataset tags of ``Output/tagProbabilities``, in order
    /// (musicnn's `configuration.MSD_LABELS`).
    public static let tags = [
        "rock", "pop", "alternative", "indie", "electronic", "female vocalists", "dance", "00s", "alternative rock",
        "jazz", "beautiful", "metal", "chillout", "male vocalists", "classic rock", "soul", "indie rock", "Mellow",
        "electronica", "80s", "folk", "90s", "chill", "instrumental", "punk", "oldies", "blues", "hard rock",
        "ambient", "acoustic", "experimental", "female vocalist", "guitar", "Hip-Hop", "70s", "party", "country",
        "easy listening", "sexy", "catchy", "funk", "electro", "heavy metal", "Progressive rock", "60s", "rnb",
        "indie pop", "sad", "House", "happy",
    ]

    /// The analysis rate, 16 kHz.
    public static let sampleRate = 16_000
    /// Frames per patch: 187 frames of 256 samples, 3 s.
    public static let patchFrameCount = _MusicnnWeights.frameCount
    /// The fewest samples (at 16 kHz) that make one patch: 186 hops, 47,616 samples (2.976 s).
    public static let minimumSampleCount = (_MusicnnWeights.frameCount - 1) * 256

    /// What each row holds.
    public let output: Output
    /// `"musicnn-msd-penultimate@"` or `"musicnn-msd-tags@"` followed by a 64-bit
    /// fingerprint of every weight.
    public let identifier: String
    let weights: _MusicnnWeights

    /// musicnn's analysis: 16 kHz, 512-sample FFT, hop 256, 96 Slaney mel bands from 0 to
    /// 8 kHz, power 2 (`configuration.py`; librosa's defaults for the rest).
    static let spectrogram: LogMelSpectrogram = {
        var configuration = LogMelSpectrogram.Configuration()
        configuration.sampleRate = sampleRate
        configuration.fftLength = 512
        configuration.hopLength = 256
        configuration.melBandCount = _MusicnnWeights.bandCount
        return LogMelSpectrogram(configuration: configuration)
    }()

    /// The row width: 200 features, or 50 tag probabilities.
    public var dimension: Int {
        output == .penultimate ? _MusicnnWeights.featureCount : _MusicnnWeights.tagCount
    }

    /// Loads `model.safetensors` from a directory (the one that `Scripts/fetch-musicnn.sh`
    /// fills).
    ///
    /// - Parameters:
    ///   - modelDirectory: the directory holding `model.safetensors`.
    ///   - output: what each row holds; the penultimate features by default.
    /// - Throws: ``AudioEmbeddingError/modelNotFound(path:)`` when the file is missing,
    ///   ``AudioEmbeddingError/invalidWeights(path:reason:)`` naming the first missing,
    ///   misshapen or non-finite tensor, or a malformed file.
    /// - Complexity: O(weights): about 3 MB read once.
    public init(modelDirectory: String, output: Output = .penultimate) throws(AudioEmbeddingError) {
        let directory = modelDirectory.hasSuffix("/") ? String(modelDirectory.dropLast()) : modelDirectory
        let path = directory + "/model.safetensors"
        let weights: _MusicnnWeights
        do throws(_ModelFileFailure) {
            let file = try _SafeTensors(path: path)
            weights = try _MusicnnWeights { (name, shape) throws(_ModelFileFailure) in try file.floats(name, shape: shape) }
        } catch {
            if case .fileNotFound(let missing) = error { throw .modelNotFound(path: missing) }
            throw .invalidWeights(path: path, reason: error.description)
        }
        self.init(weights: weights, output: output)
    }

    init(weights: _MusicnnWeights, output: Output) {
        self.weights = weights
        self.output = output
        let fingerprint = String(weights.fingerprint(), radix: 16)
        identifier = (output == .penultimate ? "musicnn-msd-penultimate@" : "musicnn-msd-tags@")
            + String(repeating: "0", count: 16 - fingerprint.count) + fingerprint
    }

    /// The row of one clip.
    ///
    /// - Parameters:
    ///   - clip: the audio, at least ``minimumSampleCount`` samples once at 16 kHz.
    ///   - source: how errors name the clip.
    /// - Throws: ``AudioEmbeddingError/emptyAudio(source:)``,
    ///   ``AudioEmbeddingError/nonFiniteSample(source:index:)``,
    ///   ``AudioEmbeddingError/sampleOutOfRange(source:index:)``,
    ///   ``AudioEmbeddingError/tooLong(source:frameCount:limit:)`` or
    ///   ``AudioEmbeddingError/tooShort(source:sampleCount:minimum:)``.
    /// - Complexity: about 1.4 · 10⁹ multiply-adds per 3 s patch.
    public func embedding(of clip: AudioClip, source: String = "<clip>") throws(AudioEmbeddingError) -> [Float] {
        try rows([clip], sources: [source], shouldStop: { false }).elements
    }

    /// Embeds clips, in order, stopping between patches when the task is cancelled.
    ///
    /// The work runs on the calling task's thread and on `Parallel`'s threads; it does
    /// not suspend, so call it from a task that may block for the duration.
    ///
    /// - Throws: the first failing clip's ``AudioEmbeddingError`` (naming it `clip i`),
    ///   or `CancellationError`.
    /// - Complexity: ``embedding(of:source:)`` per clip.
    public func encode(_ inputs: [AudioClip]) async throws -> Matrix<Float> {
        try Task.checkCancellation()
        let cancelled = Atomic<Bool>(false)
        let result = try await withTaskCancellationHandler {
            try rows(inputs, sources: inputs.indices.map { "clip \($0)" }, shouldStop: { cancelled.load(ordering: .relaxed) })
        } onCancel: {
            cancelled.store(true, ordering: .relaxed)
        }
        try Task.checkCancellation()
        return try Matrix(rowCount: inputs.count, columnCount: dimension, elements: result.elements)
    }

    /// The per-patch outputs of one clip: a `patches × 200` matrix of penultimate
    /// features (``Output/penultimate``) or a `patches × 50` taggram of tag probabilities.
    ///
    /// - Throws: as ``embedding(of:source:)``.
    public func patchRows(of clip: AudioClip, source: String = "<clip>") throws(AudioEmbeddingError) -> Matrix<Float> {
        let input = try Self.networkInput(of: clip, source: source)
        let perPatch = run(patches: [input], shouldStop: { false })
        return try! Matrix(rowCount: perPatch.count / dimension, columnCount: dimension, elements: perPatch)
    }
}
