#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the fields of an interactions file sit, found from its header.
struct _InteractionFieldLayout: Sendable {
    let path: String
    let header: [String]
    let user: Int
    let item: Int
    let value: Int?
    let timestamp: Int?
    /// For each header position, the role it plays (`0` user, `1` item, `2` value, `3` time
    /// stamp) or `-1`.
    let roles: [Int8]

    init(path: String, header: [String], user: Int, item: Int, value: Int?, timestamp: Int?) {
        self.path = path
        self.header = header
        self.user = user
        self.item = item
        self.value = value
        self.timestamp = timestamp
        var roles = [Int8](repeating: -1, count: header.count)
        for (role, column) in [user, item, value ?? -1, timestamp ?? -1].enumerated() where column >= 0 {
            roles[column] = Int8(role)
        }
        self.roles = roles
    }
}

/// What one chunk of an interactions file (whole records, beginning at a record start)
/// parses to: its records as user and item codes with their values — the global number of
/// an id seen in an earlier round, or `~n` for key `n` of the chunk's own id table — so that
/// chunks parse in parallel and their new ids merge in file order.
///
/// Line numbers in the errors are relative to the chunk (its first line is 1) until the
/// reader shifts them with ``FactorizationError/shiftingLine(by:)``. The tokenizer follows
/// ``_CSVFile`` byte for byte (RFC 4180 quoting, CR LF, blank lines skipped, every field
/// valid UTF-8) and the record checks follow ``Interactions/readCSVRecords(path:columns:badRecords:)``,
/// in the same order and with the same messages.
struct _InteractionChunk: Sendable {
    var users: [Int32] = []
    var items: [Int32] = []
    /// The records' values, aligned with `users`; empty when every value is 1 (or the file
    /// has no value column).
    var values: [Double] = []
    var timestamps: [Int] = []
    var userKeys = _ByteKeyTable()
    var itemKeys = _ByteKeyTable()
    /// The line breaks in the chunk.
    var lineCount = 0
    /// The sum of the absolute values of the chunk's records.
    var absoluteValueSum = 0.0
    /// A line no record can come from (bad quoting, invalid UTF-8): fatal under every policy.
    var malformed: FactorizationError?
    /// The first bad record under ``BadRecordPolicy/fail``; the chunk goes on checking the
    /// lines after it (a malformed line later in the file is reported first, as the
    /// whole-file reader did) but keeps no more records.
    var firstBadRecord: FactorizationError?
    /// The bad records skipped under ``BadRecordPolicy/skip``.
    var skipped: [FactorizationError] = []

    /// An empty chunk, for records that come from elsewhere (`.npy` triplets).
    init() {}

    /// Parses `bytes`.
    ///
    /// - Parameters:
    ///   - keepsRecords: `false` once an earlier chunk had a bad record under the fail policy:
    ///     the chunk is only checked for malformed lines.
    ///   - knownUsers, knownItems: the ids of earlier rounds, with their global numbers.
    ///   - validUserID, validItemID: whether a new id's text parses as an id (`nil`: every
    ///     text does, as for `String`); called once per distinct id of the chunk.
    ///   - pendingUserDecimals, pendingItemDecimals: whether ids written as canonical integers
    ///     below ``_IDMerger/directLimit`` are left as ``_IDMerger/pendingCode(_:)`` and looked
    ///     up in one pass after the parse (only where every such integer is a valid id, see
    ///     ``_IDMerger/acceptsDirectDecimals(_:)``).
    /// - Complexity: O(`bytes.count`).
    init(
        parsing bytes: UnsafeRawBufferPointer, layout: _InteractionFieldLayout, badRecords: BadRecordPolicy,
        keepsRecords: Bool, knownUsers: _IDMerger, knownItems: _IDMerger, validUserID: ((String) -> Bool)?,
        validItemID: ((String) -> Bool)?, pendingUserDecimals: Bool, pendingItemDecimals: Bool
    ) {
        var parser = _ChunkParser(bytes: bytes, layout: layout, badRecords: badRecords, keepsRecords: keepsRecords,
                                  knownUsers: knownUsers, knownItems: knownItems, validUserID: validUserID,
                                  validItemID: validItemID, pendingUserDecimals: pendingUserDecimals,
                                  pendingItemDecimals: pendingItemDecimals)
        parser.run(into: &self)
        knownUsers.resolvePending(&users)
        knownItems.resolvePending(&items)
    }
}

