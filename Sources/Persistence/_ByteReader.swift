import LinearAlgebra

/// Reads little-endian values from one section's bytes, throwing
/// ``ModelFileError/invalidSection(section:reason:)`` instead of reading past the end,
/// and checking every announced count against the bytes left before allocating.
package struct _ByteReader {
    package let section: String
    package let bytes: ArraySlice<UInt8>
    package private(set) var position: Int

    package init(section: String, bytes: ArraySlice<UInt8>) {
        self.section = section
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    package var remaining: Int { bytes.endIndex - position }

    package func fail(_ reason: String) -> ModelFileError { .invalidSection(section: section, reason: reason) }

    package mutating func take(_ count: Int) throws(ModelFileError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw fail("needs \(count) more bytes at offset \(position - bytes.startIndex), \(remaining) left")
        }
        defer { position += count }
        return bytes[position..<position + count]
    }

    package mutating func integer<T: FixedWidthInteger>(_: T.Type) throws(ModelFileError) -> T {
        let slice = try take(MemoryLayout<T>.size)
        var value: T = 0
        for (shift, byte) in slice.enumerated() { value |= T(truncatingIfNeeded: byte) << (8 * shift) }
        return value
    }

    package mutating func boolean() throws(ModelFileError) -> Bool {
        switch try integer(UInt8.self) {
        case 0: return false
        case 1: return true
        case let other: throw fail("boolean byte \(other) at offset \(position - 1 - bytes.startIndex)")
        }
    }

    /// A `u64` count of things of at least `minimumSize` bytes each, checked against the
    /// bytes left so that a lying count cannot cause a large allocation.
    package mutating func count(of what: String, minimumSize: Int) throws(ModelFileError) -> Int {
        let raw = try integer(UInt64.self)
        guard raw <= UInt64(remaining / max(minimumSize, 1)) else {
            throw fail("\(raw) \(what) cannot fit in the \(remaining) bytes left")
        }
        return Int(raw)
    }

    package mutating func string() throws(ModelFileError) -> String {
        let length = Int(try integer(UInt32.self))
        let slice = try take(length)
        guard let text = String(validating: slice, as: UTF8.self) else { throw fail("a string is not valid UTF-8") }
        return text
    }

    package mutating func scalar<Scalar: BLASScalar>(width: Int) throws(ModelFileError) -> Scalar {
        width == 4 ? Scalar(Float(bitPattern: try integer(UInt32.self))) : Scalar(Double(bitPattern: try integer(UInt64.self)))
    }

    /// `count` scalars of `width` bytes each, converted to `Scalar`.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    package mutating func scalars<Scalar: BLASScalar>(_ count: Int, width: Int) throws(ModelFileError) -> [Scalar] {
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow else { throw fail("\(count) values overflow") }
        let slice = try take(byteCount)
        return slice.withUnsafeBytes { raw in
            if width == 4 {
                return (0..<count).map { Scalar(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)))) }
            }
            return (0..<count).map { Scalar(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)))) }
        }
    }

    /// A matrix written by ``_ByteWriter/append(_:width:)``, checked for finiteness.
    package mutating func matrix<Scalar: BLASScalar>(width: Int, name: String) throws(ModelFileError) -> Matrix<Scalar> {
        let rows = try count(of: "rows", minimumSize: 0)
        let columns = try count(of: "columns", minimumSize: 0)
        let (elements, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard !overflow, elements <= remaining / width else {
            throw fail("\(name): a \(rows)×\(columns) matrix cannot fit in the \(remaining) bytes left")
        }
        let values: [Scalar] = try scalars(elements, width: width)
        let matrix = try! Matrix(rowCount: rows, columnCount: columns, elements: values)
        if let (row, column) = matrix.firstNonFiniteIndex() {
            throw fail("\(name): non-finite value at row \(row), column \(column)")
        }
        return matrix
    }

    /// Throws unless every byte has been read.
    package func finish() throws(ModelFileError) {
        guard remaining == 0 else { throw fail("\(remaining) unexpected bytes at the end") }
    }
}
