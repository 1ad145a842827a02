/// A trained model that can be saved to and loaded from a FusionRec model file (see
/// ``ModelFile`` and `Docs/ModelFormat.md`).
///
/// Ids are stored as their `description` and read back with `init?(_:)`, so `Int` and
/// `String` ids both work. Scalars are stored at the precision of `Scalar` and converted
/// on load when a file was written at the other precision.
public protocol PersistableModel: Sendable {
    /// The kind recorded in the file's metadata.
    static var modelKind: ModelFile.ModelKind { get }

    /// The model as the bytes of a model file.
    ///
    /// - Complexity: O(model size).
    func modelFileBytes() -> [UInt8]

    /// Reads a model from the bytes of a model file, validating everything.
    ///
    /// - Throws: ``ModelFileError`` for any damage or inconsistency, and
    ///   ``ModelFileError/wrongModelKind(expected:found:)`` for a file of another kind.
    init(modelFileBytes bytes: [UInt8]) throws(ModelFileError)
}

extension PersistableModel {
    /// Saves the model to `path` atomically: a temporary file in the same folder is
    /// written, flushed to disk and renamed over `path`. A failed save leaves an existing
    /// file at `path` unchanged. Concurrent saves to the same path from one process are
    /// not supported.
    ///
    /// - Throws: ``ModelFileError/fileSystem(path:reason:)``.
    /// - Complexity: O(model size).
    public func write(toFile path: String) throws(ModelFileError) {
        try _writeModelFile(path, modelFileBytes())
    }

    /// Loads a model saved by ``write(toFile:)``.
    ///
    /// - Throws: ``ModelFileError``.
    /// - Complexity: O(file size).
    public init(contentsOfFile path: String) throws(ModelFileError) {
        try self.init(modelFileBytes: _readModelFile(path))
    }
}