private let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lineFeed = UInt8(ascii: "\n")
private let carriageReturn = UInt8(ascii: "\r"), space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
/// The bytes that end an unquoted field (comma, line feed, carriage return) or make it
/// malformed (a quote), as bits of a word indexed by the byte (all are below 64): one shift
/// and test per byte instead of four compares.
private let fieldEnds: UInt64 = 1 << UInt64(comma) | 1 << UInt64(lineFeed) | 1 << UInt64(carriageReturn)
    | 1 << UInt64(quote)

/// The line feeds in `bytes`, eight bytes at a time.
private func _lineFeedCount(_ bytes: UnsafeRawBufferPointer) -> Int {
    let count = bytes.count
    guard count > 0 else { return 0 }
    let base = bytes.baseAddress!
    let ones: UInt64 = 0x0101_0101_0101_0101, low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    var lines = 0, index = 0
    while index + 8 <= count {
        let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ (ones &* UInt64(lineFeed))
        // The high bit of each byte that is zero, exactly (no carries between bytes).
        let zeros = ~(((word & low7) &+ low7) | word | low7)
        lines &+= zeros.nonzeroBitCount
        index += 8
    }
    while index < count {
        if base.load(fromByteOffset: index, as: UInt8.self) == lineFeed { lines += 1 }
        index += 1
    }
    return lines
}

private let powersOfTen: [Double] = (0...22).map { exponent in
    var value = 1.0
    for _ in 0..<exponent { value *= 10 }
    return value
}

/// The byte loop of ``_InteractionChunk/init(parsing:layout:badRecords:keepsRecords:validUserID:validItemID:)``.
///
/// The fields of the four roles of the current record are kept as pointers, into the
/// chunk or, for a quoted field with doubled quotes or a non-ASCII field trimmed through
/// `String`, into a scratch buffer of the role; nothing is allocated per record.
private struct _ChunkParser {
    let bytes: UnsafeBufferPointer<UInt8>
    let layout: _InteractionFieldLayout
    let badRecords: BadRecordPolicy
    var keepsRecords: Bool
    let knownUsers: _IDMerger
    let knownItems: _IDMerger
    let validUserID: ((String) -> Bool)?
    let validItemID: ((String) -> Bool)?
    let pendingUserDecimals: Bool
    let pendingItemDecimals: Bool
    /// The role of each header position (see ``_InteractionFieldLayout/roles``).
    let roles: UnsafeMutableBufferPointer<Int8>
    /// Per role: the field's first byte, its length, whether it holds non-ASCII bytes.
    let fieldBases: UnsafeMutableBufferPointer<UnsafePointer<UInt8>>
    let fieldLengths: UnsafeMutableBufferPointer<Int>
    let fieldNonASCII: UnsafeMutableBufferPointer<Bool>
    /// Per role: a scratch buffer and its capacity.
    let scratch: UnsafeMutableBufferPointer<UnsafeMutablePointer<UInt8>>
    let scratchCapacity: UnsafeMutableBufferPointer<Int>
    /// The records stored so far, with room for one per line feed of the chunk and one more
    /// (grown for lines ended by lone carriage returns): user and item codes, time stamps
    /// when the file has them, and values once one is not 1 (`nil` while every value is 1).
    var recordCount = 0
    var recordCapacity: Int
    var recordUsers: UnsafeMutablePointer<Int32>
    var recordItems: UnsafeMutablePointer<Int32>
    var recordStamps: UnsafeMutablePointer<Int>?
    var recordValues: UnsafeMutablePointer<Double>?
    var absoluteValueSum = 0.0

