import FeatureEncoding

/// What a feature pipeline's image and audio columns
/// (``FeaturePipeline/Block/image(_:encoder:weight:)``, ``FeaturePipeline/Block/audio(_:encoder:weight:)``)
/// need from the host: the encoders over file paths, whether a corrupt file is an error,
/// the disk cache of vectors, and the report of skipped files.
///
/// Fusion links no image or audio decoder and no model: a host supplies, for example,
/// `ImageDecoding`'s `ImageFileEncoder` wrapping `ImageEmbedding`'s `EfficientNetLiteEncoder`,
/// and `AudioEmbedding`'s `AudioFileEncoder` wrapping its `LogMelEncoder`:
///
/// ```swift
/// let media = MediaColumnOptions(
///     images: ["efficientnet-lite0": ImageFileEncoder(try EfficientNetLiteEncoder(modelDirectory: folder))],
///     audio: ["log-mel": AudioFileEncoder(LogMelEncoder())],
///     diskCache: DiskEncodingCache(directory: DiskEncodingCache.defaultDirectory))
/// let model = try await trainer.fit(interactions, items: Attributes(table, pipeline: pipeline), media: media)
/// print(await media.report.absentCount)   // cells whose file was missing or undecodable
/// ```
public struct MediaColumnOptions: Sendable {
    /// The image encoders over file paths, by the names the pipeline's image blocks use.
    public var images: [String: any ImageEncoder<String>]
    /// The audio encoders over file paths, by the names the pipeline's audio blocks use.
    public var audio: [String: any AudioEncoder<String>]
    /// Whether a file that exists and is read but that its encoder rejects (a corrupt or
    /// unsupported image or clip) throws ``FusionError/unreadableImage(block:file:reason:)``
    /// or ``FusionError/unreadableAudio(block:file:reason:)`` naming it, instead of being an
    /// absent row. Missing and unreadable files are absent rows either way. Default `false`.
    public var strict: Bool
    /// Vectors kept on disk by the SHA-256 of the file's bytes and the encoder's
    /// identifier, so that encoding the same file again — in a second fit, under another
    /// path — decodes nothing; `nil` keeps no cache.
    public var diskCache: DiskEncodingCache?
    /// Where the counts of absent rows are added, per block.
    public let report: MediaColumnReport

    /// Options with image and audio encoders, strictness, a disk cache and a fresh report.
    public init(
        images: [String: any ImageEncoder<String>] = [:], audio: [String: any AudioEncoder<String>] = [:],
        strict: Bool = false, diskCache: DiskEncodingCache? = nil
    ) {
        self.images = images
        self.audio = audio
        self.strict = strict
        self.diskCache = diskCache
        self.report = MediaColumnReport()
    }

    /// The encoder supplied under `name` for columns of `kind`, if any.
    func encoder(_ kind: MediaKind, named name: String) -> (any FeatureEncoder<String>)? {
        switch kind {
        case .image: images[name]
        case .audio: audio[name]
        }
    }

    /// The number of files encoded together in one call to an encoder.
    static let batchSize = 32
}

/// The kind of file a media column names.
public enum MediaKind: String, Sendable, Hashable, CaseIterable {
    /// JPEG, PNG or whatever the host's image encoder decodes.
    case image
    /// WAV or whatever the host's audio encoder decodes.
    case audio
}
