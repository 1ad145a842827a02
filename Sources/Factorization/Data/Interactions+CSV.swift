extension Interactions where UserID: LosslessStringConvertible, ItemID: LosslessStringConvertible {
    /// The records of an interactions file and the bad records that were skipped.
    public struct CSVRecords: Sendable {
        /// The records, in file order.
        public var records: [Record]
        /// One error per skipped record (empty unless the policy is ``BadRecordPolicy/skip``).
        public var skipped: [FactorizationError]
        /// The header name of the value column, `nil` when the file has none (every record
        /// then has the value 1).
        public var valueColumn: String?
    }

    /// Reads the records of a comma-separated interactions file with a header row.
    ///
    /// Ids are parsed with `UserID(_:)` and `ItemID(_:)` (so `Int` ids must be integers)
    /// and must not be empty; values must be finite decimal numbers (hexadecimal such as
    /// `0x10` is an error) and time stamps integers (`1260759144.0` is accepted, `1.5` is
    /// not). Every row has as many fields as the header, and every field is valid UTF-8
    /// (ids are never decoded lossily, so distinct ids never merge). Fields may be
    /// quoted; see ``InteractionColumns`` for the column detection.
    ///
    /// - Parameters:
    ///   - path: the file.
    ///   - columns: the column names; detected from the header by default.
    ///   - badRecords: whether a bad record throws (default) or is skipped.
    /// - Throws: ``FactorizationError/cannotReadFile(file:reason:)``,
    ///   ``FactorizationError/emptyFile(file:)``, ``FactorizationError/missingColumn(file:column:header:)``,
    ///   ``FactorizationError/malformedLine(file:line:reason:)``, and
    ///   ``FactorizationError/invalidField(file:line:column:reason:)`` naming the line and
    ///   column of the first bad record.
    /// - Complexity: O(file size).
    public static func readCSVRecords(
        path: String, columns: InteractionColumns = .automatic, badRecords: BadRecordPolicy = .fail
    ) throws(FactorizationError) -> CSVRecords {
        try readCSVRecords(_CSVFile(path: path), columns: columns, badRecords: badRecords)
    }

    /// Reads an interactions file (see ``readCSVRecords(path:columns:badRecords:)``) and
    /// builds interactions from it, in one streaming pass (see
    /// ``readCSV(path:columns:badRecords:userIDs:itemIDs:duplicates:)``).
    ///
    /// - Parameters:
    ///   - path: the file.
    ///   - columns: which columns hold the user, item, value and time stamp; detected by default.
    ///   - duplicates: how repeated (user, item) pairs combine.
    ///   - badRecords: whether a bad record throws (default) or is skipped.
    ///   - userIDs: ids whose indices to keep (for example a training set's), new ids are appended.
    ///   - itemIDs: likewise for items.
    /// - Throws: as ``readCSVRecords(path:columns:badRecords:)``.
    public init(
        csvPath path: String, columns: InteractionColumns = .automatic, duplicates: DuplicatePolicy = .sum,
        badRecords: BadRecordPolicy = .fail, userIDs: IDMap<UserID> = IDMap(), itemIDs: IDMap<ItemID> = IDMap()
    ) throws(FactorizationError) {
        self = try Self.readCSV(path: path, columns: columns, badRecords: badRecords, userIDs: userIDs, itemIDs: itemIDs,
                                duplicates: { _ in duplicates }).interactions
    }

    static func readCSVRecords(
        _ file: _CSVFile, columns: InteractionColumns, badRecords: BadRecordPolicy
    ) throws(FactorizationError) -> CSVRecords {
        func locate(_ name: String?, _ candidates: [String], required: Bool) throws(FactorizationError) -> Int? {
            if let name { return try file.requireColumn(name) }
            if let index = file.columnIndex(among: candidates) { return index }
            if required { throw .missingColumn(file: file.path, column: candidates[0], header: file.header) }
            return nil
        }
        let userColumn = try locate(columns.user, InteractionColumns.userCandidates, required: true)!
        let itemColumn = try locate(columns.item, InteractionColumns.itemCandidates, required: true)!
        let valueColumn = try locate(columns.value, InteractionColumns.valueCandidates, required: false)
        let timeColumn = try locate(columns.timestamp, InteractionColumns.timestampCandidates, required: false)

        var records: [Record] = []
        records.reserveCapacity(file.rows.count)
        var skipped: [FactorizationError] = []
        for row in file.rows {
            do throws(FactorizationError) {
                func bad(_ column: Int, _ reason: String) -> FactorizationError {
                    .invalidField(file: file.path, line: row.line, column: file.header[column], reason: reason)
                }
                try file.checkFieldCount(row)
                let userText = try file.field(row, userColumn).trimmingSpaces()
                guard !userText.isEmpty else { throw bad(userColumn, "empty user id") }
                guard let user = UserID(userText) else { throw bad(userColumn, "cannot parse user id \"\(userText)\"") }
                let itemText = try file.field(row, itemColumn).trimmingSpaces()
                guard !itemText.isEmpty else { throw bad(itemColumn, "empty item id") }
                guard let item = ItemID(itemText) else { throw bad(itemColumn, "cannot parse item id \"\(itemText)\"") }
                var value = 1.0
                if let valueColumn {
                    let text = try file.field(row, valueColumn).trimmingSpaces()
                    guard let parsed = _decimalNumber(text) else {
                        throw bad(valueColumn, "cannot parse value \"\(text)\" as a decimal number")
                    }
                    guard parsed.isFinite else { throw bad(valueColumn, "value \(text) is not finite") }
                    value = parsed
                }
                var timestamp: Int?
                if let timeColumn {
                    let text = try file.field(row, timeColumn).trimmingSpaces()
                    guard let parsed = Int(text) ?? _decimalNumber(text).flatMap({ Int(exactly: $0) }) else {
                        throw bad(timeColumn, "cannot parse time stamp \"\(text)\" as an integer")
                    }
                    timestamp = parsed
                }
                records.append(Record(user: user, item: item, value: value, timestamp: timestamp))
            } catch {
                guard badRecords == .skip else { throw error }
                skipped.append(error)
            }
        }
        return CSVRecords(records: records, skipped: skipped, valueColumn: valueColumn.map { file.header[$0] })
    }

    /// Writes the interactions as a comma-separated file with a header row, one record per
    /// line in the order of ``records``; the time stamp column is written when the
    /// interactions have time stamps.
    ///
    /// - Parameters:
    ///   - path: the file to write.
    ///   - header: the names of the user, item, value and time stamp columns.
    /// - Throws: ``FactorizationError/cannotWriteFile(file:reason:)``.
    public func writeCSV(
        path: String, header: (user: String, item: String, value: String, timestamp: String)
            = ("userId", "itemId", "rating", "timestamp")
    ) throws(FactorizationError) {
        try Self.writeCSV(records: records, path: path, header: header)
    }

    /// Writes records as a comma-separated file (see ``writeCSV(path:header:)``); the time
    /// stamp column is written when every record has one.
    public static func writeCSV(
        records: [Record], path: String,
        header: (user: String, item: String, value: String, timestamp: String) = ("userId", "itemId", "rating", "timestamp")
    ) throws(FactorizationError) {
        let stamped = !records.isEmpty && records.allSatisfy { $0.timestamp != nil }
        var text = [header.user, header.item, header.value].map { $0.csvEscaped() }.joined(separator: ",")
        if stamped { text += "," + header.timestamp.csvEscaped() }
        text += "\n"
        for record in records {
            text += "\(record.user)".csvEscaped() + "," + "\(record.item)".csvEscaped() + "," + "\(record.value)"
            if stamped, let stamp = record.timestamp { text += ",\(stamp)" }
            text += "\n"
        }
        try _writeFile(path, text)
    }
}
