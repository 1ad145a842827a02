import CFusionRecImageCodecs
import FeatureEncoding
import LinearAlgebra

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes JPEG and PNG images to 8-bit RGB through the system's libjpeg-turbo and
/// libpng.
///
/// Colour handling follows what Pillow's `Image.open(path).convert("RGB")` gives, the
/// usual first step of PyTorch image pipelines: grayscale is replicated to three
/// channels, palettes are expanded, an alpha channel is dropped (not composited),
/// 16-bit PNG samples keep their high byte, and CMYK JPEGs (Adobe-inverted or not) are
/// converted as R = (255 − C)(255 − K)/255. Progressive and interlaced files decode like
/// baseline ones. This module is the only one in FusionRec that links libjpeg and
/// libpng; hosts that decode images themselves build `RGBImage` values directly and
/// never link it.
public struct ImageDecoder: Sendable {
    /// The largest pixel count (width × height) accepted, checked from the header before
    /// any pixel is decoded, so a small file that declares a huge image is refused
    /// without allocating it. Default: 100 million pixels (300 MB of RGB).
    public var maximumPixelCount: Int

    /// A decoder with the given pixel limit.
    public init(maximumPixelCount: Int = 100_000_000) {
        precondition(maximumPixelCount > 0, "maximumPixelCount must be positive, got \(maximumPixelCount)")
        self.maximumPixelCount = maximumPixelCount
    }

    /// Decodes a JPEG or PNG image held in memory; the format is recognised from its
    /// signature, not from a file name.
    ///
    /// - Parameters:
    ///   - bytes: the encoded image.
    ///   - source: how errors name the image (a file path, a URL), `"<memory>"` by default.
    /// - Throws: ``ImageDecodingError`` naming `source` when the data is not a JPEG or
    ///   PNG, is corrupt or truncated, or declares more than ``maximumPixelCount`` pixels.
    /// - Complexity: O(encoded size + width × height).
    public func decode(_ bytes: [UInt8], source: String = "<memory>") throws(ImageDecodingError) -> RGBImage {
        let format: String
        if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF {
            format = "JPEG"
        } else if bytes.count >= 8, bytes[0..<8].elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            format = "PNG"
        } else {
            throw .unknownFormat(source: source)
        }
        let limit = UInt64(maximumPixelCount)
        var result = bytes.withUnsafeBufferPointer { buffer in
            format == "JPEG"
                ? fr_decode_jpeg(buffer.baseAddress, buffer.count, limit)
                : fr_decode_png(buffer.baseAddress, buffer.count, limit)
        }
        let message = withUnsafeBytes(of: &result.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        guard result.status == Int32(FRImageOK), let pixels = result.pixels else {
            switch Int(result.status) {
            case Int(FRImageTooLarge): throw .imageTooLarge(source: source, reason: message)
            case Int(FRImageOutOfMemory): throw .outOfMemory(source: source, reason: message)
            default: throw .corruptImage(source: source, format: format, reason: message)
            }
        }
        defer { free(pixels) }
        let width = Int(result.width), height = Int(result.height)
        let copy = [UInt8](UnsafeBufferPointer(start: pixels, count: width * height * 3))
        guard let image = RGBImage(width: width, height: height, pixels: copy) else {
            throw .corruptImage(source: source, format: format, reason: "decoded to \(width) × \(height) pixels")
        }
        return image
    }

    /// Reads and decodes the JPEG or PNG file at `path`.
    ///
    /// - Throws: ``ImageDecodingError/fileNotFound(path:)``,
    ///   ``ImageDecodingError/unreadableFile(path:reason:)``, or any error of
    ///   ``decode(_:source:)`` with `path` as the source.
    /// - Complexity: O(file size + width × height).
    public func decode(contentsOf path: String) throws(ImageDecodingError) -> RGBImage {
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
