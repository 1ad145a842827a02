/// A 1-D `.npy` array (or an n×1 one) of `<i4`, `<i8`, `<f4` or `<f8` elements: what a
/// pipeline saves for interaction triplets (`np.save("users.npy", users)`).
package enum _NumPyColumn: Sendable {
    case integers([Int])
    case reals([Double])

    /// The number of elements.
    package var count: Int {
        switch self {
        case .integers(let values): values.count
        case .reals(let values): values.count
        }
    }

    /// Reads the column in `path`.
    ///
    /// - Throws: ``NumPyFormatError``, ``NumPyFormatError/unsupportedShape(_:)`` for more
    ///   than one column.
    /// - Complexity: O(file size).
    package init(numPyFile path: String) throws(NumPyFormatError) {
        let bytes: [UInt8]
        do { bytes = try _readWholeFile(path) } catch { throw .fileSystem(path: error.path, reason: error.reason) }
        let result = bytes.withUnsafeBytes { raw -> Result<_NumPyColumn, NumPyFormatError> in
            Result { () throws(NumPyFormatError) in
                let header = try _NumPyHeader(raw, acceptingIntegers: true)
                guard header.shape.count == 1 || header.shape[1] == 1 else { throw .unsupportedShape(header.shape) }
                let count = header.shape[0]
                let width = header.integerByteCount > 0 ? header.integerByteCount : header.dataType.byteCount
                let (byteCount, overflow) = count.multipliedReportingOverflow(by: width)
                guard !overflow else { throw .unsupportedShape(header.shape) }
                let available = raw.count - header.dataOffset
                guard byteCount == available else {
                    throw .dataSizeMismatch(expectedBytes: byteCount, actualBytes: available)
                }
                let base = header.dataOffset
                func element<T: FixedWidthInteger>(_ index: Int, _: T.Type) -> T {
                    T(littleEndian: raw.loadUnaligned(fromByteOffset: base + MemoryLayout<T>.size * index, as: T.self))
                }
                switch (header.integerByteCount, header.dataType) {
                case (4, _): return .integers((0..<count).map { Int(element($0, Int32.self)) })
                case (8, _): return .integers((0..<count).map { Int(element($0, Int64.self)) })
                case (_, .float32): return .reals((0..<count).map { Double(Float(bitPattern: element($0, UInt32.self))) })
                case (_, .float64): return .reals((0..<count).map { Double(bitPattern: element($0, UInt64.self)) })
                }
            }
        }
        self = try result.get()
    }
}
