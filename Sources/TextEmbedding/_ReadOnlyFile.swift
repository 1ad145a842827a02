#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file opened for positioned reads, closed when the value is released.
final class _ReadOnlyFile {
    let path: String
    let size: Int
    private let descriptor: Int32

    /// Opens `path`.
    ///
    /// - Throws: ``TextEmbeddingError/fileNotFound(path:)`` or
    ///   ``TextEmbeddingError/unreadableFile(path:reason:)``.
    init(path: String) throws(TextEmbeddingError) {
        self.path = path
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT { throw .fileNotFound(path: path) }
            throw .unreadableFile(path: path, reason: String(cString: strerror(code)))
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            close(descriptor)
            throw .unreadableFile(path: path, reason: String(cString: strerror(code)))
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw .unreadableFile(path: path, reason: "not a regular file")
        }
        self.descriptor = descriptor
        self.size = Int(status.st_size)
    }

    deinit { close(descriptor) }

    /// Fills `buffer` with the bytes at `offset`.
    ///
    /// - Throws: ``TextEmbeddingError/truncatedFile(path:expected:actual:)`` when the file
    ///   ends first, ``TextEmbeddingError/unreadableFile(path:reason:)`` on an I/O error.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(TextEmbeddingError) {
        var done = 0
        while done < buffer.count {
            let count = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadableFile(path: path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { throw .truncatedFile(path: path, expected: offset + buffer.count, actual: offset + done) }
            done += count
        }
    }

    /// Fills `buffer` with the bytes at `offset`; a wrapper for closures that cannot
    /// throw typed errors.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int, failure: inout TextEmbeddingError?) {
        do { try read(into: buffer, at: offset) } catch { failure = error }
    }

    /// The `count` bytes at `offset`.
    func bytes(at offset: Int, count: Int) throws(TextEmbeddingError) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        var failure: TextEmbeddingError?
        result.withUnsafeMutableBytes { buffer in read(into: buffer, at: offset, failure: &failure) }
        if let failure { throw failure }
        return result
    }

    /// The whole file.
    static func contents(of path: String) throws(TextEmbeddingError) -> [UInt8] {
        let file = try _ReadOnlyFile(path: path)
        return try file.bytes(at: 0, count: file.size)
    }
}
