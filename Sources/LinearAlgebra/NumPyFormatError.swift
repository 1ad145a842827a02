/// An error reading or writing a NumPy `.npy` file or byte array.
///
/// Every case comes from data (a file's bytes or the file system), never from a
/// programming error, so a service can report it and go on.
public enum NumPyFormatError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened, read or written; `reason` is the system's message.
    case fileSystem(path: String, reason: String)
    /// The bytes do not start with `\x93NUMPY`.
    case badMagic
    /// A format version other than 1.x or 2.x.
    case unsupportedVersion(major: Int, minor: Int)
    /// Fewer bytes than the preamble or the header length announce.
    case truncated(needed: Int, available: Int)
    /// The header dictionary is not the Python literal NumPy writes; `reason` says where.
    case malformedHeader(reason: String)
    /// A `descr` other than `<f4` or `<f8`.
    case unsupportedDataType(String)
    /// `fortran_order: True`; only C (row-major) order is read.
    case fortranOrder
    /// A shape that is not 1-D or 2-D, or whose element count overflows.
    case unsupportedShape([Int])
    /// The data section's length differs from what the shape and data type require.
    case dataSizeMismatch(expectedBytes: Int, actualBytes: Int)

    public var description: String {
        switch self {
        case let .fileSystem(path, reason): return "\(path): \(reason)"
        case .badMagic: return "not a .npy file: the magic string \\x93NUMPY is missing"
        case let .unsupportedVersion(major, minor): return "unsupported .npy format version \(major).\(minor)"
        case let .truncated(needed, available): return "truncated .npy data: \(needed) bytes needed, \(available) present"
        case let .malformedHeader(reason): return "malformed .npy header: \(reason)"
        case let .unsupportedDataType(descr): return "unsupported .npy data type '\(descr)' (only '<f4' and '<f8')"
        case .fortranOrder: return ".npy array in Fortran order; only C order is supported"
        case let .unsupportedShape(shape): return "unsupported .npy shape \(shape) (only 1-D and 2-D)"
        case let .dataSizeMismatch(expected, actual):
            return ".npy data section has \(actual) bytes, the header's shape and type need \(expected)"
        }
    }
}
