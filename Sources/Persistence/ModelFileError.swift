/// An error saving or loading a model file.
///
/// Loading checks everything a file claims before trusting it, so every way a file can
/// be damaged or forged ends in one of these cases rather than a crash or an absurd
/// allocation. See `Docs/ModelFormat.md` for the layout the cases refer to.
public enum ModelFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened, read, written or renamed; `reason` is the system's message.
    case fileSystem(path: String, reason: String)
    /// The file does not start with the magic bytes `FRMODEL\0`.
    case badMagic
    /// A format version this library does not read (a newer major version).
    case unsupportedVersion(major: Int, minor: Int)
    /// The byte-order marker is not `0x01020304` read little-endian.
    case unsupportedByteOrder(marker: UInt32)
    /// The file is shorter than its header or its declared length.
    case truncated(needed: Int, available: Int)
    /// A checksum does not match; `section` is a section name, or `section table` for the header and table.
    case checksumMismatch(section: String)
    /// The header or section table is inconsistent: sections out of bounds or overlapping,
    /// too many sections, bad names, or trailing bytes.
    case inconsistentLayout(reason: String)
    /// A section the model kind needs is absent.
    case missingSection(String)
    /// A section's content does not fit the metadata or is not valid: wrong length,
    /// implausible counts, unparsable ids or values, non-finite numbers.
    case invalidSection(section: String, reason: String)
    /// The file holds a different kind of model than the one asked for.
    case wrongModelKind(expected: String, found: String)

    public var description: String {
        switch self {
        case let .fileSystem(path, reason): return "\(path): \(reason)"
        case .badMagic: return "not a FusionRec model file (the magic bytes FRMODEL are missing)"
        case let .unsupportedVersion(major, minor):
            return "model file format \(major).\(minor) is not supported (this library reads \(ModelFile.formatVersion.major).x)"
        case let .unsupportedByteOrder(marker):
            return "unsupported byte-order marker 0x\(String(marker, radix: 16)) (expected little-endian 0x1020304)"
        case let .truncated(needed, available): return "truncated model file: \(needed) bytes needed, \(available) present"
        case let .checksumMismatch(section): return "checksum mismatch in \(section): the file is damaged"
        case let .inconsistentLayout(reason): return "inconsistent model file layout: \(reason)"
        case let .missingSection(name): return "model file has no '\(name)' section"
        case let .invalidSection(section, reason): return "model file section '\(section)': \(reason)"
        case let .wrongModelKind(expected, found): return "model file holds a \(found) model, not a \(expected) model"
        }
    }
}