    init(
        bytes: UnsafeRawBufferPointer, layout: _InteractionFieldLayout, badRecords: BadRecordPolicy,
        keepsRecords: Bool, knownUsers: _IDMerger, knownItems: _IDMerger, validUserID: ((String) -> Bool)?,
        validItemID: ((String) -> Bool)?, pendingUserDecimals: Bool, pendingItemDecimals: Bool
    ) {
        self.bytes = bytes.bindMemory(to: UInt8.self)
        self.pendingUserDecimals = pendingUserDecimals
        self.pendingItemDecimals = pendingItemDecimals
        self.knownUsers = knownUsers
        self.knownItems = knownItems
        self.layout = layout
        self.badRecords = badRecords
        self.keepsRecords = keepsRecords
        self.validUserID = validUserID
        self.validItemID = validItemID
        roles = .allocate(capacity: layout.roles.count)
        _ = roles.initialize(from: layout.roles)
        fieldBases = .allocate(capacity: 4)
        fieldBases.initialize(repeating: UnsafePointer(self.bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!))
        fieldLengths = .allocate(capacity: 4)
        fieldLengths.initialize(repeating: 0)
        fieldNonASCII = .allocate(capacity: 4)
        fieldNonASCII.initialize(repeating: false)
        scratch = .allocate(capacity: 4)
        scratchCapacity = .allocate(capacity: 4)
        for role in 0..<4 {
            scratch[role] = .allocate(capacity: 64)
            scratchCapacity[role] = 64
        }
        recordCapacity = keepsRecords ? _lineFeedCount(bytes) + 1 : 0
        recordUsers = .allocate(capacity: recordCapacity)
        recordItems = .allocate(capacity: recordCapacity)
        recordStamps = layout.timestamp == nil ? nil : .allocate(capacity: recordCapacity)
    }

    func deallocate() {
        for role in 0..<4 { scratch[role].deallocate() }
        recordUsers.deallocate()
        recordItems.deallocate()
        recordStamps?.deallocate()
        recordValues?.deallocate()
        for buffer in [UnsafeMutableRawBufferPointer(roles), UnsafeMutableRawBufferPointer(fieldBases),
                       UnsafeMutableRawBufferPointer(fieldLengths), UnsafeMutableRawBufferPointer(fieldNonASCII),
                       UnsafeMutableRawBufferPointer(scratch), UnsafeMutableRawBufferPointer(scratchCapacity)] {
            buffer.deallocate()
        }
    }

    /// The scratch buffer of `role`, with room for `count` bytes.
    func scratch(_ role: Int, count: Int) -> UnsafeMutablePointer<UInt8> {
        if scratchCapacity[role] < count {
            scratch[role].deallocate()
            scratch[role] = .allocate(capacity: count * 2)
            scratchCapacity[role] = count * 2
        }
        return scratch[role]
    }

