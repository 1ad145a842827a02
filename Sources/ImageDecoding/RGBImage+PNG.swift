import CFusionRecImageCodecs
import FeatureEncoding

extension RGBImage {
    /// The image as an 8-bit RGB PNG file, compressed by libpng's simplified writer.
    ///
    /// - Parameter source: how an error names the image.
    /// - Throws: ``ImageDecodingError/pngEncodingFailed(source:reason:)`` when libpng
    ///   refuses the image (a side above 2³¹ − 1, no memory).
    /// - Complexity: O(width · height).
    public func pngBytes(source: String = "<image>") throws(ImageDecodingError) -> [UInt8] {
        guard let width = UInt32(exactly: width), let height = UInt32(exactly: height),
              width <= UInt32(Int32.max), height <= UInt32(Int32.max)
        else {
            throw .pngEncodingFailed(source: source, reason: "\(self.width) × \(self.height) pixels do not fit a PNG")
        }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = width
        image.height = height
        image.format = UInt32(PNG_FORMAT_RGB)
        var size = 0
        let encoded: [UInt8]? = pixels.withUnsafeBytes { pixels in
            guard png_image_write_to_memory(&image, nil, &size, 0, pixels.baseAddress, 0, nil) != 0, size > 0 else {
                return nil
            }
            var bytes = [UInt8](repeating: 0, count: size)
            let written = bytes.withUnsafeMutableBytes {
                png_image_write_to_memory(&image, $0.baseAddress, &size, 0, pixels.baseAddress, 0, nil)
            }
            return written != 0 ? Array(bytes.prefix(size)) : nil
        }
        guard let encoded else {
            let message = withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            png_image_free(&image)
            throw .pngEncodingFailed(source: source, reason: message.isEmpty ? "libpng refused the image" : message)
        }
        return encoded
    }
}
