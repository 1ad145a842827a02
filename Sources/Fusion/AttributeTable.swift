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
    /// many fields as the header; a missing id column, an unparsable or repeated id, or a
    /// short or long row throws unless `badRecords` is `BadRecordPolicy.skip`.
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
        try self.init(_CSVFile(path: path), idColumn: idColumn, badRecords: badRecords)
    }

    init(_ file: _CSVFile, idColumn: String?, badRecords: BadRecordPolicy) throws(FactorizationError) {
        let idIndex = try idColumn.map { name throws(FactorizationError) in try file.requireColumn(name) } ?? 0
        var ids = IDMap<ID>()
        var values: [[String]] = []
        for row in file.rows {
            do throws(FactorizationError) {
                guard row.fields.count == file.header.count else {
                    throw .malformedLine(
                        file: file.path, line: row.line,
                        reason: "\(row.fields.count) fields, the header has \(file.header.count)")
                }
                let text = row.fields[idIndex].trimmingSpaces()
                guard let id = ID(text) else {
                    throw .invalidField(file: file.path, line: row.line, column: file.header[idIndex],
                                        reason: "cannot parse id \"\(text)\"")
                }
                guard !ids.contains(id) else {
                    throw .invalidField(file: file.path, line: row.line, column: file.header[idIndex],
                                        reason: "id \(text) repeats an earlier row")
                }
                ids.append(id)
                values.append(row.fields)
            } catch {
                guard badRecords == .skip else { throw error }
            }
        }
        self.columnNames = file.header
        self.idColumn = file.header[idIndex]
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
