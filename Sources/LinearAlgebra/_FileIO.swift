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
    /// Whether the failure is that nothing exists at `path` (`ENOENT`), for callers whose
    /// errors tell a missing file from an unreadable one.
    package var isMissingFile = false
}

/// The system's message for the current `errno`.
package func _systemErrorMessage() -> String { String(cString: strerror(errno)) }

/// The temporary file an atomic write of `path` writes before renaming it over `path`.
package func _temporaryPath(for path: String) -> String { path + ".tmp-\(getpid())" }

/// The bytes of a whole file.
package func _readWholeFile(_ path: String) throws(_FileFailure) -> [UInt8] {
    guard let file = fopen(path, "rb") else {
        throw _FileFailure(path: path, reason: _systemErrorMessage(), isMissingFile: errno == ENOENT)
    }
    defer { fclose(file) }
    var info = stat()
    if fstat(fileno(file), &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
        throw _FileFailure(path: path, reason: "is a folder, not a file")
    }
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

/// The file that writing `path` must replace: `path` itself, or the file a symbolic link
/// at `path` points at (links followed to the end; a relative link is read from its own
/// folder). The result need not exist yet.
///
/// - Throws: a `_FileFailure` when the path or a link's target is a folder, a device, a
///   FIFO or a socket — anything an atomic write would destroy instead of updating — or
///   when links loop.
package func _writeTarget(_ path: String) throws(_FileFailure) -> String {
    var current = path
    for _ in 0..<40 {
        var info = stat()
        guard lstat(current, &info) == 0 else {
            if errno == ENOENT { return current }
            throw _FileFailure(path: path, reason: _systemErrorMessage())
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            return current
        case S_IFLNK:
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = readlink(current, &buffer, buffer.count - 1)
            guard length >= 0 else { throw _FileFailure(path: path, reason: _systemErrorMessage()) }
            let link = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = link.hasPrefix("/") ? link : _folder(of: current) + "/" + link
        case S_IFDIR:
            throw _FileFailure(path: path, reason: "is a folder; refusing to replace it with a file")
        default:
            throw _FileFailure(path: path, reason: "is not a regular file (a device, FIFO or socket); refusing to replace it")
        }
    }
    throw _FileFailure(path: path, reason: "too many levels of symbolic links")
}

/// The folder part of `path` (`.` for a bare name, `/` for a file in the root).
func _folder(of path: String) -> String {
    let slash = path.lastIndex(of: "/")
    return slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
}

/// Writes `bytes` to `path` atomically: a temporary file in the folder of the file being
/// replaced is written, flushed to disk with `fsync` and renamed over it, then the folder
/// is synced. If any step fails the temporary file is removed and `path` is left as it
/// was. A symbolic link is written through (its target is replaced and the link kept);
/// an existing file keeps its permissions; a folder, device, FIFO or socket is refused
/// (see ``_writeTarget(_:)``).
package func _writeWholeFileAtomically(_ path: String, _ bytes: [UInt8]) throws(_FileFailure) {
    let target = try _writeTarget(path)
    var existing = stat()
    let replacing = lstat(target, &existing) == 0
    let mode = replacing ? existing.st_mode & 0o7777 : 0o644
    let temporary = _temporaryPath(for: target)
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, mode)
    guard descriptor >= 0 else {
        throw _FileFailure(path: path, reason: "cannot create \(temporary): " + _systemErrorMessage())
    }
    if replacing { _ = fchmod(descriptor, mode) }
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
    guard rename(temporary, target) == 0 else {
        let reason = _systemErrorMessage()
        unlink(temporary)
        throw _FileFailure(path: path, reason: "cannot rename \(temporary): " + reason)
    }
    let folderDescriptor = open(_folder(of: target), O_RDONLY)
    if folderDescriptor >= 0 {
        _ = fsync(folderDescriptor)
        close(folderDescriptor)
    }
}

/// A file read front to back in pieces, so that pipes and FIFOs work and a caller can
/// keep memory near one piece instead of the whole file.
package final class _SequentialFileReader {
    private let descriptor: Int32
    package let path: String

    /// Opens `path` for reading; a folder is refused.
    package init(path: String) throws(_FileFailure) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw _FileFailure(path: path, reason: _systemErrorMessage()) }
        var info = stat()
        if fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            close(descriptor)
            throw _FileFailure(path: path, reason: "is a folder, not a file")
        }
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    /// Fills `buffer` as far as the file allows and returns the number of bytes read;
    /// fewer than `buffer.count` only at the end of the file.
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(_FileFailure) -> Int {
        var filled = 0
        while filled < buffer.count {
            let result = _readDescriptor(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            if result < 0 {
                if errno == EINTR { continue }
                throw _FileFailure(path: path, reason: "read failed: " + _systemErrorMessage())
            }
            if result == 0 { break }
            filled += result
        }
        return filled
    }
}

/// The C library's `read`, under a name the reader's own `read(into:)` does not shadow.
private func _readDescriptor(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
