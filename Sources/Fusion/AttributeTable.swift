import Factorization
/// A table of attributes keyed by id, such as MovieLens `movies.csv`
/// (`movieId,title,year,genres`): one row per item (or user), every field kept as text.
///
/// Rows keep file order: `values[r]` is the row of `ids[r]`, and ``rowIndex(of:)`` finds
/// the row of an id.
public struct AttributeTable<ID: Hashable & Sendable & LosslessStringConvertible>: Sendable {
    /// The column names, from the header row.
    public let columnNames: [String]
    /// The name of the id column.
    public let idColumn: String
    /// Where the rows came from: the file's path, or `(rows)` for in-memory rows. Errors
    /// about the table's values name it.
    public let source: String
    /// The ids, in file order.
    public var ids: [ID] { idMap.ids }
    private let idMap: IDMap<ID>
    /// The fields of each row, in header order (the id column included).
    public let values: [[String]]

    /// The number of rows.
    public var count: Int { values.count }

    /// The row of `id`, or `nil` when the table has no such id.
    ///
    /// - Complexity: O(1) expected.
    public func rowIndex(of id: ID) -> Int? { idMap.index(of: id) }

    /// Whether the table has a row for `id`.
    public func contains(_ id: ID) -> Bool { idMap.contains(id) }

    /// The fields of column `name`, one per row, or `nil` when there is no such column.
    public func column(named name: String) -> [String]? {
        guard let index = columnNames.firstIndex(of: name) else { return nil }
        return values.map { $0[index] }
    }

    /// Reads a comma-separated attribute file with a header row.
    ///
    /// Fields may be quoted (titles containing commas or quotes). Every row must have as
    /// many fields as the header; a missing id column, an empty, unparsable or repeated id,
    /// or a short or long row throws unless `badRecords` is `BadRecordPolicy.skip`. A
    /// field that is not valid UTF-8 always throws, naming the line.
    ///
    /// - Parameters:
    ///   - path: the file.
    ///   - idColumn: the id column; `nil` takes the first column.
    ///   - badRecords: whether a bad row throws (default) or is skipped.
    /// - Throws: `FactorizationError.cannotReadFile(file:reason:)`,
    ///   `FactorizationError.emptyFile(file:)`, `FactorizationError.missingColumn(file:column:header:)`,
    ///   `FactorizationError.malformedLine(file:line:reason:)`,
    ///   `FactorizationError.invalidField(file:line:column:reason:)`.
    /// - Complexity: O(file size).
    public init(csvPath path: String, idColumn: String? = nil, badRecords: BadRecordPolicy = .fail)
        throws(FactorizationError)
    {
        let file = try _CSVFile(path: path)
        let idIndex = try idColumn.map { name throws(FactorizationError) in try file.requireColumn(name) } ?? 0
        try self.init(source: path, header: file.header, rows: file.rows.map { ($0.line, $0.fields) }, idIndex: idIndex,
                      badRecords: badRecords)
    }

    /// Reads a comma-separated attribute file whose id column is the first header name
    /// among `candidates` (in the order given), or the first column when the header names
    /// none of them. The file is read once, so a pipe works. See
    /// ``init(csvPath:idColumn:badRecords:)``.
    public init(csvPath path: String, idColumnAmong candidates: [String], badRecords: BadRecordPolicy = .fail)
        throws(FactorizationError)
    {
        let file = try _CSVFile(path: path)
        let idIndex = candidates.lazy.compactMap { file.header.firstIndex(of: $0) }.first ?? 0
        try self.init(source: path, header: file.header, rows: file.rows.map { ($0.line, $0.fields) }, idIndex: idIndex,
                      badRecords: badRecords)
    }

    /// A table of in-memory rows, such as the attributes of new items a service receives:
    /// `rows[r]` holds one field per column of `columnNames`. Errors name the row as line
    /// `r + 2` of `(rows)` (line 1 is the header), as a file's would.
    ///
    /// - Throws: `FactorizationError.missingColumn(file:column:header:)` for an unknown id
    ///   column, `FactorizationError.malformedLine(file:line:reason:)` for a row of the
    ///   wrong length, `FactorizationError.invalidField(file:line:column:reason:)` for an
    ///   id that does not parse or repeats.
    public init(columnNames: [String], rows: [[String]], idColumn: String? = nil) throws(FactorizationError) {
        var idIndex = 0
        if let idColumn {
            guard let index = columnNames.firstIndex(of: idColumn) else {
                throw .missingColumn(file: "(rows)", column: idColumn, header: columnNames)
            }
            idIndex = index
        }
        guard !columnNames.isEmpty else { throw .emptyFile(file: "(rows)") }
        try self.init(source: "(rows)", header: columnNames, rows: rows.enumerated().map { ($0.offset + 2, $0.element) },
                      idIndex: idIndex, badRecords: .fail)
    }

    private init(
        source: String, header: [String], rows: [(line: Int, fields: [String])], idIndex: Int, badRecords: BadRecordPolicy
    ) throws(FactorizationError) {
        var ids = IDMap<ID>()
        var values: [[String]] = []
        for row in rows {
            do throws(FactorizationError) {
                guard row.fields.count == header.count else {
                    throw .malformedLine(
                        file: source, line: row.line, reason: "\(row.fields.count) fields, the header has \(header.count)")
                }
                let text = row.fields[idIndex].trimmingSpaces()
                guard !text.isEmpty else {
                    throw .invalidField(file: source, line: row.line, column: header[idIndex], reason: "empty id")
                }
                guard let id = ID(text) else {
                    throw .invalidField(file: source, line: row.line, column: header[idIndex],
                                        reason: "cannot parse id \"\(text)\"")
                }
                guard !ids.contains(id) else {
                    throw .invalidField(file: source, line: row.line, column: header[idIndex],
                                        reason: "id \(text) repeats an earlier row")
                }
                ids.append(id)
                values.append(row.fields)
            } catch {
                guard badRecords == .skip else { throw error }
            }
        }
        self.columnNames = header
        self.idColumn = header[idIndex]
        self.source = source
        self.idMap = ids
        self.values = values
    }
}

extension AttributeTable {
    /// Writes a comma-separated table with a header row, quoting fields that hold commas,
    /// quotes or line breaks, so that ``init(csvPath:idColumn:badRecords:)`` reads it back.
    ///
    /// - Throws: `FactorizationError.cannotWriteFile(file:reason:)`.
    public static func writeCSV(columnNames: [String], rows: [[String]], path: String) throws(FactorizationError) {
        try _writeCSVTable(columnNames: columnNames, rows: rows, path: path)
    }
}
