extension AudioClip {
    /// The most frames ``wavBytes(source:)`` writes: a 16-bit mono data chunk must stay
    /// below 2³¹ bytes.
    public static let maximumWAVFrameCount = (Int(Int32.max) - 44) / 2

    /// The clip as a 16-bit PCM mono RIFF/WAVE file, as ``WAVDecoder`` reads it: samples
    /// are clamped to [−1, 1] (a non-finite one is written as 0) and rounded to the
    /// nearest of the 65,536 levels (1 ↦ 32,767).
    ///
    /// - Parameter source: how an error names the clip.
    /// - Throws: ``AudioEmbeddingError/tooLong(source:frameCount:limit:)`` above
    ///   ``maximumWAVFrameCount`` samples; ``AudioEmbeddingError/unsupportedEncoding(source:reason:)``
    ///   for a sample rate outside 1...2³¹ − 1.
    /// - Complexity: O(samples).
    public func wavBytes(source: String = "<clip>") throws(AudioEmbeddingError) -> [UInt8] {
        guard samples.count <= Self.maximumWAVFrameCount else {
            throw .tooLong(source: source, frameCount: samples.count, limit: Self.maximumWAVFrameCount)
        }
        guard (1...Int(Int32.max)).contains(sampleRate) else {
            throw .unsupportedEncoding(source: source, reason: "a sample rate of \(sampleRate) Hz")
        }
        let dataCount = 2 * samples.count
        var bytes: [UInt8] = []
        bytes.reserveCapacity(44 + dataCount)
        func append(_ value: Int, width: Int) {
            for shift in stride(from: 0, to: 8 * width, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
        }
        bytes += Array("RIFF".utf8)
        append(36 + dataCount, width: 4)
        bytes += Array("WAVEfmt ".utf8)
        append(16, width: 4)  // fmt chunk size
        append(1, width: 2)  // PCM
        append(1, width: 2)  // mono
        append(sampleRate, width: 4)
        append(2 * sampleRate, width: 4)  // bytes per second
        append(2, width: 2)  // block align
        append(16, width: 2)  // bits per sample
        bytes += Array("data".utf8)
        append(dataCount, width: 4)
        for sample in samples {
            let clamped = sample.isFinite ? max(-1, min(1, sample)) : 0
            append(Int((clamped * 32767).rounded()), width: 2)
        }
        return bytes
    }
}
