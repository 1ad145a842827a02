/// Why a model file — a safetensors weights file, a vocabulary, a configuration — could
/// not be read, before the encoder module that reads it turns it into its own public error
/// (`TextEmbeddingError`, `ImageEmbeddingError`, …). Package-visible.
package enum _ModelFileFailure: Error, Equatable, CustomStringConvertible {
    case fileNotFound(path: String)
    case unreadableFile(path: String, reason: String)
    /// The file ends before the data it declares: `expected` bytes were needed, `actual` exist.
    case truncatedFile(path: String, expected: Int, actual: Int)
    case invalidSafeTensorsHeader(path: String, reason: String)
    case missingTensor(name: String, path: String)
    case unsupportedDataType(tensor: String, dataType: String, path: String)
    case shapeMismatch(tensor: String, expected: [Int], actual: [Int], path: String)
    /// The byte range does not fit the shape, or the data holds a NaN or an infinity.
    case invalidTensorData(tensor: String, reason: String, path: String)

    package var description: String {
        switch self {
        case .fileNotFound(let path):
            "Model file not found: \(path)"
        case .unreadableFile(let path, let reason):
            "Cannot read \(path): \(reason)"
        case .truncatedFile(let path, let expected, let actual):
            "\(path) is truncated: \(expected) bytes needed, \(actual) present"
        case .invalidSafeTensorsHeader(let path, let reason):
            "Invalid safetensors header in \(path): \(reason)"
        case .missingTensor(let name, let path):
            "Tensor '\(name)' is missing from \(path)"
        case .unsupportedDataType(let tensor, let dataType, let path):
            "Tensor '\(tensor)' in \(path) has unsupported data type \(dataType) (F32, F16 and BF16 are supported)"
        case .shapeMismatch(let tensor, let expected, let actual, let path):
            "Tensor '\(tensor)' in \(path) has shape \(actual), expected \(expected)"
        case .invalidTensorData(let tensor, let reason, let path):
            "Tensor '\(tensor)' in \(path): \(reason)"
        }
    }
}