    mutating func run(into chunk: inout _InteractionChunk) {
        defer {
            store(into: &chunk)
            deallocate()
        }
        let b = bytes, n = bytes.count
        let roleCount = roles.count
        let tryPlain = keepsRecords && readsPlainRecords
        var p = 0, line = 1
        while p < n {
            if tryPlain, keepsRecords {
                let end = plainRecords(from: p, lines: &line)
                if end > p {
                    p = end
                    continue
                }
            }
            let rowLine = line
            var fieldIndex = 0
            var blank = false
            while true {
                let start = p
                var contentStart = p, contentEnd = p, quoted = false, doubled = false
                var high: UInt8 = 0
                if p < n && b[p] == quote {
                    quoted = true
                    p += 1
                    contentStart = p
                    while true {
                        while p < n && b[p] != quote {
                            let byte = b[p]
                            if byte == lineFeed { line += 1 }
                            high |= byte
                            p += 1
                        }
                        if p >= n {
                            chunk.malformed = .malformedLine(file: layout.path, line: rowLine,
                                                             reason: "unterminated quoted field")
                            chunk.lineCount = line - 1
                            return
                        }
                        if p + 1 < n && b[p + 1] == quote {
                            doubled = true
                            p += 2
                            continue
                        }
                        break
                    }
                    contentEnd = p
                    p += 1
                    if p < n, b[p] != comma, b[p] != lineFeed, b[p] != carriageReturn {
                        chunk.malformed = .malformedLine(
                            file: layout.path, line: line,
                            reason: "text after the closing quote of field \(fieldIndex + 1)")
                        chunk.lineCount = line - 1
                        return
                    }
                } else {
                    while p < n {
                        let byte = b[p]
                        if byte < 64 && (fieldEnds >> UInt64(byte)) & 1 != 0 { break }
                        high |= byte
                        p += 1
                    }
                    if p < n && b[p] == quote {
                        chunk.malformed = .malformedLine(file: layout.path, line: line,
                                                         reason: "quote inside an unquoted field \(fieldIndex + 1)")
                        chunk.lineCount = line - 1
                        return
                    }
                    contentEnd = p
                }
                let atRecordEnd = p >= n || b[p] != comma
                if atRecordEnd && fieldIndex == 0 && !quoted && contentEnd == start {
                    blank = true
                } else {
                    if high >= 0x80 {
                        let valid = String(validating: UnsafeBufferPointer(rebasing: b[contentStart..<contentEnd]),
                                           as: UTF8.self) != nil
                        if !valid {
                            chunk.malformed = .malformedLine(file: layout.path, line: line,
                                                             reason: "field \(fieldIndex + 1) is not valid UTF-8")
                            chunk.lineCount = line - 1
                            return
                        }
                    }
                    if fieldIndex < roleCount, roles[fieldIndex] >= 0 {
                        let role = Int(roles[fieldIndex])
                        fieldNonASCII[role] = high >= 0x80
                        if doubled {
                            let target = scratch(role, count: contentEnd - contentStart)
                            var index = contentStart, length = 0
                            while index < contentEnd {
                                target[length] = b[index]
                                length += 1
                                index += b[index] == quote ? 2 : 1
                            }
                            fieldBases[role] = UnsafePointer(target)
                            fieldLengths[role] = length
                        } else {
                            fieldBases[role] = b.baseAddress! + contentStart
                            fieldLengths[role] = contentEnd - contentStart
                        }
                    }
                    fieldIndex += 1
                }
                if p >= n { break }
                let terminator = b[p]
                p += 1
                if terminator == comma { continue }
                if terminator == carriageReturn, p < n, b[p] == lineFeed { p += 1 }
                line += 1
                break
            }
            if blank || !keepsRecords { continue }
            if let bad = record(fieldCount: fieldIndex, line: rowLine, into: &chunk) {
                if badRecords == .skip {
                    chunk.skipped.append(bad)
                } else {
                    chunk.firstBadRecord = bad
                    keepsRecords = false
                }
            }
        }
        chunk.lineCount = line - 1
    }

    /// The field of `role` with spaces and tabs trimmed from both ends (through `String`
    /// when the field is not ASCII, exactly as the record reader trims).
    @inline(__always)
    func trimmedField(_ role: Int) -> UnsafeRawBufferPointer {
        let base = fieldBases[role]
        if fieldNonASCII[role] {
            var text = String(decoding: UnsafeBufferPointer(start: base, count: fieldLengths[role]), as: UTF8.self)
                .trimmingSpaces()
            return text.withUTF8 { trimmed in
                let target = scratch(role, count: trimmed.count)
                if trimmed.count > 0 { target.update(from: trimmed.baseAddress!, count: trimmed.count) }
                return UnsafeRawBufferPointer(start: target, count: trimmed.count)
            }
        }
        var lower = 0, upper = fieldLengths[role]
        while lower < upper && (base[lower] == space || base[lower] == tab) { lower += 1 }
        while upper > lower && (base[upper - 1] == space || base[upper - 1] == tab) { upper -= 1 }
        return UnsafeRawBufferPointer(start: base + lower, count: upper - lower)
    }

    /// The trimmed id field `key`, its hash and its code (the global number of an id seen in
    /// an earlier round, `~n` for key `n` of the chunk's `table`, `nil` for an id new to
    /// both), or the error of an empty id or one `valid` refuses.
    func identify(
        _ key: UnsafeRawBufferPointer, known: borrowing _IDMerger, in table: borrowing _ByteKeyTable,
        valid: ((String) -> Bool)?, kind: String, column: Int, line: Int
    ) -> (key: UnsafeRawBufferPointer, hash: UInt64, code: Int32?, error: FactorizationError?) {
        func bad(_ reason: String) -> (UnsafeRawBufferPointer, UInt64, Int32?, FactorizationError?) {
            (key, 0, nil, .invalidField(file: layout.path, line: line, column: layout.header[column], reason: reason))
        }
        guard key.count > 0 else { return bad("empty \(kind) id") }
        let value = _IDMerger.decimalValue(key)
        if let value, let number = known.directNumber(value) { return (key, 0, number, nil) }
        let hash = _ByteKeyTable.hash(key.baseAddress!, key.count)
        // A canonical integer below the direct limit is never held by its bytes.
        if value.map({ $0 >= _IDMerger.directLimit }) ?? true, let number = known.byteNumber(of: key, hash: hash) {
            return (key, hash, number, nil)
        }
        if let index = table.index(of: key, hash: hash) { return (key, hash, ~Int32(index), nil) }
        if let valid {
            let text = String(decoding: key, as: UTF8.self)
            guard valid(text) else { return bad("cannot parse \(kind) id \"\(text)\"") }
        }
        return (key, hash, nil, nil)
    }

