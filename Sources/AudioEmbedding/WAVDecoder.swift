import LinearAlgebra

/// Decodes RIFF/WAVE files to mono ``AudioClip`` values, in pure Swift.
///
/// Supported encodings: integer PCM of 8 (unsigned), 16, 24 and 32 bits, and IEEE float
/// of 32 and 64 bits, in plain `WAVE_FORMAT_PCM`/`WAVE_FORMAT_IEEE_FLOAT` files or in
/// `WAVE_FORMAT_EXTENSIBLE` ones with the PCM or float sub-format. Integers are scaled as
/// libsndfile (and so `soundfile` and librosa) scale them: an n-bit sample s becomes
/// s / 2ⁿ⁻¹ (8-bit: (s − 128) / 128). Channels are mixed to mono by their mean, as
/// `librosa.to_mono` does. Unknown chunks (`LIST`, `fact`, `cue `…) are skipped, with
/// the pad byte of odd-sized chunks; a trailing partial frame in the `data` chunk is
/// dropped. Every size is checked against the bytes present before anything is
/// allocated, so a small file that declares a huge chunk is refused cheaply.
public struct WAVDecoder: Sendable {
    /// The largest number of frames (samples per channel) accepted. Default: 10⁸, about
    /// 38 minutes at 44.1 kHz.
    public var maximumFrameCount: Int

    /// A decoder with the given frame limit.
    ///
    /// - Precondition: `maximumFrameCount` is positive.
    public init(maximumFrameCount: Int = 100_000_000) {
        precondition(maximumFrameCount > 0, "maximumFrameCount must be positive, got \(maximumFrameCount)")
        self.maximumFrameCount = maximumFrameCount
    }

    /// Decodes a WAV file held in memory.
    ///
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - source: how errors name the data (a file path), `"<memory>"` by default.
    /// - Returns: the mono clip at the file's sample rate.
    /// - Throws: ``AudioEmbeddingError`` naming `source`: ``AudioEmbeddingError/notWAV(source:)``,
    ///   ``AudioEmbeddingError/malformedWAV(source:offset:reason:)``,
    ///   ``AudioEmbeddingError/unsupportedEncoding(source:reason:)``,
    ///   ``AudioEmbeddingError/tooLong(source:frameCount:limit:)``,
    ///   ``AudioEmbeddingError/emptyAudio(source:)`` or
    ///   ``AudioEmbeddingError/nonFiniteSample(source:index:)``.
    /// - Complexity: O(`bytes.count`).
    public func decode(_ bytes: [UInt8], source: String = "<memory>") throws(AudioEmbeddingError) -> AudioClip {
        try bytes.withUnsafeBufferPointer { buffer throws(AudioEmbeddingError) in
            try _decodeWAV(buffer, source: source, maximumFrameCount: maximumFrameCount)
        }
    }

    /// Reads and decodes the WAV file at `path`.
    ///
    /// - Throws: ``AudioEmbeddingError/fileNotFound(path:)``,
    ///   ``AudioEmbeddingError/unreadableFile(path:reason:)``, or any error of
    ///   ``decode(_:source:)`` with `path` as the source.
    /// - Complexity: O(file size).
    public func decode(contentsOf path: String) throws(AudioEmbeddingError) -> AudioClip {
        let bytes: [UInt8]
        do {
            bytes = try _readWholeFile(path)
        } catch {
            if error.isMissingFile { throw .fileNotFound(path: path) }
            throw .unreadableFile(path: path, reason: error.reason)
        }
        return try decode(bytes, source: path)
    }
}
