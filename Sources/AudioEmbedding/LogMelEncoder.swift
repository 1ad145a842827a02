import FeatureEncoding
import LinearAlgebra

/// An audio encoder that summarises a clip's log-mel spectrogram by the mean and the
/// standard deviation of each band over time.
///
/// Row layout: the ``LogMelSpectrogram/Configuration/melBandCount`` band means (in
/// decibels), then the band standard deviations (population, as `numpy.std`), 256
/// columns with the default 128 bands. Clips at a rate other than
/// ``LogMelSpectrogram/Configuration/sampleRate`` are resampled first (windowed sinc,
/// see Docs/AudioEmbedding.md). Hand it decoded clips, or wrap it in an
/// ``AudioFileEncoder`` to encode WAV files by path.
public struct LogMelEncoder: AudioEncoder {
    /// A decoded mono clip.
    public typealias Input = AudioClip

    /// The spectrogram analyser.
    public let spectrogram: LogMelSpectrogram

    /// An encoder with the given analysis settings (librosa's defaults by default).
    public init(configuration: LogMelSpectrogram.Configuration = .init()) {
        spectrogram = LogMelSpectrogram(configuration: configuration)
    }

    /// Twice the band count: means, then standard deviations.
    public var dimension: Int { 2 * spectrogram.configuration.melBandCount }

    /// The settings that determine the vectors, such as
    /// `"log-mel-mean-std@sr22050-nfft2048-hop512-mels128-fmin0-fmax11025-slaney-power2-amin1e-10-top80-sinc32"`.
    public var identifier: String {
        let c = spectrogram.configuration
        let top = c.topDecibels.map { "\($0)" } ?? "none"
        let fmax = c.maximumFrequency ?? Double(c.sampleRate) / 2
        return "log-mel-mean-std@sr\(c.sampleRate)-nfft\(c.fftLength)-hop\(c.hopLength)-mels\(c.melBandCount)"
            + "-fmin\(c.minimumFrequency)-fmax\(fmax)-slaney-power2-amin\(c.amin)-top\(top)-sinc32"
    }

    /// The embedding of one clip: band means, then band standard deviations.
    ///
    /// - Parameters:
    ///   - clip: the audio.
    ///   - source: how errors name the clip.
    /// - Throws: ``AudioEmbeddingError/emptyAudio(source:)``,
    ///   ``AudioEmbeddingError/nonFiniteSample(source:index:)``,
    ///   ``AudioEmbeddingError/sampleOutOfRange(source:index:)`` or
    ///   ``AudioEmbeddingError/tooLong(source:frameCount:limit:)``.
    /// - Complexity: that of ``LogMelSpectrogram/frames(of:source:)``.
    public func embedding(of clip: AudioClip, source: String = "<clip>") throws(AudioEmbeddingError) -> [Float] {
        let frames = try spectrogram.frames(of: clip, source: source)
        let bands = spectrogram.configuration.melBandCount
        var mean = [Double](repeating: 0, count: bands)
        for frame in frames { for band in 0..<bands { mean[band] += Double(frame[band]) } }
        for band in 0..<bands { mean[band] /= Double(frames.count) }
        var variance = [Double](repeating: 0, count: bands)
        for frame in frames {
            for band in 0..<bands {
                let deviation = Double(frame[band]) - mean[band]
                variance[band] += deviation * deviation
            }
        }
        return mean.map { Float($0) } + variance.map { Float(($0 / Double(frames.count)).squareRoot()) }
    }

    /// Embeds clips, in order.
    ///
    /// - Throws: the first clip's ``AudioEmbeddingError`` (naming it by its index) when
    ///   it is empty, holds a non-finite or out-of-range sample or is too long; `CancellationError`.
    /// - Complexity: the sum of ``embedding(of:source:)`` over the clips.
    public func encode(_ inputs: [AudioClip]) async throws -> Matrix<Float> {
        var elements: [Float] = []
        elements.reserveCapacity(inputs.count * dimension)
        for (index, clip) in inputs.enumerated() {
            try Task.checkCancellation()
            elements += try embedding(of: clip, source: "clip \(index)")
        }
        return try Matrix(rowCount: inputs.count, columnCount: dimension, elements: elements)
    }
}
