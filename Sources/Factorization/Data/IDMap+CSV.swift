extension IDMap where ID: LosslessStringConvertible {
    /// Reads an id list: the ids of one column of a comma-separated file with a header
    /// row (such as MovieLens `ml-small_coldi10_items.csv`), in file order.
    ///
    /// - Parameters:
    ///   - path: the file.
    ///   - column: the id column; `nil` takes the first column.
    /// - Throws: ``FactorizationError/cannotReadFile(file:reason:)``,
    ///   ``FactorizationError/emptyFile(file:)``, ``FactorizationError/missingColumn(file:column:header:)``,
    ///   and ``FactorizationError/invalidField(file:line:column:reason:)`` for an id that
    ///   does not parse or repeats an earlier line.
    /// - Complexity: O(file size).
    public init(csvPath path: String, column: String? = nil) throws(FactorizationError) {
        let file = try _CSVFile(path: path)
        let index = try column.map { name throws(FactorizationError) in try file.requireColumn(name) } ?? 0
        self.init()
        for row in file.rows {
            let text = try file.field(row, index).trimmingSpaces()
            guard let id = ID(text) else {
                throw .invalidField(file: path, line: row.line, column: file.header[index], reason: "cannot parse id \"\(text)\"")
            }
            guard !contains(id) else {
                throw .invalidField(file: path, line: row.line, column: file.header[index], reason: "id \(text) repeats an earlier row")
            }
            append(id)
        }
    }
}
