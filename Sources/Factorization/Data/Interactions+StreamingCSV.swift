import LinearAlgebra

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Interactions where UserID: LosslessStringConvertible, ItemID: LosslessStringConvertible {
    /// Interactions read from a comma-separated file, with what the reading found.
    public struct CSVRead: Sendable {
        /// The interactions.
        public var interactions: Interactions
        /// The number of records read (before repeated pairs were merged).
        public var recordCount: Int
        /// One error per skipped record (empty unless the policy is ``BadRecordPolicy/skip``).
        public var skipped: [FactorizationError]
        /// The header name of the value column, `nil` when the file has none.
        public var valueColumn: String?
    }

    /// Reads an interactions file in one pass and builds interactions from it, parsing
    /// chunks of the file in parallel (`Parallel`) and building the id maps and both
    /// matrices without a record per line.
    ///
    /// The file is read front to back once, so a pipe or FIFO works. The result, the
    /// checks and the errors are those of ``readCSVRecords(path:columns:badRecords:)``
    /// followed by ``init(_:userIDs:itemIDs:duplicates:)``: the same ids in the same order,
    /// the same matrices, the same error for the same file (a malformed line — bad quoting,
    /// invalid UTF-8 — anywhere in the file is reported before a bad record, and is fatal
    /// under either policy).
    ///
    /// - Parameters:
    ///   - path: the file.
    ///   - columns: which columns hold the user, item, value and time stamp; detected by default.
    ///   - badRecords: whether a bad record throws (default) or is skipped.
    ///   - userIDs: ids whose indices to keep, new ids are appended.
    ///   - itemIDs: likewise for items.
    ///   - duplicates: how repeated (user, item) pairs combine, chosen from the header name of
    ///     the value column (`nil` when there is none).
    /// - Throws: as ``readCSVRecords(path:columns:badRecords:)``, and
    ///   ``FactorizationError/nonFiniteValue(record:user:item:value:)`` when repeated pairs sum
    ///   past the largest finite value.
    /// - Complexity: O(file size) time; memory about 8 bytes per record (16 with a value
    ///   column whose values are not all 1, 8 more with time stamps) plus the matrices, and a
    ///   buffer of 32 MiB.
    public static func readCSV(
        path: String, columns: InteractionColumns = .automatic, badRecords: BadRecordPolicy = .fail,
        userIDs: IDMap<UserID> = IDMap(), itemIDs: IDMap<ItemID> = IDMap(),
        duplicates: (_ valueColumn: String?) -> DuplicatePolicy = { _ in .sum }
    ) throws(FactorizationError) -> CSVRead {
        try readCSV(path: path, columns: columns, badRecords: badRecords, userIDs: userIDs, itemIDs: itemIDs,
                    duplicates: duplicates, bufferBytes: 32 << 20, chunkBytes: 4 << 20)
    }

    /// ``readCSV(path:columns:badRecords:userIDs:itemIDs:duplicates:)`` with the read
    /// buffer's first size and the chunks' target size chosen (tests use tiny ones, so that
    /// records straddle reads and chunks).
    @_specialize(exported: false, where UserID == String, ItemID == String)
    @_specialize(exported: false, where UserID == Int, ItemID == Int)
    package static func readCSV(
        path: String, columns: InteractionColumns, badRecords: BadRecordPolicy, userIDs: IDMap<UserID>,
        itemIDs: IDMap<ItemID>, duplicates: (_ valueColumn: String?) -> DuplicatePolicy, bufferBytes: Int,
        chunkBytes: Int
    ) throws(FactorizationError) -> CSVRead {
        let reader: _SequentialFileReader
        do { reader = try _SequentialFileReader(path: path) } catch {
            throw .cannotReadFile(file: error.path, reason: error.reason)
        }
        var buffer = _GrowableBuffer(capacity: max(bufferBytes, 4))
        defer { buffer.deallocate() }
        try buffer.fill(from: reader)
        if buffer.filled >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { buffer.consume(3) }

        var headerEnd: (end: Int, lines: Int)?
        while true {
            headerEnd = _headerEnd(buffer.filledBytes, atEnd: buffer.atEnd)
            if headerEnd != nil { break }
            buffer.grow()
            try buffer.fill(from: reader)
        }
        let headerFile = try _CSVFile(path: path, bytes: Array(buffer.filledBytes[0..<headerEnd!.end]))
        buffer.consume(headerEnd!.end)
        func locate(_ name: String?, _ candidates: [String], required: Bool) throws(FactorizationError) -> Int? {
            if let name { return try headerFile.requireColumn(name) }
            if let index = headerFile.columnIndex(among: candidates) { return index }
            if required { throw .missingColumn(file: path, column: candidates[0], header: headerFile.header) }
            return nil
        }
        let layout = _InteractionFieldLayout(
            path: path, header: headerFile.header,
            user: try locate(columns.user, InteractionColumns.userCandidates, required: true)!,
            item: try locate(columns.item, InteractionColumns.itemCandidates, required: true)!,
            value: try locate(columns.value, InteractionColumns.valueCandidates, required: false),
            timestamp: try locate(columns.timestamp, InteractionColumns.timestampCandidates, required: false))

        let validUserID: ((String) -> Bool)? = UserID.self == String.self ? nil : { UserID($0) != nil }
        let validItemID: ((String) -> Bool)? = ItemID.self == String.self ? nil : { ItemID($0) != nil }
        let pendingUserDecimals = _IDMerger.acceptsDirectDecimals(UserID.self)
        let pendingItemDecimals = _IDMerger.acceptsDirectDecimals(ItemID.self)
        var users = userIDs, items = itemIDs
        var userMerger = _IDMerger(base: userIDs.count), itemMerger = _IDMerger(base: itemIDs.count)
        var chunks: [_InteractionChunk] = []
        var linesBefore = headerEnd!.lines
        var firstBadRecord: FactorizationError?
        var skipped: [FactorizationError] = []
        var recordCount = 0
        var firstRound = true
        while true {
            try buffer.fill(from: reader)
            // The first round is an eighth of the buffer in smaller chunks: it meets most ids
            // of the file, each in a chunk's own table, and later chunks find them known.
            var ends: [Int] = []
            if firstRound && bufferBytes / 8 < buffer.filled {
                ends = _chunkEnds(UnsafeRawBufferPointer(rebasing: buffer.filledBytes[0..<(bufferBytes / 8)]),
                                  atEnd: false, target: max(chunkBytes / 4, 1))
            }
            if ends.isEmpty { ends = _chunkEnds(buffer.filledBytes, atEnd: buffer.atEnd, target: max(chunkBytes, 1)) }
            firstRound = false
            guard let consumed = ends.last else {
                if buffer.atEnd { break }
                buffer.grow()
                continue
            }
            let keepsRecords = firstBadRecord == nil
            let bytes = UnsafeRawBufferPointer(buffer.filledBytes)
            var parsed = Parallel.mapChunks(of: 0..<ends.count, grainSize: 1) { range in
                let start = range.lowerBound == 0 ? 0 : ends[range.lowerBound - 1]
                return _InteractionChunk(
                    parsing: UnsafeRawBufferPointer(rebasing: bytes[start..<ends[range.lowerBound]]), layout: layout,
                    badRecords: badRecords, keepsRecords: keepsRecords, knownUsers: userMerger,
                    knownItems: itemMerger, validUserID: validUserID, validItemID: validItemID,
                    pendingUserDecimals: pendingUserDecimals, pendingItemDecimals: pendingItemDecimals)
            }
            for index in parsed.indices {
                // In place: a copy would share, then copy, the record arrays when renumbered.
                if let malformed = parsed[index].malformed { throw malformed.shiftingLine(by: linesBefore) }
                if firstBadRecord == nil, let bad = parsed[index].firstBadRecord {
                    firstBadRecord = bad.shiftingLine(by: linesBefore)
                }
                skipped.append(contentsOf: parsed[index].skipped.map { $0.shiftingLine(by: linesBefore) })
                linesBefore += parsed[index].lineCount
                guard firstBadRecord == nil else {
                    chunks = []
                    continue
                }
                let userKeys = parsed[index].userKeys, itemKeys = parsed[index].itemKeys
                parsed[index].userKeys = _ByteKeyTable(capacity: 0)
                parsed[index].itemKeys = _ByteKeyTable(capacity: 0)
                userMerger.merge(&parsed[index].users, keys: userKeys)
                itemMerger.merge(&parsed[index].items, keys: itemKeys)
                recordCount += parsed[index].users.count
                chunks.append(parsed[index])
            }
            buffer.consume(consumed)
            if buffer.atEnd && buffer.filled == 0 { break }
        }
        if let firstBadRecord { throw firstBadRecord }
        _renumber(&chunks, users: userMerger.finish(into: &users), items: itemMerger.finish(into: &items))

        let interactions = try _built(
            from: &chunks, userIDs: users, itemIDs: items, duplicates: duplicates(layout.value.map { layout.header[$0] }),
            hasValues: layout.value != nil, stamped: layout.timestamp != nil && recordCount > 0)
        return CSVRead(interactions: interactions, recordCount: recordCount, skipped: skipped,
                       valueColumn: layout.value.map { layout.header[$0] })
    }
}

