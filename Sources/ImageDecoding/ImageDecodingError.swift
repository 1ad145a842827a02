/// An error from decoding an image file: what was wrong, and in which file.
public enum ImageDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not exist.
    case fileNotFound(path: String)
    /// The file exists but cannot be read (permissions, a directory, an I/O error).
    case unreadableFile(path: String, reason: String)
    /// The bytes start with neither the JPEG nor the PNG signature.
    case unknownFormat(source: String)
    /// The decoder rejected the data (truncated, corrupt, or an unsupported variant).
    case corruptImage(source: String, format: String, reason: String)
    /// The image has more pixels than ``ImageDecoder/maximumPixelCount`` allows.
    case imageTooLarge(source: String, reason: String)
    /// Memory for the pixels could not be allocated.
    case outOfMemory(source: String, reason: String)
    /// libpng refused to encode an image as PNG (`RGBImage.pngBytes(source:)`).
    case pngEncodingFailed(source: String, reason: String)

    public var description: String {
        switch self {
        case let .fileNotFound(path): return "image file not found: \(path)"
        case let .unreadableFile(path, reason): return "cannot read image file \(path): \(reason)"
        case let .unknownFormat(source): return "\(source): not a JPEG or PNG image"
        case let .corruptImage(source, format, reason): return "\(source): corrupt \(format) image: \(reason)"
        case let .imageTooLarge(source, reason): return "\(source): image too large: \(reason)"
        case let .outOfMemory(source, reason): return "\(source): out of memory: \(reason)"
        case let .pngEncodingFailed(source, reason): return "\(source): cannot encode as PNG: \(reason)"
        }
    }
}