    /// The code of the id field `key` (a ``_IDMerger/pendingCode(_:)`` when `pending` allows
    /// one, else as ``identify(_:known:in:valid:kind:column:line:)``), `nil` for an id new to
    /// the chunk, whose hash is then left in `hash`.
    @inline(__always)
    func code(
        of key: UnsafeRawBufferPointer, pending: Bool, known: borrowing _IDMerger, in table: borrowing _ByteKeyTable,
        valid: ((String) -> Bool)?, kind: String, column: Int, line: Int, hash: inout UInt64
    ) throws(FactorizationError) -> Int32? {
        if pending, let code = _IDMerger.pendingCode(key) { return code }
        let found = identify(key, known: known, in: table, valid: valid, kind: kind, column: column, line: line)
        if let error = found.error { throw error }
        hash = found.hash
        return found.code
    }

    /// Checks and stores the current record; returns the error of a bad one.
    mutating func record(fieldCount: Int, line: Int, into chunk: inout _InteractionChunk) -> FactorizationError? {
        func bad(_ column: Int, _ reason: String) -> FactorizationError {
            .invalidField(file: layout.path, line: line, column: layout.header[column], reason: reason)
        }
        guard fieldCount == roles.count else {
            return .malformedLine(file: layout.path, line: line,
                                  reason: "\(fieldCount) fields, the header has \(roles.count)")
        }
        // Ids new to the chunk are inserted only once the whole record is good, so that a
        // skipped record adds no id.
        let userKey = trimmedField(0), itemKey = trimmedField(1)
        var userHash: UInt64 = 0, itemHash: UInt64 = 0
        let userCode: Int32?, itemCode: Int32?
        do {
            userCode = try code(of: userKey, pending: pendingUserDecimals, known: knownUsers, in: chunk.userKeys,
                                valid: validUserID, kind: "user", column: layout.user, line: line, hash: &userHash)
            itemCode = try code(of: itemKey, pending: pendingItemDecimals, known: knownItems, in: chunk.itemKeys,
                                valid: validItemID, kind: "item", column: layout.item, line: line, hash: &itemHash)
        } catch {
            return error
        }
        var value = 1.0
        if let column = layout.value {
            let text = trimmedField(2)
            if let parsed = fieldNonASCII[2] ? nil : _fastDecimal(text) {
                value = parsed
            } else {
                let text = String(decoding: text, as: UTF8.self)
                guard let slow = _decimalNumber(text) else {
                    return bad(column, "cannot parse value \"\(text)\" as a decimal number")
                }
                guard slow.isFinite else { return bad(column, "value \(text) is not finite") }
                value = slow
            }
        }
        var timestamp = 0
        if let column = layout.timestamp {
            let text = trimmedField(3)
            if let parsed = fieldNonASCII[3] ? nil : _fastInteger(text) {
                timestamp = parsed
            } else {
                let text = String(decoding: text, as: UTF8.self)
                guard let slow = Int(text) ?? _decimalNumber(text).flatMap({ Int(exactly: $0) }) else {
                    return bad(column, "cannot parse time stamp \"\(text)\" as an integer")
                }
                timestamp = slow
            }
        }
        store(user: userCode ?? ~Int32(chunk.userKeys.insert(userKey, hash: userHash)),
              item: itemCode ?? ~Int32(chunk.itemKeys.insert(itemKey, hash: itemHash)), value: value,
              timestamp: timestamp)
        return nil
    }