/// Gives the chunks' records the numbers `users` and `items` map their provisional numbers
/// to (each `nil` when every number stands), in parallel over the chunks.
private func _renumber(_ chunks: inout [_InteractionChunk], users: [Int32]?, items: [Int32]?) {
    guard users != nil || items != nil else { return }
    chunks.withUnsafeMutableBufferPointer { chunks in
        Parallel.forEachChunk(of: chunks.indices, grainSize: 1) { range in
            for index in range {
                if let users { chunks[index].users.withUnsafeMutableBufferPointer { $0.renumber(by: users) } }
                if let items { chunks[index].items.withUnsafeMutableBufferPointer { $0.renumber(by: items) } }
            }
        }
    }
}

extension UnsafeMutableBufferPointer<Int32> {
    fileprivate func renumber(by numbers: [Int32]) {
        for index in indices { self[index] = numbers[Int(self[index])] }
    }
}

/// A byte buffer that the reader fills from the file and consumes from the front.
private struct _GrowableBuffer {
    private var storage: UnsafeMutableRawBufferPointer
    private(set) var filled = 0
    private(set) var atEnd = false

    init(capacity: Int) { storage = .allocate(byteCount: capacity, alignment: 64) }

    func deallocate() { storage.deallocate() }

    subscript(index: Int) -> UInt8 { storage[index] }

