#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Whole-file reads and atomic writes on the C library, shared by every module that
// touches files (.npy here, CSV in Factorization, model files in Persistence); each maps
// a `_FileFailure` to its own typed error.

/// A file operation that failed: the path the caller named and the system's reason.
package struct _FileFailure: Error {
    package let path: String
    package let reason: String
}

/// The system's message for the current `errno`.
package func _systemErrorMessage() -> String { String(cString: strerror(errno)) }

/// The temporary file an atomic write of `path` writes before renaming it over `path`.
package func _temporaryPath(for path: String) -> String { path + ".tmp-\(getpid())" }

/// The bytes of a whole file.
package func _readWholeFile(_ path: String) throws(_FileFailure) -> [UInt8] {
    guard let file = fopen(path, "rb") else { throw _FileFailure(path: path, reason: _systemErrorMessage()) }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let read = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        if read > 0 { bytes.append(contentsOf: chunk[0..<read]) }
        if read < chunk.count {
            if ferror(file) != 0 { throw _FileFailure(path: path, reason: "read failed: " + _systemErrorMessage()) }
            return bytes
        }
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder is written,
/// flushed to disk with `fsync` and renamed over `path`, then the folder is synced. If
/// any step fails the temporary file is removed and `path` is left as it was.
package func _writeWholeFileAtomically(_ path: String, _ bytes: [UInt8]) throws(_FileFailure) {
    let temporary = _temporaryPath(for: path)
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard descriptor >= 0 else {
        throw _FileFailure(path: path, reason: "cannot create \(temporary): " + _systemErrorMessage())
    }
    var written = 0
    var failure: String?
    bytes.withUnsafeBytes { raw in
        while written < raw.count {
            let result = write(descriptor, raw.baseAddress! + written, raw.count - written)
            if result < 0 {
                if errno == EINTR { continue }
                failure = "write failed: " + _systemErrorMessage()
                return
            }
            written += result
        }
    }
    if failure == nil, fsync(descriptor) != 0 { failure = "fsync failed: " + _systemErrorMessage() }
    if close(descriptor) != 0, failure == nil { failure = "close failed: " + _systemErrorMessage() }
    if let failure {
        unlink(temporary)
        throw _FileFailure(path: path, reason: failure)
    }
    guard rename(temporary, path) == 0 else {
        let reason = _systemErrorMessage()
        unlink(temporary)
        throw _FileFailure(path: path, reason: "cannot rename \(temporary): " + reason)
    }
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
    let folderDescriptor = open(folder, O_RDONLY)
    if folderDescriptor >= 0 {
        _ = fsync(folderDescriptor)
        close(folderDescriptor)
    }
}
