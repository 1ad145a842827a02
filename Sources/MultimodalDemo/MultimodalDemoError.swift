/// An error of the planted multimodal catalogue or its comparison: what was wrong, and where.
public enum MultimodalDemoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A configuration value out of its documented range.
    case invalidConfiguration(parameter: String, value: String, reason: String)
    /// The catalogue's folder (or one inside it) cannot be created.
    case cannotCreateFolder(path: String, reason: String)
    /// A file of the catalogue cannot be written.
    case cannotWriteFile(path: String, reason: String)
    /// The comparison was given no encoder under a name it needs.
    case missingEncoder(kind: String, name: String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(parameter, value, reason):
            return "invalid \(parameter) = \(value): \(reason)"
        case let .cannotCreateFolder(path, reason):
            return "cannot create the folder \(path): \(reason)"
        case let .cannotWriteFile(path, reason):
            return "cannot write \(path): \(reason)"
        case let .missingEncoder(kind, name):
            return "the comparison needs an \(kind) encoder named '\(name)', which was not supplied"
        }
    }
}
