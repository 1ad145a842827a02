/// Reading and writing NumPy `.npy` arrays (format version 1.0), so factor matrices move
/// between FusionRec and numpy, implicit or cmfrec.
///
/// ```swift
/// try model.itemFactors.writeNumPy(toFile: "items.npy")
/// // numpy: v = np.load("items.npy")
/// let items = try Matrix<Float>(numPyFile: "items.npy")
/// ```
///
/// Written files are 2-D, C order, `<f4` for `Float` and `<f8` for `Double` (or the
/// requested type), with the header padded to 64 bytes as NumPy does. Read files may be
/// `<f4` or `<f8` (converted to `Scalar`), 1-D (read as one column) or 2-D, in C order.
/// The format is documented at https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html.
extension Matrix {
    /// The matrix as the bytes of a `.npy` file.
    ///
    /// - Parameter dataType: the element type to write; by default the one matching `Scalar`.
    /// - Complexity: O(rows × columns).
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    public func numPyBytes(as dataType: NumPyDataType? = nil) -> [UInt8] {
        let dataType = dataType ?? .matching(Scalar.self)
        var bytes = _NumPyHeader.encode(dataType: dataType, rows: rowCount, columns: columnCount)
        let headerCount = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: storage.count * dataType.byteCount))
        bytes.withUnsafeMutableBytes { raw in
            storage.withUnsafeBufferPointer { values in
                switch dataType {
                case .float32:
                    for (index, value) in values.enumerated() {
                        raw.storeBytes(of: Float(value).bitPattern.littleEndian, toByteOffset: headerCount + 4 * index, as: UInt32.self)
                    }
                case .float64:
                    for (index, value) in values.enumerated() {
                        raw.storeBytes(of: Double(value).bitPattern.littleEndian, toByteOffset: headerCount + 8 * index, as: UInt64.self)
                    }
                }
            }
        }
        return bytes
    }

    /// Reads a matrix from the bytes of a `.npy` file.
    ///
    /// A 1-D array of n elements becomes an n×1 matrix. Values are converted to `Scalar`
    /// (rounding `<f8` to `Float`); NaN and infinities are kept — call
    /// ``validateFinite(_:)`` when they are not acceptable.
    /// - Throws: ``NumPyFormatError`` for a wrong magic string, an unsupported version,
    ///   data type, order or shape, a malformed header, or a data section whose length is
    ///   not exactly what the header's shape needs. Nothing is allocated before the
    ///   announced size has been checked against the bytes present.
    /// - Complexity: O(bytes).
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    public init(numPyBytes bytes: [UInt8]) throws(NumPyFormatError) {
        let result = bytes.withUnsafeBytes { raw -> Result<(_NumPyHeader, [Scalar]), NumPyFormatError> in
            Result { () throws(NumPyFormatError) in try Self._decodeNumPy(raw) }
        }
        let (header, elements) = try result.get()
        self.rowCount = header.shape[0]
        self.columnCount = header.shape.count == 2 ? header.shape[1] : 1
        self.storage = elements
    }

    /// Parses the header of `raw`, checks the data section's length and converts it.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    static func _decodeNumPy(_ raw: UnsafeRawBufferPointer) throws(NumPyFormatError) -> (_NumPyHeader, [Scalar]) {
        let header = try _NumPyHeader(raw)
        let rows = header.shape[0], columns = header.shape.count == 2 ? header.shape[1] : 1
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        let (byteCount, overflow2) = count.multipliedReportingOverflow(by: header.dataType.byteCount)
        guard !overflow, !overflow2 else { throw .unsupportedShape(header.shape) }
        let available = raw.count - header.dataOffset
        guard byteCount == available else { throw .dataSizeMismatch(expectedBytes: byteCount, actualBytes: available) }
        let base = header.dataOffset
        let elements = [Scalar](unsafeUninitializedCapacity: count) { buffer, initialized in
            switch header.dataType {
            case .float32:
                for index in 0..<count {
                    let bits = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: base + 4 * index, as: UInt32.self))
                    buffer[index] = Scalar(Float(bitPattern: bits))
                }
            case .float64:
                for index in 0..<count {
                    let bits = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: base + 8 * index, as: UInt64.self))
                    buffer[index] = Scalar(Double(bitPattern: bits))
                }
            }
            initialized = count
        }
        return (header, elements)
    }

    /// Writes the matrix to a `.npy` file, atomically (a temporary file in the same
    /// folder, flushed and renamed), so a failed write leaves an existing file intact.
    ///
    /// - Throws: ``NumPyFormatError/fileSystem(path:reason:)``.
    /// - Complexity: O(rows × columns).
    public func writeNumPy(toFile path: String, as dataType: NumPyDataType? = nil) throws(NumPyFormatError) {
        do {
            try _writeWholeFileAtomically(path, numPyBytes(as: dataType))
        } catch {
            throw .fileSystem(path: error.path, reason: error.reason)
        }
    }

    /// Reads a matrix from a `.npy` file; see ``init(numPyBytes:)``.
    ///
    /// - Throws: ``NumPyFormatError``.
    /// - Complexity: O(file size).
    public init(numPyFile path: String) throws(NumPyFormatError) {
        let bytes: [UInt8]
        do { bytes = try _readWholeFile(path) } catch { throw .fileSystem(path: error.path, reason: error.reason) }
        try self.init(numPyBytes: bytes)
    }
}
