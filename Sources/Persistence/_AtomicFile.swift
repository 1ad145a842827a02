#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

private func _systemError() -> String { String(cString: strerror(errno)) }

/// The temporary file a save of `path` writes before renaming it over `path`.
func _temporaryPath(for path: String) -> String { path + ".tmp-\(getpid())" }

/// Writes `bytes` to `path` atomically: a temporary file in the same folder is written,
/// flushed to disk with `fsync` and renamed over `path`, then the folder is synced. If
/// any step fails the temporary file is removed and `path` is left as it was.
func _writeModelFile(_ path: String, _ bytes: [UInt8]) throws(ModelFileError) {
    let temporary = _temporaryPath(for: path)
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard descriptor >= 0 else { throw .fileSystem(path: path, reason: "cannot create \(temporary): \(_systemError())") }
    var written = 0
    var failure: String?
    bytes.withUnsafeBytes { raw in
        while written < raw.count {
            let result = write(descriptor, raw.baseAddress! + written, raw.count - written)
            if result < 0 {
                if errno == EINTR { continue }
                failure = "write failed: \(_systemError())"
                return
            }
            written += result
        }
    }
    if failure == nil, fsync(descriptor) != 0 { failure = "fsync failed: \(_systemError())" }
    if close(descriptor) != 0, failure == nil { failure = "close failed: \(_systemError())" }
    if let failure {
        unlink(temporary)
        throw .fileSystem(path: path, reason: failure)
    }
    guard rename(temporary, path) == 0 else {
        let reason = _systemError()
        unlink(temporary)
        throw .fileSystem(path: path, reason: "cannot rename \(temporary): \(reason)")
    }
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
    let folderDescriptor = open(folder, O_RDONLY)
    if folderDescriptor >= 0 {
        _ = fsync(folderDescriptor)
        close(folderDescriptor)
    }
}

/// The bytes of a whole file.
func _readModelFile(_ path: String) throws(ModelFileError) -> [UInt8] {
    guard let file = fopen(path, "rb") else { throw .fileSystem(path: path, reason: _systemError()) }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let read = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        if read > 0 { bytes.append(contentsOf: chunk[0..<read]) }
        if read < chunk.count {
            if ferror(file) != 0 { throw .fileSystem(path: path, reason: "read failed: \(_systemError())") }
            return bytes
        }
    }
}
