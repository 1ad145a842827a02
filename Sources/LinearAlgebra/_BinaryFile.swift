#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The system's message for the current `errno`.
func _systemErrorMessage() -> String { String(cString: strerror(errno)) }

/// The bytes of a whole file, read with `fread`.
func _readBinaryFile(_ path: String) throws(NumPyFormatError) -> [UInt8] {
    guard let file = fopen(path, "rb") else { throw .fileSystem(path: path, reason: _systemErrorMessage()) }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let read = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        if read > 0 { bytes.append(contentsOf: chunk[0..<read]) }
        if read < chunk.count {
            if ferror(file) != 0 { throw .fileSystem(path: path, reason: "read failed: " + _systemErrorMessage()) }
            return bytes
        }
    }
}

/// Writes `bytes` to `path` atomically: into a temporary file in the same folder, which
/// is flushed to disk and then renamed over `path`. A failed write leaves `path` as it was.
func _writeBinaryFileAtomically(_ path: String, _ bytes: [UInt8]) throws(NumPyFormatError) {
    let temporary = path + ".tmp-\(getpid())"
    guard let file = fopen(temporary, "wb") else {
        throw .fileSystem(path: path, reason: "cannot create \(temporary): " + _systemErrorMessage())
    }
    let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    let flushed = fflush(file) == 0 && fsync(fileno(file)) == 0
    let message = _systemErrorMessage()
    let closed = fclose(file) == 0
    guard written == bytes.count, flushed, closed else {
        unlink(temporary)
        throw .fileSystem(path: path, reason: "write failed: " + message)
    }
    guard rename(temporary, path) == 0 else {
        let message = _systemErrorMessage()
        unlink(temporary)
        throw .fileSystem(path: path, reason: "cannot rename \(temporary): " + message)
    }
}
