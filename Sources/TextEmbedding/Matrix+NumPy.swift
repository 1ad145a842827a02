#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra

extension Matrix {
    /// The matrix as a NumPy `.npy` file (format version 1.0, little-endian `<f4` or
    /// `<f8`, C order, shape `(rowCount, columnCount)`), as `numpy.load` reads it.
    ///
    /// - Complexity: O(rowCount·columnCount).
    public func numPyData() -> [UInt8] {
        let descriptor = Scalar.self == Float.self ? "<f4" : Scalar.self == Double.self ? "<f8" : nil
        precondition(descriptor != nil, "NumPy export supports Float and Double, not \(Scalar.self)")
        var header = "{'descr': '\(descriptor!)', 'fortran_order': False, 'shape': (\(rowCount), \(columnCount)), }"
        // Magic (6) + version (2) + length (2) + header + newline, padded to a multiple of 64.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        let length = UInt16(header.utf8.count)
        bytes += [UInt8(length & 0xFF), UInt8(length >> 8)]
        bytes += Array(header.utf8)
        let elementSize = MemoryLayout<Scalar>.size
        let start = bytes.count
        withUnsafeBufferPointer { bytes += UnsafeRawBufferPointer($0) }
        #if _endian(big)
        for offset in stride(from: start, to: bytes.count, by: elementSize) {
            bytes[offset..<(offset + elementSize)].reverse()
        }
        #else
        _ = (start, elementSize)
        #endif
        return bytes
    }

    /// Writes the matrix to `path` as a NumPy `.npy` file (see ``numPyData()``),
    /// replacing any existing file.
    ///
    /// - Throws: ``TextEmbeddingError/unwritableFile(path:reason:)`` when the file cannot
    ///   be created or written.
    public func writeNumPy(toFile path: String) throws(TextEmbeddingError) {
        let data = numPyData()
        guard let stream = fopen(path, "wb") else {
            throw .unwritableFile(path: path, reason: "cannot create: \(String(cString: strerror(errno)))")
        }
        let written = data.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, stream) }
        let closed = fclose(stream)
        guard written == data.count, closed == 0 else {
            throw .unwritableFile(path: path, reason: "write failed: \(String(cString: strerror(errno)))")
        }
    }
}
