/// Decoded mono audio: samples in [−1, 1] (nominally) at a sample rate in hertz.
///
/// Hosts that decode audio themselves (any format, any library) build clips directly
/// and never need ``WAVDecoder``. Multi-channel audio should be mixed to mono first, as
/// ``WAVDecoder`` does (the mean of the channels).
public struct AudioClip: Hashable, Sendable {
    /// The samples, one per frame.
    public var samples: [Float]
    /// The number of samples per second.
    public var sampleRate: Int

    /// A clip of `samples` at `sampleRate` hertz.
    ///
    /// - Precondition: `sampleRate` is positive.
    public init(samples: [Float], sampleRate: Int) {
        precondition(sampleRate > 0, "sampleRate must be positive, got \(sampleRate)")
        self.samples = samples
        self.sampleRate = sampleRate
    }

    /// The length in seconds.
    public var duration: Double { Double(samples.count) / Double(sampleRate) }
}
