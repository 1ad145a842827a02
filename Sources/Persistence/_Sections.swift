import Factorization
import LinearAlgebra

/// Encoders and validating decoders of the sections shared by every model kind.
enum _Sections {
    /// The most users, items or factors a file may declare.
    static let maximumCount = 1 << 40

    /// The metadata every kind starts with.
    static func commonMetadata<Scalar: BLASScalar, UserID, ItemID>(
        kind: ModelFile.ModelKind, scalar: Scalar.Type, userIDs: IDMap<UserID>, itemIDs: IDMap<ItemID>, factorCount: Int
    ) -> _Metadata {
        var meta = _Metadata()
        meta.set("kind", kind.rawValue)
        meta.set("scalar", MemoryLayout<Scalar>.size == 4 ? "float32" : "float64")
        meta.set("user-id-type", "\(UserID.self)")
        meta.set("item-id-type", "\(ItemID.self)")
        meta.set("users", userIDs.count)
        meta.set("items", itemIDs.count)
        meta.set("factors", factorCount)
        return meta
    }

    /// Validates the container and the common metadata of a file of `kind`.
    static func open(_ bytes: [UInt8], kind: ModelFile.ModelKind) throws(ModelFileError)
        -> (sections: [String: ArraySlice<UInt8>], meta: _Metadata, width: Int, users: Int, items: Int, factors: Int)
    {
        let sections = try ModelFile.sections(of: bytes)
        let meta = try _Metadata(sections)
        let found = try meta.string("kind")
        guard found == kind.rawValue else { throw .wrongModelKind(expected: kind.rawValue, found: found) }
        return (sections, meta, try meta.scalarWidth(), try meta.count("users", limit: maximumCount),
                try meta.count("items", limit: maximumCount), try meta.count("factors", limit: 1 << 20))
    }

    static func section(_ sections: [String: ArraySlice<UInt8>], _ name: String) throws(ModelFileError) -> ArraySlice<UInt8> {
        guard let bytes = sections[name] else { throw .missingSection(name) }
        return bytes
    }

    /// `u64` count, then each id's `description` as a `u32` length and UTF-8 bytes.
    static func encodeIDs<ID>(_ ids: IDMap<ID>) -> [UInt8] {
        var writer = _ByteWriter()
        writer.append(UInt64(ids.count))
        for id in ids.ids { writer.append("\(id)") }
        return writer.bytes
    }

    static func decodeIDs<ID: LosslessStringConvertible & Hashable & Sendable>(
        _ sections: [String: ArraySlice<UInt8>], _ name: String, count expected: Int
    ) throws(ModelFileError) -> IDMap<ID> {
        var reader = _ByteReader(section: name, bytes: try section(sections, name))
        let count = try reader.count(of: "ids", minimumSize: 4)
        guard count == expected else { throw reader.fail("\(count) ids, the metadata says \(expected)") }
        var map = IDMap<ID>()
        for index in 0..<count {
            let text = try reader.string()
            guard let id = ID(text) else { throw reader.fail("id \(index) '\(text)' is not a valid \(ID.self)") }
            guard map.append(id) == index else { throw reader.fail("id '\(text)' repeats at index \(index)") }
        }
        try reader.finish()
        return map
    }

    /// Raw scalars, row-major, `width` bytes each.
    static func encodeMatrix<Scalar: BLASScalar>(_ matrix: Matrix<Scalar>, width: Int) -> [UInt8] {
        var writer = _ByteWriter()
        writer.append(contentsOf: matrix.elements, width: width)
        return writer.bytes
    }

    /// Raw scalars, `width` bytes each.
    static func encodeVector<Scalar: BLASScalar>(_ values: [Scalar], width: Int) -> [UInt8] {
        var writer = _ByteWriter()
        writer.append(contentsOf: values, width: width)
        return writer.bytes
    }

    /// A `rows × columns` matrix whose section must be exactly that long, with finite values.
    static func decodeMatrix<Scalar: BLASScalar>(
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
    static func decodeBiases<Scalar: BLASScalar>(
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
