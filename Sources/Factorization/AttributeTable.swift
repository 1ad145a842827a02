/// A table of attributes keyed by id, such as MovieLens `movies.csv`
/// (`movieId,title,year,genres`): one row per item (or user), every field kept as text.
///
/// Rows keep file order; ``ids`` gives each row's id an index, so `values[ids.index(of: id)!]`
/// is that id's row.
public struct AttributeTable<ID: Hashable & Sendable & LosslessStringConvertible>: Sendable {
    /// The column names, from the header row.
    public let columnNames: [String]
    /// The name of the id column.
    public let idColumn: String
    /// The ids, in file order.
    public let ids: IDMap<ID>
    /// The fields of each row, in header order (the id column included).
    public let values: [[String]]

    /// The number of rows.
    public var count: Int { values.count }

    /// The fields of column `name`, one per row, or `nil` when there is no such column.
    public func column(named name: String) -> [String]? {
        guard let index = columnNames.firstIndex(of: name) else { return nil }
        return values.map { $0[index] }
    }

    /// Reads a comma-separated attribute file with a header row.
    ///
    /// Fields may be quoted (titles containing commas or quotes). Every row must have as
    /// many fields as the header; a missing id column, an empty, unparsable or repeated id,
    /// or a short or long row throws unless `badRecords` is ``BadRecordPolicy/skip``. A
    /// field that is not valid UTF-8 always throws, naming the line.
    ///
    /// - Parameters:
    ///   - path: the file.
    ///   - idColumn: the id column; `nil` takes the first column.
    ///   - badRecords: whether a bad row throws (default) or is skipped.
    /// - Throws: ``FactorizationError/cannotReadFile(file:reason:)``,
    ///   ``FactorizationError/emptyFile(file:)``, ``FactorizationError/missingColumn(file:column:header:)``,
    ///   ``FactorizationError/malformedLine(file:line:reason:)``,
    ///   ``FactorizationError/invalidField(file:line:column:reason:)``.
    /// - Complexity: O(file size).
    public init(csvPath path: String, idColumn: String? = nil, badRecords: BadRecordPolicy = .fail)
        throws(FactorizationError)
    {
        try self.init(_CSVFile(path: path), idColumn: idColumn, badRecords: badRecords)
    }

    /// Reads a comma-separated attribute file whose id column is the first header name
    /// among `candidates` (in the order given), or the first column when the header names
    /// none of them. The file is read once, so a pipe works. See
    /// ``init(csvPath:idColumn:badRecords:)``.
    public init(csvPath path: String, idColumnAmong candidates: [String], badRecords: BadRecordPolicy = .fail)
        throws(FactorizationError)
    {
        let file = try _CSVFile(path: path)
        let idColumn = candidates.first { file.header.contains($0) }
        try self.init(file, idColumn: idColumn, badRecords: badRecords)
    }

    init(_ file: _CSVFile, idColumn: String?, badRecords: BadRecordPolicy) throws(FactorizationError) {
        let idIndex = try idColumn.map { name throws(FactorizationError) in try file.requireColumn(name) } ?? 0
        var ids = IDMap<ID>()
        var values: [[String]] = []
        for row in file.rows {
            do throws(FactorizationError) {
                try file.checkFieldCount(row)
                let text = row.fields[idIndex].trimmingSpaces()
                guard !text.isEmpty else {
                    throw .invalidField(file: file.path, line: row.line, column: file.header[idIndex], reason: "empty id")
                }
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
        self.ids = ids
        self.values = values
    }
}

extension AttributeTable {
    /// Writes a comma-separated table with a header row, quoting fields that hold commas,
    /// quotes or line breaks, so that ``init(csvPath:idColumn:badRecords:)`` reads it back.
    ///
    /// - Throws: ``FactorizationError/cannotReadFile(file:reason:)`` when the file cannot be written.
    public static func writeCSV(columnNames: [String], rows: [[String]], path: String) throws(FactorizationError) {
        var text = columnNames.map { $0.csvEscaped() }.joined(separator: ",") + "\n"
        for row in rows { text += row.map { $0.csvEscaped() }.joined(separator: ",") + "\n" }
        try _writeFile(path, text)
    }
}
