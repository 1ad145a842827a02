#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file opened for positioned reads, closed when the value is released. Package-visible:
/// the encoder modules read their model files with it.
package final class _ReadOnlyFile {
    package let path: String
    package let size: Int
    private let descriptor: Int32

    /// Opens `path`.
    ///
    /// - Throws: ``_ModelFileFailure/fileNotFound(path:)`` or
    ///   ``_ModelFileFailure/unreadableFile(path:reason:)``.
    package init(path: String) throws(_ModelFileFailure) {
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
    /// - Throws: ``_ModelFileFailure/truncatedFile(path:expected:actual:)`` when the file
    ///   ends first, ``_ModelFileFailure/unreadableFile(path:reason:)`` on an I/O error.
    package func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(_ModelFileFailure) {
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
    package func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int, failure: inout _ModelFileFailure?) {
        do { try read(into: buffer, at: offset) } catch { failure = error }
    }

    /// The `count` bytes at `offset`.
    package func bytes(at offset: Int, count: Int) throws(_ModelFileFailure) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        var failure: _ModelFileFailure?
        result.withUnsafeMutableBytes { buffer in read(into: buffer, at: offset, failure: &failure) }
        if let failure { throw failure }
        return result
    }

    /// The whole file.
    package static func contents(of path: String) throws(_ModelFileFailure) -> [UInt8] {
        let file = try _ReadOnlyFile(path: path)
        return try file.bytes(at: 0, count: file.size)
    }
}
