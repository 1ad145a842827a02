#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Log-power mel spectrograms as librosa computes them:
/// `librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=sr, n_fft=, hop_length=,
/// n_mels=, fmin=, fmax=, power=2), ref=1, amin=, top_db=)`.
///
/// Steps: the clip is zero-padded by `fftLength / 2` on both sides (librosa's
/// `center=True`, `pad_mode="constant"`), cut into frames of ``Configuration/fftLength``
/// samples every ``Configuration/hopLength`` samples (1 + n / hop frames), each frame
/// multiplied by a periodic Hann window and transformed by FFTW; the squared magnitudes
/// are projected on a Slaney-normalised triangular mel filterbank ([Slaney 1998]), and
/// each value p becomes 10 · log₁₀(max(p, amin)), clipped from below at the clip's
/// maximum minus ``Configuration/topDecibels``.
///
/// Agreement with librosa 0.11 on the test fixtures is within 2·10⁻³ dB per value
/// (float rounding in the FFT and the projection; see Docs/AudioEmbedding.md).
///
/// [Slaney 1998]: https://engineering.purdue.edu/~malcolm/interval/1998-010/
public struct LogMelSpectrogram: Sendable {
    /// The analysis settings; the defaults are librosa's.
    public struct Configuration: Hashable, Sendable {
        /// The rate clips are analysed at; clips at other rates are resampled first.
        /// Default: 22,050 Hz, librosa's.
        public var sampleRate: Int = 22_050
        /// The FFT (and window) length in samples. Default: 2,048.
        public var fftLength: Int = 2_048
        /// The distance between frames in samples. Default: 512.
        public var hopLength: Int = 512
        /// The number of mel bands. Default: 128.
        public var melBandCount: Int = 128
        /// The lowest filter edge in hertz. Default: 0.
        public var minimumFrequency: Double = 0
        /// The highest filter edge in hertz; `nil` means half the sample rate (the default).
        public var maximumFrequency: Double? = nil
        /// The power floor before the logarithm. Default: 10⁻¹⁰ (−100 dB).
        public var amin: Double = 1e-10
        /// The dynamic range kept below the clip's loudest value, in decibels; `nil` keeps
        /// everything. Default: 80.
        public var topDecibels: Double? = 80
        /// The most samples analysed after resampling; longer clips throw
        /// ``AudioEmbeddingError/tooLong(source:frameCount:limit:)`` before anything is
        /// allocated (a file that declares a rate of 1 Hz would otherwise resample to
        /// 22,050 times its length). It does not change the vectors of clips it accepts.
        /// Default: 10⁸, about 75 minutes at 22,050 Hz.
        public var maximumSampleCount: Int = 100_000_000

        /// librosa's defaults.
        public init() {}
    }

    /// The largest sample magnitude analysed, 2²⁰ (nominal audio lies in [−1, 1]): up to
    /// it, every power and mel value stays finite in single precision.
    public static let maximumSampleMagnitude: Float = 1_048_576

    /// The settings.
    public let configuration: Configuration
    let filterbank: _MelFilterbank
    let window: [Float]

    /// An analyser with the given settings.
    ///
    /// - Precondition: positive sample rate, FFT length, hop length and band count; an
    ///   even FFT length; 0 ≤ minimum frequency < maximum frequency ≤ half the sample
    ///   rate; positive `amin`; non-negative `topDecibels`.
    /// - Complexity: O(melBandCount · fftLength) to build the filterbank.
    public init(configuration: Configuration = Configuration()) {
        let c = configuration
        precondition(c.sampleRate > 0 && c.hopLength > 0 && c.melBandCount > 0, "sampleRate \(c.sampleRate), hopLength \(c.hopLength) and melBandCount \(c.melBandCount) must be positive")
        precondition(c.fftLength >= 2 && c.fftLength % 2 == 0, "fftLength must be even and at least 2, got \(c.fftLength)")
        let top = c.maximumFrequency ?? Double(c.sampleRate) / 2
        precondition(
            c.minimumFrequency >= 0 && c.minimumFrequency < top && top <= Double(c.sampleRate) / 2,
            "need 0 ≤ minimumFrequency (\(c.minimumFrequency)) < maximumFrequency (\(top)) ≤ sampleRate / 2")
        precondition(c.amin > 0, "amin must be positive, got \(c.amin)")
        precondition((c.topDecibels ?? 0) >= 0, "topDecibels must be non-negative, got \(c.topDecibels ?? 0)")
        self.configuration = c
        filterbank = _MelFilterbank(
            sampleRate: c.sampleRate, fftLength: c.fftLength, bandCount: c.melBandCount,
            minimumFrequency: c.minimumFrequency, maximumFrequency: top)
        window = (0..<c.fftLength).map { index in
            Float(0.5 - 0.5 * cos(2 * Double.pi * Double(index) / Double(c.fftLength)))
        }
    }

    /// The log-mel spectrogram of `clip`, resampled to ``Configuration/sampleRate`` first
    /// when its rate differs.
    ///
    /// - Parameters:
    ///   - clip: the audio.
    ///   - source: how errors name the clip.
    /// - Returns: `frames[t][b]`, the value in decibels of band `b` in frame `t`, with 1 +
    ///   n / hopLength frames for n samples (after resampling).
    /// - Throws: ``AudioEmbeddingError/emptyAudio(source:)`` for a clip without samples,
    ///   ``AudioEmbeddingError/nonFiniteSample(source:index:)`` for NaN or infinity,
    ///   ``AudioEmbeddingError/sampleOutOfRange(source:index:)`` beyond
    ///   ``maximumSampleMagnitude``,
    ///   ``AudioEmbeddingError/tooLong(source:frameCount:limit:)`` when the resampled clip
    ///   would exceed ``Configuration/maximumSampleCount``.
    /// - Complexity: O(frames · fftLength · log fftLength), plus O(n · Z) to resample.
    public func frames(of clip: AudioClip, source: String = "<clip>") throws(AudioEmbeddingError) -> [[Float]] {
        let values = _logMelValues(try _checkedSamples(of: clip, source: source))
        let bands = configuration.melBandCount
        return (0..<values.count / bands).map { Array(values[$0 * bands..<($0 + 1) * bands]) }
    }

    /// The clip's samples at ``Configuration/sampleRate`` (resampled when its rate
    /// differs), after the checks that ``frames(of:source:)`` documents.
    func _checkedSamples(of clip: AudioClip, source: String) throws(AudioEmbeddingError) -> [Float] {
        guard !clip.samples.isEmpty else { throw .emptyAudio(source: source) }
        if let index = clip.samples.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteSample(source: source, index: index)
        }
        if let index = clip.samples.firstIndex(where: { abs($0) > Self.maximumSampleMagnitude }) {
            throw .sampleOutOfRange(source: source, index: index)
        }
        let resampledCount = (Double(clip.samples.count) * Double(configuration.sampleRate) / Double(clip.sampleRate))
            .rounded(.up)
        guard resampledCount <= Double(configuration.maximumSampleCount) else {
            throw .tooLong(
                source: source, frameCount: resampledCount < 1e18 ? Int(resampledCount) : Int.max,
                limit: configuration.maximumSampleCount)
        }
        return _resample(clip.samples, from: clip.sampleRate, to: configuration.sampleRate)
    }
}
