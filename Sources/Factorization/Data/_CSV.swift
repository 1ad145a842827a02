import LinearAlgebra

/// The bytes of a whole file.
func _readFile(_ path: String) throws(FactorizationError) -> [UInt8] {
    do { return try _readWholeFile(path) } catch { throw .cannotReadFile(file: error.path, reason: error.reason) }
}

/// Writes `text` to `path` atomically, so a failed write leaves an existing file as it was.
package func _writeFile(_ path: String, _ text: String) throws(FactorizationError) {
    do {
        try _writeWholeFileAtomically(path, Array(text.utf8))
    } catch {
        throw .cannotWriteFile(file: error.path, reason: error.reason)
    }
}

/// A comma-separated file (RFC 4180): a header row, then records; fields may be quoted
/// with `"`, and a quote inside a quoted field is doubled. Quoted fields may hold commas
/// and line breaks. Lines ending in CR LF are accepted; blank lines are skipped.
package struct _CSVFile {
    /// One record and the 1-based line it starts on.
    package struct Row {
        package var line: Int
        package var fields: [String]
    }

    package let path: String
    package let header: [String]
    package let rows: [Row]

    package init(path: String) throws(FactorizationError) {
        try self.init(path: path, bytes: _readFile(path))
    }

    package init(path: String, bytes: [UInt8]) throws(FactorizationError) {
        self.path = path
        var rows: [Row] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1, rowLine = 1
        var index = 0
        var inQuotes = false, wasQuoted = false
        let count = bytes.count
        var start = 0
        if count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        index = start
        func endField() throws(FactorizationError) {
            guard let text = String(validating: field, as: UTF8.self) else {
                throw .malformedLine(file: path, line: line, reason: "field \(fields.count + 1) is not valid UTF-8")
            }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        while index < count {
            let byte = bytes[index]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < count, bytes[index + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
            } else if byte == UInt8(ascii: ",") {
                try endField()
            } else if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                if byte == UInt8(ascii: "\r"), index + 1 < count, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
                if !(fields.isEmpty && field.isEmpty && !wasQuoted) {
                    try endField()
                    rows.append(Row(line: rowLine, fields: fields))
                    fields.removeAll(keepingCapacity: true)
                }
                line += 1
                rowLine = line
            } else if byte == UInt8(ascii: "\"") {
                guard field.isEmpty && !wasQuoted else {
                    throw .malformedLine(file: path, line: line,
                                         reason: "quote inside an unquoted field \(fields.count + 1)")
                }
                inQuotes = true
                wasQuoted = true
            } else {
                if wasQuoted {
                    throw .malformedLine(file: path, line: line,
                                         reason: "text after the closing quote of field \(fields.count + 1)")
                }
                field.append(byte)
            }
            index += 1
        }
        if inQuotes { throw .malformedLine(file: path, line: rowLine, reason: "unterminated quoted field") }
        if !(fields.isEmpty && field.isEmpty && !wasQuoted) {
            try endField()
            rows.append(Row(line: rowLine, fields: fields))
        }
        guard let first = rows.first else { throw .emptyFile(file: path) }
        header = first.fields.map { $0.trimmingSpaces() }
        self.rows = Array(rows.dropFirst())
    }

    /// The position of the first header name among `candidates` (case-insensitive).
    package func columnIndex(among candidates: [String]) -> Int? {
        for candidate in candidates {
            if let index = header.firstIndex(where: { $0.lowercased() == candidate.lowercased() }) { return index }
        }
        return nil
    }

    /// The position of the column named `name`, or a ``FactorizationError/missingColumn(file:column:header:)``.
    package func requireColumn(_ name: String) throws(FactorizationError) -> Int {
        guard let index = header.firstIndex(of: name) else {
            throw .missingColumn(file: path, column: name, header: header)
        }
        return index
    }

    /// Throws ``FactorizationError/malformedLine(file:line:reason:)`` unless `row` has as
    /// many fields as the header.
    func checkFieldCount(_ row: Row) throws(FactorizationError) {
        guard row.fields.count == header.count else {
            throw .malformedLine(file: path, line: row.line,
                                 reason: "\(row.fields.count) fields, the header has \(header.count)")
        }
    }

    /// The field of `row` in column `column`, or an error naming the line and column.
    package func field(_ row: Row, _ column: Int) throws(FactorizationError) -> String {
        guard column < row.fields.count else {
            throw .invalidField(file: path, line: row.line, column: header[column],
                                reason: "missing field (the line has \(row.fields.count) fields, the header \(header.count))")
        }
        return row.fields[column]
    }
}

/// `text` as a number when it is written in decimal (`4`, `-0.5`, `1e3`, `.5`), or one of
/// the words `inf`, `infinity`, `nan` (with an optional sign, any case) so that callers
/// can say the value is not finite; `nil` for anything else, hexadecimal forms such as
/// `0x10` and `0x1p3` included (which `Double(_:)` would accept).
package func _decimalNumber(_ text: String) -> Double? {
    let unsigned = text.first == "+" || text.first == "-" ? text.dropFirst() : Substring(text)
    if ["inf", "infinity", "nan"].contains(unsigned.lowercased()) { return Double(text) }
    guard unsigned.utf8.allSatisfy({ (0x30...0x39).contains($0) || $0 == 0x2E || $0 == 0x65 || $0 == 0x45 || $0 == 0x2B || $0 == 0x2D })
    else { return nil }
    return Double(text)
}

extension String {
    package func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }

    /// The field quoted for CSV when it holds a comma, a quote or a line break.
    package func csvEscaped() -> String {
        guard contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return self }
        var result = "\""
        for character in self {
            if character == "\"" { result.append("\"") }
            result.append(character)
        }
        result.append("\"")
        return result
    }
}

/// Writes a comma-separated table with a header row, quoting fields that hold commas,
/// quotes or line breaks, atomically.
package func _writeCSVTable(columnNames: [String], rows: [[String]], path: String) throws(FactorizationError) {
    var text = columnNames.map { $0.csvEscaped() }.joined(separator: ",") + "\n"
    for row in rows { text += row.map { $0.csvEscaped() }.joined(separator: ",") + "\n" }
    try _writeFile(path, text)
}
