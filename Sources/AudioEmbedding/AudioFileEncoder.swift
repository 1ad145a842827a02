import FeatureEncoding
import LinearAlgebra

/// An audio encoder over file paths: decodes each WAV file with a ``WAVDecoder`` and
/// embeds the clips with any encoder of ``AudioClip`` values (such as ``LogMelEncoder``).
///
/// Rows are cached by path in encoding caches, so a file that changes on disk keeps its
/// old vector within one cache; use a new cache (or content-addressed paths) when files
/// change.
public struct AudioFileEncoder<Base: AudioEncoder>: AudioEncoder where Base.Input == AudioClip {
    /// A path to a WAV file.
    public typealias Input = String

    /// The encoder of decoded clips.
    public let base: Base
    /// The decoder, with its frame limit.
    public let decoder: WAVDecoder

    /// The base encoder's dimension.
    public var dimension: Int { base.dimension }
    /// The base encoder's identifier: decoding adds nothing that changes vectors.
    public var identifier: String { base.identifier }

    /// An encoder that decodes files with `decoder` and embeds them with `base`.
    public init(_ base: Base, decoder: WAVDecoder = WAVDecoder()) {
        self.base = base
        self.decoder = decoder
    }

    /// Decodes and embeds the files at `inputs`, in order.
    ///
    /// - Throws: the first file's ``AudioEmbeddingError`` (naming the file) when one is
    ///   missing, unreadable or malformed; whatever `base` throws; `CancellationError`.
    /// - Complexity: the decoding of every file plus `base.encode` of the batch.
    public func encode(_ inputs: [String]) async throws -> Matrix<Float> {
        var clips: [AudioClip] = []
        clips.reserveCapacity(inputs.count)
        for path in inputs {
            try Task.checkCancellation()
            clips.append(try decoder.decode(contentsOf: path))
        }
        return try await base.encode(clips)
    }
}
