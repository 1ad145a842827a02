/// The FusionRec model file: a versioned, checksummed container of named sections.
///
/// The layout, documented byte by byte in `Docs/ModelFormat.md`:
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 8 | magic `FRMODEL\0` |
/// | 8 | 2 | format major version (u16) |
/// | 10 | 2 | format minor version (u16) |
/// | 12 | 4 | byte-order marker `0x01020304` (u32) |
/// | 16 | 4 | section count n (u32) |
/// | 20 | 4 | reserved, 0 |
/// | 24 | 8 | file length in bytes (u64) |
/// | 32 | 8 | FNV-1a 64 checksum of bytes 0..<32 and the section table |
/// | 40 | 40·n | section table: name (16 bytes, NUL-padded ASCII), offset, length, FNV-1a 64 checksum (u64 each) |
///
/// Integers are little-endian; payloads start on 8-byte boundaries, preceded by the fewest
/// zero bytes that align them, and the last payload ends the file. A reader accepts any
/// minor version of its major version (minor versions only add sections).
public enum ModelFile {
    /// The format version this library writes.
    public static let formatVersion = (major: 1, minor: 1)
    /// The first eight bytes of every model file.
    public static let magic: [UInt8] = Array("FRMODEL\0".utf8)
    /// The most sections a file may declare.
    public static let maximumSectionCount = 64

    static let headerSize = 40
    static let tableEntrySize = 40
    static let nameSize = 16

    /// The kind of model a file holds, read from its `meta` section after validating the
    /// whole container.
    ///
    /// - Throws: ``ModelFileError``.
    /// - Complexity: O(file size) (every checksum is verified).
    public static func kind(ofFile path: String) throws(ModelFileError) -> ModelKind {
        try kind(of: _readModelFile(path))
    }

    /// The kind of model the bytes of a model file hold; see ``kind(ofFile:)``.
    public static func kind(of bytes: [UInt8]) throws(ModelFileError) -> ModelKind {
        let sections = try sections(of: bytes)
        let meta = try _Metadata(sections)
        let text = try meta.string("kind")
        guard !text.isEmpty else { throw .invalidSection(section: "meta", reason: "empty model kind") }
        return ModelKind(rawValue: text)
    }

    /// The bytes of a file holding `sections`, in order.
    ///
    /// A file is written with the lowest minor version whose sections it holds (`minorVersion`,
    /// at most ``formatVersion``'s), so readers of an older minor version still read files
    /// that use nothing newer.
    package static func encode(_ sections: [(name: String, payload: [UInt8])], minorVersion: Int = 0) -> [UInt8] {
        precondition((0...formatVersion.minor).contains(minorVersion), "minor version \(minorVersion)")
        precondition(sections.count <= maximumSectionCount, "\(sections.count) sections")
        var offset = headerSize + tableEntrySize * sections.count
        var table = _ByteWriter()
        var payloads: [UInt8] = []
        for section in sections {
            precondition(section.name.utf8.count <= nameSize, "section name \(section.name) too long")
            let padding = (8 - offset % 8) % 8
            payloads.append(contentsOf: repeatElement(0, count: padding))
            offset += padding
            var name = Array(section.name.utf8)
            name.append(contentsOf: repeatElement(0, count: nameSize - name.count))
            table.bytes.append(contentsOf: name)
            table.append(UInt64(offset))
            table.append(UInt64(section.payload.count))
            table.append(section.payload.withUnsafeBytes { _fnv1a64($0) })
            payloads.append(contentsOf: section.payload)
            offset += section.payload.count
        }
        var header = _ByteWriter()
        header.bytes.append(contentsOf: magic)
        header.append(UInt16(formatVersion.major))
        header.append(UInt16(minorVersion))
        header.append(UInt32(0x0102_0304))
        header.append(UInt32(sections.count))
        header.append(UInt32(0))
        header.append(UInt64(offset))
        header.append(_fnv1a64(table.bytes, seed: _fnv1a64(header.bytes)))
        return header.bytes + table.bytes + payloads
    }

