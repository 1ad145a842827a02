import LinearAlgebra

/// Encoders and validating decoders of section payloads that any model codec uses:
/// scalar matrices and vectors at a stored width, and the checked opening of a file of
/// one kind. The codecs themselves live next to their models.
package enum _Sections {
    /// The most rows (users, items) a file may declare.
    package static let maximumCount = 1 << 40

    /// Validates the container and its `meta` section, checks that the file holds a model
    /// of `kind`, and returns the sections, the metadata and the stored scalar width.
    ///
    /// - Throws: ``ModelFileError``, ``ModelFileError/wrongModelKind(expected:found:)``
    ///   for a file of another kind.
    package static func open(_ bytes: [UInt8], kind: ModelFile.ModelKind) throws(ModelFileError)
        -> (sections: [String: ArraySlice<UInt8>], meta: _Metadata, width: Int)
    {
        let sections = try ModelFile.sections(of: bytes)
        let meta = try _Metadata(sections)
        let found = try meta.string("kind")
        guard found == kind.rawValue else { throw .wrongModelKind(expected: kind.rawValue, found: found) }
        return (sections, meta, try meta.scalarWidth())
    }

    /// The payload of section `name`.
    ///
    /// - Throws: ``ModelFileError/missingSection(_:)``.
    package static func section(_ sections: [String: ArraySlice<UInt8>], _ name: String) throws(ModelFileError)
        -> ArraySlice<UInt8>
    {
        guard let bytes = sections[name] else { throw .missingSection(name) }
        return bytes
    }

    /// Raw scalars, row-major, `width` bytes each.
    package static func encodeMatrix<Scalar: BLASScalar>(_ matrix: Matrix<Scalar>, width: Int) -> [UInt8] {
        var writer = _ByteWriter()
        writer.append(contentsOf: matrix.elements, width: width)
        return writer.bytes
    }

    /// Raw scalars, `width` bytes each.
    package static func encodeVector<Scalar: BLASScalar>(_ values: [Scalar], width: Int) -> [UInt8] {
        var writer = _ByteWriter()
        writer.append(contentsOf: values, width: width)
        return writer.bytes
    }

    /// A `rows × columns` matrix whose section must be exactly that long, with finite values.
    package static func decodeMatrix<Scalar: BLASScalar>(
        _ sections: [String: ArraySlice<UInt8>], _ name: String, rows: Int, columns: Int, width: Int
    ) throws(ModelFileError) -> Matrix<Scalar> {
        let bytes = try section(sections, name)
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        let (byteCount, overflow2) = count.multipliedReportingOverflow(by: width)
        guard !overflow, !overflow2, byteCount == bytes.count else {
            throw .invalidSection(section: name, reason: "\(bytes.count) bytes for a \(rows)×\(columns) matrix of \(width)-byte values")
        }
        var reader = _ByteReader(section: name, bytes: bytes)
        let values: [Scalar] = try reader.scalars(count, width: width)
        let matrix = try! Matrix(rowCount: rows, columnCount: columns, elements: values)
        if let (row, column) = matrix.firstNonFiniteIndex() {
            throw .invalidSection(section: name, reason: "non-finite value at row \(row), column \(column)")
        }
        return matrix
    }

    /// An optional bias vector: present exactly when `present` is.
    package static func decodeBiases<Scalar: BLASScalar>(
        _ sections: [String: ArraySlice<UInt8>], _ name: String, present: Bool, count: Int, width: Int
    ) throws(ModelFileError) -> [Scalar]? {
        guard present else {
            guard sections[name] == nil else { throw .inconsistentLayout(reason: "section '\(name)' is present but the metadata says none") }
            return nil
        }
        let matrix: Matrix<Scalar> = try decodeMatrix(sections, name, rows: count, columns: 1, width: width)
        return matrix.elements
    }
}
