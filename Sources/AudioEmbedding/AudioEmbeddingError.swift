/// An error from decoding or embedding audio: what was wrong, and in which file or clip.
public enum AudioEmbeddingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not exist.
    case fileNotFound(path: String)
    /// The file exists but cannot be read (permissions, a directory, an I/O error).
    case unreadableFile(path: String, reason: String)
    /// The bytes do not start with a RIFF/WAVE header.
    case notWAV(source: String)
    /// The WAV structure is broken: a chunk that runs past the end of the data, a
    /// missing `fmt ` or `data` chunk, inconsistent sizes. `offset` is the byte offset
    /// of the offending chunk or field.
    case malformedWAV(source: String, offset: Int, reason: String)
    /// A well-formed WAV whose encoding is not supported (compressed formats such as
    /// μ-law or ADPCM, or unusual sample sizes).
    case unsupportedEncoding(source: String, reason: String)
    /// The clip holds more frames than the decoder's limit allows, or would hold more
    /// samples after resampling than the analyser's limit.
    case tooLong(source: String, frameCount: Int, limit: Int)
    /// The clip holds no samples.
    case emptyAudio(source: String)
    /// The clip is shorter than the encoder's input: `sampleCount` samples at the
    /// analysis rate, fewer than `minimum` (one 3 s patch for ``MusicnnEncoder``).
    case tooShort(source: String, sampleCount: Int, minimum: Int)
    /// A model's weights file does not exist; run `Scripts/fetch-musicnn.sh`.
    case modelNotFound(path: String)
    /// A model's weights file cannot be read or does not hold the expected tensors: a
    /// missing tensor, a wrong shape, a bad header, a non-finite value.
    case invalidWeights(path: String, reason: String)
    /// A sample is NaN or infinite (or two channels overflow when mixed); `index`
    /// counts frames from 0.
    case nonFiniteSample(source: String, index: Int)
    /// A sample's magnitude exceeds ``LogMelSpectrogram/maximumSampleMagnitude`` (2²⁰),
    /// beyond which power spectra could overflow; `index` counts samples from 0.
    case sampleOutOfRange(source: String, index: Int)

    public var description: String {
        switch self {
        case let .fileNotFound(path): return "audio file not found: \(path)"
        case let .unreadableFile(path, reason): return "cannot read audio file \(path): \(reason)"
        case let .notWAV(source): return "\(source): not a RIFF/WAVE file"
        case let .malformedWAV(source, offset, reason): return "\(source): malformed WAV at byte \(offset): \(reason)"
        case let .unsupportedEncoding(source, reason): return "\(source): unsupported WAV encoding: \(reason)"
        case let .tooLong(source, frameCount, limit):
            return "\(source): \(frameCount) frames exceeds the limit of \(limit)"
        case let .emptyAudio(source): return "\(source): the clip holds no samples"
        case let .tooShort(source, sampleCount, minimum):
            return "\(source): \(sampleCount) samples is shorter than the \(minimum) the encoder needs"
        case let .modelNotFound(path): return "audio model not found: \(path) (run Scripts/fetch-musicnn.sh)"
        case let .invalidWeights(path, reason): return "invalid audio model weights in \(path): \(reason)"
        case let .nonFiniteSample(source, index): return "\(source): sample \(index) is not finite"
        case let .sampleOutOfRange(source, index):
            return "\(source): sample \(index) exceeds ±\(LogMelSpectrogram.maximumSampleMagnitude)"
        }
    }
}
