import LinearAlgebra

/// Appends little-endian values to a byte array.
package struct _ByteWriter {
    package var bytes: [UInt8] = []

    package init() {}

    package mutating func append(_ value: UInt8) { bytes.append(value) }

    package mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    package mutating func append(_ value: Bool) { bytes.append(value ? 1 : 0) }

    /// A `u32` byte count, then the UTF-8 bytes.
    package mutating func append(_ string: String) {
        append(UInt32(string.utf8.count))
        bytes.append(contentsOf: string.utf8)
    }

    /// One scalar in `width` bytes (4: binary32, 8: binary64).
    package mutating func append<Scalar: BLASScalar>(_ value: Scalar, width: Int) {
        if width == 4 { append(Float(value).bitPattern) } else { append(Double(value).bitPattern) }
    }

    /// Scalars, `width` bytes each.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    package mutating func append<Scalar: BLASScalar>(contentsOf values: [Scalar], width: Int) {
        bytes.reserveCapacity(bytes.count + values.count * width)
        if width == 4 {
            for value in values { append(Float(value).bitPattern) }
        } else {
            for value in values { append(Double(value).bitPattern) }
        }
    }

    /// `u64` rows, `u64` columns, then the elements in row-major order.
    package mutating func append<Scalar: BLASScalar>(_ matrix: Matrix<Scalar>, width: Int) {
        append(UInt64(matrix.rowCount))
        append(UInt64(matrix.columnCount))
        append(contentsOf: matrix.elements, width: width)
    }
}
