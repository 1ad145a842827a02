import LinearAlgebra

/// An error that Factorization throws for input that came from data: files, records,
/// ids, values.
///
/// Every case names what was wrong and where, so that a service embedding the library
/// can report it and go on.
public enum FactorizationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A record whose value is NaN or infinite; `record` is its position in the input (0-based).
    case nonFiniteValue(record: Int, user: String, item: String, value: Double)
    /// A file that could not be opened or read.
    case cannotReadFile(file: String, reason: String)
    /// A file that could not be written (a missing folder, no permission, a full disk);
    /// an existing file at that path is left as it was.
    case cannotWriteFile(file: String, reason: String)
    /// A file with no header row.
    case emptyFile(file: String)
    /// A required column that the header does not name.
    case missingColumn(file: String, column: String, header: [String])
    /// A bad record in a delimited file: `line` is 1-based (the header is line 1) and
    /// `column` is the column's name from the header.
    case invalidField(file: String, line: Int, column: String, reason: String)
    /// A line that is not well-formed (an unterminated quote, a wrong number of fields).
    case malformedLine(file: String, line: Int, reason: String)
    /// An id that a model or a map does not hold.
    case unknownID(kind: String, id: String)
    /// Data that does not fit together (for example a model and interactions with different ids).
    case inconsistentData(String)
    /// An error from the linear-algebra layer, passed through.
    case linearAlgebra(LinearAlgebraError)

    /// A one-line message that says what was wrong and where.
    public var description: String {
        switch self {
        case let .nonFiniteValue(record, user, item, value):
            return "record \(record) (user \(user), item \(item)): value \(value) is not finite"
        case let .cannotReadFile(file, reason):
            return "\(file): cannot read: \(reason)"
        case let .cannotWriteFile(file, reason):
            return "\(file): cannot write: \(reason)"
        case let .emptyFile(file):
            return "\(file): empty file, a header row is required"
        case let .missingColumn(file, column, header):
            return "\(file): no column \"\(column)\" in header [\(header.joined(separator: ", "))]"
        case let .invalidField(file, line, column, reason):
            return "\(file):\(line): column \"\(column)\": \(reason)"
        case let .malformedLine(file, line, reason):
            return "\(file):\(line): \(reason)"
        case let .unknownID(kind, id):
            return "unknown \(kind) id \(id)"
        case let .inconsistentData(message):
            return message
        case let .linearAlgebra(error):
            return error.description
        }
    }
}
