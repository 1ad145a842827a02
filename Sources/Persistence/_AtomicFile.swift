import LinearAlgebra

/// Writes a model file atomically (see LinearAlgebra's `_writeWholeFileAtomically`): a
/// failed or interrupted save leaves the previous file at `path` as it was.
func _writeModelFile(_ path: String, _ bytes: [UInt8]) throws(ModelFileError) {
    do { try _writeWholeFileAtomically(path, bytes) } catch { throw .fileSystem(path: error.path, reason: error.reason) }
}

/// The bytes of a whole model file.
func _readModelFile(_ path: String) throws(ModelFileError) -> [UInt8] {
    do { return try _readWholeFile(path) } catch { throw .fileSystem(path: error.path, reason: error.reason) }
}