    /// Stores a record: its value only when the file has a value column, its time stamp only
    /// when it has time stamps.
    @inline(__always)
    mutating func store(user: Int32, item: Int32, value: Double, timestamp: Int) {
        if recordCount == recordCapacity { growRecords() }
        recordUsers[recordCount] = user
        recordItems[recordCount] = item
        if layout.value != nil {
            if value != 1, recordValues == nil {
                recordValues = .allocate(capacity: recordCapacity)
                recordValues!.initialize(repeating: 1, count: recordCount)
            }
            recordValues?[recordCount] = value
            absoluteValueSum += abs(value)
        }
        recordStamps?[recordCount] = timestamp
        recordCount += 1
    }

    /// Doubles the room for records.
    mutating func growRecords() {
        let capacity = max(2 * recordCapacity, 16)
        func grown<T>(_ old: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<T> {
            let new = UnsafeMutablePointer<T>.allocate(capacity: capacity)
            new.moveInitialize(from: old, count: recordCount)
            old.deallocate()
            return new
        }
        recordUsers = grown(recordUsers)
        recordItems = grown(recordItems)
        recordStamps = recordStamps.map(grown)
        recordValues = recordValues.map(grown)
        recordCapacity = capacity
    }

    /// Copies the stored records into `chunk`'s arrays.
    func store(into chunk: inout _InteractionChunk) {
        chunk.users = Array(UnsafeBufferPointer(start: recordUsers, count: recordCount))
        chunk.items = Array(UnsafeBufferPointer(start: recordItems, count: recordCount))
        if let recordValues { chunk.values = Array(UnsafeBufferPointer(start: recordValues, count: recordCount)) }
        if let recordStamps { chunk.timestamps = Array(UnsafeBufferPointer(start: recordStamps, count: recordCount)) }
        chunk.absoluteValueSum = absoluteValueSum
    }

    /// Whether ``plainRecords(from:lines:)`` may be tried: every column is the user, the
    /// item, the value or the time stamp, and both kinds of id may be left pending.
    var readsPlainRecords: Bool {
        pendingUserDecimals && pendingItemDecimals && roles.allSatisfy { $0 >= 0 }
    }

    /// Stores the plain records from `start` on, as many as come in a row, and returns the
    /// position after the last (`start` when the record there is not plain), counting their
    /// line feeds in `lines`.
    ///
    /// A plain record has ids written as canonical integers below ``_IDMerger/directLimit``,
    /// a value ``_fastDecimal(_:)`` reads, a time stamp ``_fastInteger(_:)`` reads, no quotes,
    /// spaces or carriage return, and ends at a line feed or the chunk's end; the general path
    /// reads any other record with exactly the same result. Fields are read eight digits at a
    /// time (``_digits(_:at:end:)``).
    mutating func plainRecords(from start: Int, lines: inout Int) -> Int {
        let b = bytes.baseAddress!, n = bytes.count, columns = roles.count
        var p = start
        records: while p < n {
            var user: Int32 = 0, item: Int32 = 0, value = 1.0, timestamp = 0
            var q = p
            for column in 0..<columns {
                let role = roles[column]
                if role <= 1 {
                    let (number, digits) = _digits(b, at: q, end: n)
                    guard digits > 0, digits < 8, b[q] != 0x30 || digits == 1, number < _IDMerger.directLimit
                    else { break records }
                    let code = _IDMerger.pendingCode(Int(truncatingIfNeeded: number))
                    if role == 0 { user = code } else { item = code }
                    q += digits
                } else {
                    var fieldEnd = q
                    while fieldEnd < n, b[fieldEnd] != comma, b[fieldEnd] != lineFeed { fieldEnd += 1 }
                    let field = UnsafeRawBufferPointer(start: b + q, count: fieldEnd - q)
                    if role == 2 {
                        guard let parsed = _fastDecimal(field) else { break records }
                        value = parsed
                    } else {
                        guard let parsed = _fastInteger(field) else { break records }
                        timestamp = parsed
                    }
                    q = fieldEnd
                }
                if column == columns - 1 {
                    guard q == n || b[q] == lineFeed else { break records }
                } else {
                    guard q < n, b[q] == comma else { break records }
                }
                q += 1
            }
            store(user: user, item: item, value: value, timestamp: timestamp)
            if q <= n { lines += 1 }
            p = min(q, n)
        }
        return p
    }
}

/// The decimal digits at `start` in `b` (before `end`), up to eight: their value and their
/// count. Eight bytes are tested and converted at once where eight remain.
@inline(__always)
private func _digits(_ b: UnsafePointer<UInt8>, at start: Int, end: Int) -> (value: UInt64, count: Int) {
    guard start + 8 <= end else {
        var value: UInt64 = 0, index = start
        while index < end, index - start < 8, b[index] &- 0x30 < 10 {
            value = value &* 10 &+ UInt64(b[index] &- 0x30)
            index += 1
        }
        return (value, index - start)
    }
    let word = UInt64(littleEndian: UnsafeRawPointer(b + start).loadUnaligned(as: UInt64.self))
    // A byte is a digit when its high nibble is 3 and its low nibble plus 6 stays below 16;
    // no sum carries into the next byte.
    let notDigit = ((word & 0xF0F0_F0F0_F0F0_F0F0) ^ 0x3030_3030_3030_3030)
        | (((word & 0x0F0F_0F0F_0F0F_0F0F) &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0)
    let count = notDigit == 0 ? 8 : notDigit.trailingZeroBitCount / 8
    guard count > 0 else { return (0, 0) }
    // The digits moved to the high bytes (zeros before them), then combined pairwise:
    // 2 digits per 16 bits, 4 per 32, 8 per 64.
    var value = (word & 0x0F0F_0F0F_0F0F_0F0F) << UInt64(8 * (8 - count))
    value = (value &* (10 << 8 + 1)) >> 8
    value = ((value & 0x00FF_00FF_00FF_00FF) &* (100 << 16 + 1)) >> 16
    value = ((value & 0x0000_FFFF_0000_FFFF) &* (10_000 << 32 + 1)) >> 32
    return (value, count)
}

/// Whether `text` starts with a minus sign, and where its digits start (after a `+` or `-`).
@inline(__always)
private func _sign(_ text: UnsafeRawBufferPointer) -> (negative: Bool, digitsStart: Int) {
    guard let first = text.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") else { return (false, 0) }
    return (first == UInt8(ascii: "-"), 1)
}

/// `text` as a number when it is `[+-]digits[.digits]` with at most 15 digits, the case
/// where one correctly rounded division gives exactly what `Double(_:)` gives (Clinger's
/// fast path); `nil` sends the caller to the general parser.
@inline(__always)
private func _fastDecimal(_ text: UnsafeRawBufferPointer) -> Double? {
    let n = text.count
    let (negative, start) = _sign(text)
    var index = start
    var mantissa: UInt64 = 0, digits = 0
    while index < n, text[index] &- 0x30 < 10 {
        mantissa = mantissa &* 10 &+ UInt64(text[index] &- 0x30)
        digits += 1
        index += 1
    }
    guard digits > 0 else { return nil }
    var fractionDigits = 0
    if index < n && text[index] == UInt8(ascii: ".") {
        index += 1
        while index < n, text[index] &- 0x30 < 10 {
            mantissa = mantissa &* 10 &+ UInt64(text[index] &- 0x30)
            fractionDigits += 1
            index += 1
        }
        guard fractionDigits > 0 else { return nil }
    }
    guard index == n, digits + fractionDigits <= 15 else { return nil }
    let magnitude = fractionDigits == 0 ? Double(mantissa) : Double(mantissa) / powersOfTen[fractionDigits]
    return negative ? -magnitude : magnitude
}

/// `text` as an integer when it is `[+-]digits` with at most 18 digits; `nil` sends the
/// caller to the general parser.
@inline(__always)
private func _fastInteger(_ text: UnsafeRawBufferPointer) -> Int? {
    let n = text.count
    let (negative, start) = _sign(text)
    var index = start
    guard n - index > 0, n - index <= 18 else { return nil }
    var value = 0
    while index < n {
        let digit = text[index] &- 0x30
        guard digit < 10 else { return nil }
        value = value * 10 + Int(digit)
        index += 1
    }
    return negative ? -value : value
}

extension FactorizationError {
    /// The error with its line number moved on by `lines` (a chunk's errors count lines from
    /// the chunk's start).
    func shiftingLine(by lines: Int) -> FactorizationError {
        switch self {
        case let .invalidField(file, line, column, reason):
            return .invalidField(file: file, line: line + lines, column: column, reason: reason)
        case let .malformedLine(file, line, reason):
            return .malformedLine(file: file, line: line + lines, reason: reason)
        default:
            return self
        }
    }
}
