import FeatureEncoding
import LinearAlgebra

/// An image encoder over file paths: decodes each JPEG or PNG file with an
/// ``ImageDecoder`` and embeds the pixels with any encoder of `RGBImage` values (such as
/// `EfficientNetLiteEncoder`).
///
/// Rows are cached by path in encoding caches, so a file that changes on disk keeps its
/// old vector within one cache; use a new cache (or content-addressed paths) when files
/// change.
public struct ImageFileEncoder<Base: ImageEncoder>: ImageEncoder where Base.Input == RGBImage {
    /// A path to a JPEG or PNG file.
    public typealias Input = String

    /// The encoder of decoded pixels.
    public let base: Base
    /// The decoder, with its pixel limit.
    public let decoder: ImageDecoder

    /// The base encoder's dimension.
    public var dimension: Int { base.dimension }
    /// The base encoder's identifier: decoding adds nothing that changes vectors.
    public var identifier: String { base.identifier }

    /// An encoder that decodes files with `decoder` and embeds them with `base`.
    public init(_ base: Base, decoder: ImageDecoder = ImageDecoder()) {
        self.base = base
        self.decoder = decoder
    }

    /// Decodes and embeds the files at `inputs`, in order.
    ///
    /// - Throws: the first file's ``ImageDecodingError`` (naming the file) when one is
    ///   missing, unreadable or corrupt; whatever `base` throws; `CancellationError`.
    /// - Complexity: the decoding of every file plus `base.encode` of the batch.
    public func encode(_ inputs: [String]) async throws -> Matrix<Float> {
        var images: [RGBImage] = []
        images.reserveCapacity(inputs.count)
        for path in inputs {
            try Task.checkCancellation()
            images.append(try decoder.decode(contentsOf: path))
        }
        return try await base.encode(images)
    }
}