    /// Validates the container and returns each section's payload by name.
    ///
    /// - Throws: every container case of ``ModelFileError``.
    package static func sections(of bytes: [UInt8]) throws(ModelFileError) -> [String: ArraySlice<UInt8>] {
        let prefix = min(bytes.count, magic.count)
        guard bytes[0..<prefix].elementsEqual(magic[0..<prefix]) else { throw .badMagic }
        guard bytes.count >= 12 else { throw .truncated(needed: headerSize, available: bytes.count) }
        var reader = _ByteReader(section: "header", bytes: bytes[8..<bytes.count])
        let major = Int(try reader.integer(UInt16.self)), minor = Int(try reader.integer(UInt16.self))
        guard major == formatVersion.major else { throw .unsupportedVersion(major: major, minor: minor) }
        guard bytes.count >= headerSize else { throw .truncated(needed: headerSize, available: bytes.count) }
        let marker = try reader.integer(UInt32.self)
        guard marker == 0x0102_0304 else { throw .unsupportedByteOrder(marker: marker) }
        let count = Int(try reader.integer(UInt32.self))
        _ = try reader.integer(UInt32.self)
        let declaredLength = try reader.integer(UInt64.self)
        let checksum = try reader.integer(UInt64.self)
        guard count <= maximumSectionCount else {
            throw .inconsistentLayout(reason: "\(count) sections declared, at most \(maximumSectionCount) allowed")
        }
        guard declaredLength <= UInt64(Int.max), Int(declaredLength) <= bytes.count else {
            throw .truncated(needed: declaredLength > UInt64(Int.max) ? Int.max : Int(declaredLength), available: bytes.count)
        }
        let tableEnd = headerSize + tableEntrySize * count
        guard tableEnd <= bytes.count else { throw .truncated(needed: tableEnd, available: bytes.count) }
        let tableChecksum = bytes.withUnsafeBytes { raw in
            _fnv1a64(UnsafeRawBufferPointer(rebasing: raw[headerSize..<tableEnd]),
                     seed: _fnv1a64(UnsafeRawBufferPointer(rebasing: raw[0..<32])))
        }
        guard tableChecksum == checksum else {
            throw .checksumMismatch(section: "section table")
        }
        let length = Int(declaredLength)
        guard length == bytes.count else {
            throw .inconsistentLayout(reason: "\(bytes.count - length) bytes after the declared end at \(length)")
        }
        guard tableEnd <= length else { throw .inconsistentLayout(reason: "the section table ends past the file") }
        var result: [String: ArraySlice<UInt8>] = [:]
        var previousEnd = tableEnd
        var table = _ByteReader(section: "section table", bytes: bytes[headerSize..<tableEnd])
        for index in 0..<count {
            let nameBytes = try table.take(nameSize)
            let nameLength = nameBytes.firstIndex(of: 0).map { $0 - nameBytes.startIndex } ?? nameSize
            let name = nameBytes.prefix(nameLength)
            guard !name.isEmpty, name.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }),
                  nameBytes.dropFirst(nameLength).allSatisfy({ $0 == 0 })
            else {
                throw .inconsistentLayout(reason: "section \(index) has an invalid name")
            }
            let text = String(decoding: name, as: UTF8.self)
            let offset = try table.integer(UInt64.self), size = try table.integer(UInt64.self)
            let sectionChecksum = try table.integer(UInt64.self)
            guard offset >= UInt64(previousEnd), offset <= UInt64(length), size <= UInt64(length) - offset else {
                throw .inconsistentLayout(
                    reason: "section '\(text)' at offset \(offset), length \(size) overlaps another or ends past the file's \(length) bytes")
            }
            try checkPadding(bytes, from: previousEnd, to: Int(offset), before: text)
            guard result[text] == nil else { throw .inconsistentLayout(reason: "section '\(text)' appears twice") }
            let payload = bytes[Int(offset)..<Int(offset + size)]
            guard payload.withUnsafeBytes({ _fnv1a64($0) }) == sectionChecksum else { throw .checksumMismatch(section: text) }
            result[text] = payload
            previousEnd = Int(offset + size)
        }
        guard previousEnd == length else {
            throw .inconsistentLayout(reason: "\(length - previousEnd) bytes after the last section belong to none")
        }
        return result
    }

    /// Checks the bytes `start..<end` in front of section `name`: the padding that aligns
    /// it to 8 bytes, so fewer than 8, all zero, and ending on an 8-byte boundary. No
    /// checksum covers padding, so this is what makes a flipped padding byte an error.
    private static func checkPadding(_ bytes: [UInt8], from start: Int, to end: Int, before name: String)
        throws(ModelFileError)
    {
        guard end % 8 == 0, end - start < 8 else {
            throw .inconsistentLayout(
                reason: "section '\(name)' starts at offset \(end), not at the first 8-byte boundary after offset \(start)")
        }
        if let position = bytes[start..<end].firstIndex(where: { $0 != 0 }) {
            throw .inconsistentLayout(reason: "padding byte at offset \(position) before section '\(name)' is not zero")
        }
    }
}

extension ModelFile {
    /// The kind of model a file holds: the `kind` key of its `meta` section.
    ///
    /// The container knows no model: each model module declares its kind next to its
    /// codec (`.matrixFactorization` and `.popularity` in Factorization,
    /// `.jointFactorization` in Fusion), so a new model kind adds one file in its own module.
    public struct ModelKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The name stored in the file, such as `matrix-factorization`.
        public let rawValue: String

        /// A kind named `rawValue`.
        public init(rawValue: String) { self.rawValue = rawValue }

        public var description: String { rawValue }
    }
}
