import FeatureEncoding

/// The errors the text-embedding module throws while loading a model or its inputs.
///
/// Every case names the file and, where it applies, the tensor, key or line at fault, so
/// that a service embedding the library can report a broken model directory without
/// crashing.
public enum TextEmbeddingError: Error, Equatable, Sendable {
    /// A required file does not exist.
    case fileNotFound(path: String)
    /// A file exists but could not be opened or read.
    case unreadableFile(path: String, reason: String)
    /// A file ends before the data it declares: `expected` bytes were needed, `actual` exist.
    case truncatedFile(path: String, expected: Int, actual: Int)
    /// A JSON document (`config.json`, the safetensors header) is malformed.
    case invalidJSON(path: String, reason: String)
    /// `config.json` describes a model this encoder does not implement.
    case unsupportedArchitecture(path: String, reason: String)
    /// A value in `config.json` is missing or out of range.
    case invalidConfiguration(path: String, key: String, reason: String)
    /// `vocab.txt` is empty, or lacks a special token the tokenizer needs.
    case invalidVocabulary(path: String, reason: String)
    /// The safetensors header is malformed or inconsistent with the file size.
    case invalidSafeTensorsHeader(path: String, reason: String)
    /// A tensor the model needs is absent from the weights file.
    case missingTensor(name: String, path: String)
    /// A tensor is stored in a data type the loader cannot widen to `Float`.
    case unsupportedDataType(tensor: String, dataType: String, path: String)
    /// A tensor's shape differs from what the configuration implies.
    case shapeMismatch(tensor: String, expected: [Int], actual: [Int], path: String)
    /// A tensor's data is inconsistent: its byte range does not fit its shape, or it
    /// holds a NaN or an infinity.
    case invalidTensorData(tensor: String, reason: String, path: String)
}

extension TextEmbeddingError: CustomStringConvertible {
    /// A one-line message that names what was wrong and where.
    public var description: String {
        switch self {
        case .fileNotFound(let path):
            _ModelFileFailure.fileNotFound(path: path).description
        case .unreadableFile(let path, let reason):
            _ModelFileFailure.unreadableFile(path: path, reason: reason).description
        case .truncatedFile(let path, let expected, let actual):
            _ModelFileFailure.truncatedFile(path: path, expected: expected, actual: actual).description
        case .invalidJSON(let path, let reason):
            "Malformed JSON in \(path): \(reason)"
        case .unsupportedArchitecture(let path, let reason):
            "Unsupported model architecture in \(path): \(reason)"
        case .invalidConfiguration(let path, let key, let reason):
            "Invalid configuration value '\(key)' in \(path): \(reason)"
        case .invalidVocabulary(let path, let reason):
            "Invalid vocabulary \(path): \(reason)"
        case .invalidSafeTensorsHeader(let path, let reason):
            _ModelFileFailure.invalidSafeTensorsHeader(path: path, reason: reason).description
        case .missingTensor(let name, let path):
            _ModelFileFailure.missingTensor(name: name, path: path).description
        case .unsupportedDataType(let tensor, let dataType, let path):
            _ModelFileFailure.unsupportedDataType(tensor: tensor, dataType: dataType, path: path).description
        case .shapeMismatch(let tensor, let expected, let actual, let path):
            _ModelFileFailure.shapeMismatch(tensor: tensor, expected: expected, actual: actual, path: path).description
        case .invalidTensorData(let tensor, let reason, let path):
            _ModelFileFailure.invalidTensorData(tensor: tensor, reason: reason, path: path).description
        }
    }
}

extension TextEmbeddingError {
    /// The public case of a model-file failure from the shared readers.
    init(_ failure: _ModelFileFailure) {
        switch failure {
        case .fileNotFound(let path): self = .fileNotFound(path: path)
        case .unreadableFile(let path, let reason): self = .unreadableFile(path: path, reason: reason)
        case .truncatedFile(let path, let expected, let actual):
            self = .truncatedFile(path: path, expected: expected, actual: actual)
        case .invalidSafeTensorsHeader(let path, let reason): self = .invalidSafeTensorsHeader(path: path, reason: reason)
        case .missingTensor(let name, let path): self = .missingTensor(name: name, path: path)
        case .unsupportedDataType(let tensor, let dataType, let path):
            self = .unsupportedDataType(tensor: tensor, dataType: dataType, path: path)
        case .shapeMismatch(let tensor, let expected, let actual, let path):
            self = .shapeMismatch(tensor: tensor, expected: expected, actual: actual, path: path)
        case .invalidTensorData(let tensor, let reason, let path):
            self = .invalidTensorData(tensor: tensor, reason: reason, path: path)
        }
    }

    /// `body`'s result, its model-file failure turned into the public case.
    static func reading<Result>(_ body: () throws(_ModelFileFailure) -> Result) throws(TextEmbeddingError) -> Result {
        do { return try body() } catch { throw TextEmbeddingError(error) }
    }
}
