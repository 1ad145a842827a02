import FeatureEncoding

/// What a feature pipeline's image columns (``FeaturePipeline/Block/image(_:encoder:weight:)``)
/// need from the host: the image encoders over file paths, whether a corrupt file is an
/// error, the disk cache of vectors, and the report of skipped files.
///
/// Fusion links no image decoder or model: a host supplies, for example, `ImageDecoding`'s
/// `ImageFileEncoder` wrapping `ImageEmbedding`'s `EfficientNetLiteEncoder`:
///
/// ```swift
/// let images = ImageColumnOptions(
///     encoders: ["efficientnet-lite0": ImageFileEncoder(try EfficientNetLiteEncoder(modelDirectory: folder))],
///     diskCache: DiskEncodingCache(directory: DiskEncodingCache.defaultDirectory))
/// let model = try await trainer.fit(interactions, items: Attributes(table, pipeline: pipeline), images: images)
/// print(await images.report.absentCount)   // image cells whose file was missing or undecodable
/// ```
public struct ImageColumnOptions: Sendable {
    /// The image encoders over file paths, by the names the pipeline's image blocks use.
    public var encoders: [String: any ImageEncoder<String>]
    /// Whether a file that exists and is read but that its encoder rejects (a corrupt or
    /// unsupported image) throws ``FusionError/unreadableImage(block:file:reason:)``
    /// naming it, instead of being an absent row. Missing and unreadable files are absent
    /// rows either way. Default `false`.
    public var strict: Bool
    /// Vectors kept on disk by the SHA-256 of the file's bytes and the encoder's
    /// identifier, so that encoding the same image again — in a second fit, under another
    /// path — decodes nothing; `nil` keeps no cache.
    public var diskCache: DiskEncodingCache?
    /// Where the counts of absent image rows are added, per block.
    public let report: ImageColumnReport

    /// Options with `encoders`, strictness, a disk cache and a fresh report.
    public init(
        encoders: [String: any ImageEncoder<String>] = [:], strict: Bool = false, diskCache: DiskEncodingCache? = nil
    ) {
        self.encoders = encoders
        self.strict = strict
        self.diskCache = diskCache
        self.report = ImageColumnReport()
    }

    /// The number of images encoded together in one call to an encoder.
    static let batchSize = 32
}