    /// The bytes read and not yet consumed.
    var filledBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[0..<filled]) }

    /// Reads until the buffer is full or the file ends.
    mutating func fill(from reader: _SequentialFileReader) throws(FactorizationError) {
        guard !atEnd, filled < storage.count else { return }
        let read: Int
        do { read = try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: storage[filled...])) } catch {
            throw .cannotReadFile(file: error.path, reason: error.reason)
        }
        if filled + read < storage.count { atEnd = true }
        filled += read
    }

    /// Drops the first `count` bytes.
    mutating func consume(_ count: Int) {
        if count < filled { memmove(storage.baseAddress!, storage.baseAddress! + count, filled - count) }
        filled -= count
    }

    /// Doubles the capacity, for a record longer than the buffer.
    mutating func grow() {
        let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: storage.count * 2, alignment: 64)
        larger.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[0..<filled]))
        storage.deallocate()
        storage = larger
    }
}

/// The end of the header (the first record that is not a blank line) and the line breaks
/// up to it, or `nil` when more of the file is needed; at the end of the file, the whole
/// buffer.
private func _headerEnd(_ bytes: UnsafeRawBufferPointer, atEnd: Bool) -> (end: Int, lines: Int)? {
    var inQuotes = false, lines = 0, recordStart = 0, index = 0
    while index < bytes.count {
        let byte = bytes[index]
        if byte == UInt8(ascii: "\"") {
            inQuotes.toggle()
        } else if byte == UInt8(ascii: "\n") && inQuotes {
            lines += 1
        } else if !inQuotes && (byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")) {
            let blank = index == recordStart
            if byte == UInt8(ascii: "\r"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") {
                index += 1
            } else if byte == UInt8(ascii: "\r"), index + 1 == bytes.count, !atEnd {
                return nil
            }
            lines += 1
            index += 1
            if !blank { return (index, lines) }
            recordStart = index
            continue
        }
        index += 1
    }
    return atEnd ? (bytes.count, lines) : nil
}

/// Where to cut `bytes` (which begins at a record) into chunks of about `target` bytes:
/// after line feeds outside quoted fields, the last cut being the end of the last whole
/// record (the end of the bytes at the end of the file). Empty when no whole record fits.
private func _chunkEnds(_ bytes: UnsafeRawBufferPointer, atEnd: Bool, target: Int) -> [Int] {
    var ends: [Int] = []
    let count = bytes.count
    guard count > 0 else { return ends }
    let base = bytes.baseAddress!
    if memchr(base, Int32(UInt8(ascii: "\"")), count) == nil {
        var start = 0
        while start < count {
            if start + target < count,
               let found = memchr(base + start + target, Int32(UInt8(ascii: "\n")), count - start - target) {
                start = base.distance(to: UnsafeRawPointer(found)) + 1
                ends.append(start)
                continue
            }
            if atEnd {
                ends.append(count)
            } else {
                var last = count
                while last > start && bytes[last - 1] != UInt8(ascii: "\n") { last -= 1 }
                if last > start { ends.append(last) }
            }
            break
        }
        return ends
    }
    var inQuotes = false, lastEnd = 0, nextCut = target
    for index in 0..<count {
        let byte = bytes[index]
        if byte == UInt8(ascii: "\"") {
            inQuotes.toggle()
        } else if byte == UInt8(ascii: "\n") && !inQuotes {
            lastEnd = index + 1
            if lastEnd >= nextCut {
                ends.append(lastEnd)
                nextCut = lastEnd + target
            }
        }
    }
    if atEnd {
        if ends.last != count { ends.append(count) }
    } else if lastEnd > (ends.last ?? 0) {
        ends.append(lastEnd)
    }
    return ends
}
