import Dispatch
import Factorization
import LinearAlgebra
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What reading produced, comparable across the two readers: the interactions, or the error.
private struct Outcome<UserID: Hashable & Sendable, ItemID: Hashable & Sendable>: Equatable {
    var userIDs: [UserID] = []
    var itemIDs: [ItemID] = []
    var byUser: SparseMatrix<Double>?
    var byItem: SparseMatrix<Double>?
    var timestamps: [Int]?
    var skipped: [FactorizationError] = []
    var error: FactorizationError?

    init(_ data: Interactions<UserID, ItemID>, skipped: [FactorizationError]) {
        userIDs = data.userIDs.ids
        itemIDs = data.itemIDs.ids
        byUser = data.byUser
        byItem = data.byItem
        timestamps = data.timestamps
        self.skipped = skipped
    }

    init(error: FactorizationError) { self.error = error }
}

/// The record reader followed by the records initialiser: the whole-file path the
/// streaming reader replaces.
private func recordPath<UserID: LosslessStringConvertible, ItemID: LosslessStringConvertible>(
    _ path: String, policy: Interactions<UserID, ItemID>.DuplicatePolicy, badRecords: BadRecordPolicy,
    userIDs: IDMap<UserID> = IDMap(), itemIDs: IDMap<ItemID> = IDMap()
) -> Outcome<UserID, ItemID> {
    do {
        let read = try Interactions<UserID, ItemID>.readCSVRecords(path: path, badRecords: badRecords)
        let data = try Interactions(read.records, userIDs: userIDs, itemIDs: itemIDs, duplicates: policy)
        return Outcome(data, skipped: read.skipped)
    } catch {
        return Outcome(error: error)
    }
}

private func streamingPath<UserID: LosslessStringConvertible, ItemID: LosslessStringConvertible>(
    _ path: String, policy: Interactions<UserID, ItemID>.DuplicatePolicy, badRecords: BadRecordPolicy,
    userIDs: IDMap<UserID> = IDMap(), itemIDs: IDMap<ItemID> = IDMap(), bufferBytes: Int, chunkBytes: Int
) -> Outcome<UserID, ItemID> {
    do {
        let read = try Interactions<UserID, ItemID>.readCSV(
            path: path, columns: .automatic, badRecords: badRecords, userIDs: userIDs, itemIDs: itemIDs,
            duplicates: { _ in policy }, bufferBytes: bufferBytes, chunkBytes: chunkBytes)
        return Outcome(read.interactions, skipped: read.skipped)
    } catch {
        return Outcome(error: error)
    }
}

/// A random interactions file in the shapes the reader must handle: columns in any order
/// (value and time stamp optional, an extra column), ids with spaces, commas and doubled
/// quotes inside quoted fields, non-ASCII ids, repeated pairs, LF and CR LF, blank lines,
/// a quoted field holding a line break, and no final line break sometimes.
private func randomFile(_ generator: inout SplitMix64, rows: Int, numericIDs: Bool) -> [UInt8] {
    func pick<T>(_ items: [T]) -> T { items[Int(generator.next() % UInt64(items.count))] }
    var columns = ["user", "item"]
    if generator.next() % 4 != 0 { columns.append("value") }
    if generator.next() % 2 == 0 { columns.append("timestamp") }
    if generator.next() % 3 == 0 { columns.append("note") }
    for index in stride(from: columns.count - 1, to: 0, by: -1) {
        columns.swapAt(index, Int(generator.next() % UInt64(index + 1)))
    }
    let users = numericIDs
        ? ["1", "2", "07", "7", "+7", " 12 ", "\"3\"", "40000000", "-5", "9"]
        : ["u1", "u2", " u3 ", "\"u,4\"", "\"a \"\"b\"\"\"", "é5", "\u{65}\u{301}", "\t u6", "\"u7\"", "u8"]
    let items = numericIDs
        ? ["10", "20", "030", "30", "\" 40 \"", "50", "60", "7"]
        : ["i1", "i2", "\"i,3\"", "ü4", " i5", "\"multi\nline\"", "i6", "i7"]
    let values = ["1", "2.5", "-0.5", "1e3", " 4 ", "3.25", "0.000001", "12345678901234567", "\"2\"", "-0"]
    let stamps = ["100", "1260759144.0", "-5", "7", " 8 ", "99999999999"]
    var text = columns.joined(separator: ",")
    for _ in 0..<rows {
        text += pick(["\n", "\r\n", "\n", "\n\n"])
        let fields = columns.map { column -> String in
            switch column {
            case "user": return pick(users)
            case "item": return pick(items)
            case "value": return pick(values)
            case "timestamp": return pick(stamps)
            default: return pick(["x", "\"y,z\"", ""])
            }
        }
        text += fields.joined(separator: ",")
    }
    if generator.next() % 2 == 0 { text += pick(["\n", "\r\n"]) }
    return Array(text.utf8)
}

@Suite("Streaming CSV reader")
struct StreamingCSVReaderTests {
    static let policies: [Interactions<String, String>.DuplicatePolicy] = [.sum, .last, .max]

    @Test("random files: the same ids, matrices and time stamps as the record reader, for any buffer and chunk size")
    func randomFilesAgree() throws {
        var generator = SplitMix64(seed: 16)
        for trial in 0..<60 {
            let numeric = trial % 3 == 0
            let bytes = randomFile(&generator, rows: 1 + Int(generator.next() % 300), numericIDs: numeric)
            let path = temporaryFile("stream-random-\(trial).csv", bytes)
            defer { unlink(path) }
            let policy = Self.policies[trial % 3]
            for (buffer, chunk) in [(16 << 20, 1 << 20), (64, 1), (200, 37), (7, 3)] {
                if numeric {
                    // Read as text, `07`, `7` and `+7` are three ids; as Int, one.
                    let expectedText: Outcome<String, String> = recordPath(path, policy: policy, badRecords: .fail)
                    let foundText: Outcome<String, String> = streamingPath(path, policy: policy, badRecords: .fail,
                                                                            bufferBytes: buffer, chunkBytes: chunk)
                    #expect(foundText == expectedText, "trial \(trial), buffer \(buffer), chunk \(chunk), as text")
                    let intPolicy: Interactions<Int, Int>.DuplicatePolicy = [.sum, .last, .max][trial % 3]
                    let expected: Outcome<Int, Int> = recordPath(path, policy: intPolicy, badRecords: .fail)
                    let found: Outcome<Int, Int> = streamingPath(path, policy: intPolicy, badRecords: .fail,
                                                                  bufferBytes: buffer, chunkBytes: chunk)
                    #expect(found == expected, "trial \(trial), buffer \(buffer), chunk \(chunk)")
                } else {
                    let expected: Outcome<String, String> = recordPath(path, policy: policy, badRecords: .fail)
                    let found: Outcome<String, String> = streamingPath(path, policy: policy, badRecords: .fail,
                                                                        bufferBytes: buffer, chunkBytes: chunk)
                    #expect(found == expected, "trial \(trial), buffer \(buffer), chunk \(chunk)")
                    #expect(expected.error == nil, "trial \(trial): the generator writes good files")
                }
            }
        }
    }

    @Test("one bad line anywhere: the same error, line and column as the record reader; skipping gives the same records")
    func errorsAgree() throws {
        var generator = SplitMix64(seed: 61)
        let damages: [(String) -> String] = [
            { _ in "u1,i1,0x10" }, { _ in "u1,i1" }, { _ in "u1,i1,1,extra" }, { _ in ",i1,1" }, { _ in "u1, ,1" },
            { _ in "u1,i1,nan" }, { _ in "u1,i1,inf" }, { _ in "u1,i1,1e999" }, { _ in "u1,i\"1,1" },
            { _ in "u1,\"i1\"x,1" }, { _ in "u1,\"open,1" }, { _ in "u1,i1,abc" }, { _ in "u1,i1," },
        ]
        for trial in 0..<40 {
            let rows = 20 + Int(generator.next() % 200)
            var lines = (0..<rows).map { "u\($0 % 13),i\($0 % 7),\($0 % 5)" }
            let damaged = Int(generator.next() % UInt64(rows))
            lines[damaged] = damages[trial % damages.count](lines[damaged])
            if trial % 4 == 0 {
                let second = Int(generator.next() % UInt64(rows))
                lines[second] = damages[(trial + 5) % damages.count](lines[second])
            }
            var bytes = Array(("user,item,value\n" + lines.joined(separator: trial % 2 == 0 ? "\n" : "\r\n")).utf8)
            if trial % 5 == 0 { bytes.insert(contentsOf: [0xFF, 0xFE], at: bytes.count / 2) }
            let path = temporaryFile("stream-bad-\(trial).csv", bytes)
            defer { unlink(path) }
            for badRecords in [BadRecordPolicy.fail, .skip] {
                let expected: Outcome<String, String> = recordPath(path, policy: .sum, badRecords: badRecords)
                for (buffer, chunk) in [(16 << 20, 1 << 20), (50, 9)] {
                    let found: Outcome<String, String> = streamingPath(
                        path, policy: .sum, badRecords: badRecords, bufferBytes: buffer, chunkBytes: chunk)
                    #expect(found == expected, "trial \(trial), \(badRecords), buffer \(buffer)")
                }
                if badRecords == .fail { #expect(expected.error != nil, "trial \(trial) has a bad line") }
            }
        }
    }

    @Test("ids of maps passed in keep their indices; Int ids parse, and spellings of one id merge")
    func seededMaps() throws {
        let path = temporaryFile("stream-seeded.csv", Array("user,item\n07,1\n7,2\n+3,1\n".utf8))
        defer { unlink(path) }
        let read = try Interactions<Int, Int>.readCSV(path: path, userIDs: IDMap([3, 9]), itemIDs: IDMap([2]))
        #expect(read.interactions.userIDs.ids == [3, 9, 7])
        #expect(read.interactions.itemIDs.ids == [2, 1])
        #expect(read.recordCount == 3)
        #expect(read.interactions.byUser.rowOffsets == [0, 1, 1, 3])
        #expect(read.valueColumn == nil)
        let bad = temporaryFile("stream-bad-int.csv", Array("user,item\n1,2\nx,2\n".utf8))
        defer { unlink(bad) }
        #expect(throws: FactorizationError.invalidField(
            file: bad, line: 3, column: "user", reason: "cannot parse user id \"x\"")) {
            try Interactions<Int, Int>.readCSV(path: bad)
        }
    }

    @Test("a sum of repeated pairs that overflows names the pair's last record, as the records initialiser does")
    func overflowingSum() throws {
        let path = temporaryFile("stream-overflow.csv", Array("user,item,value\na,x,1\nb,y,1e308\nb,y,1e308\nb,y,1\n".utf8))
        defer { unlink(path) }
        let expected: Outcome<String, String> = recordPath(path, policy: .sum, badRecords: .fail)
        #expect(expected.error == .nonFiniteValue(record: 3, user: "b", item: "y", value: .infinity))
        let found: Outcome<String, String> = streamingPath(path, policy: .sum, badRecords: .fail,
                                                            bufferBytes: 1 << 16, chunkBytes: 8)
        #expect(found == expected)
    }

    @Test("a pipe is read once, front to back, with the same result as the file")
    func pipe() throws {
        var generator = SplitMix64(seed: 3)
        let bytes = randomFile(&generator, rows: 5_000, numericIDs: false)
        let file = temporaryFile("stream-pipe-source.csv", bytes)
        let fifo = "/tmp/fusionrec-stream-\(getpid())-fifo"
        unlink(fifo)
        #expect(mkfifo(fifo, 0o600) == 0)
        defer {
            unlink(file)
            unlink(fifo)
        }
        let writer = DispatchGroup()
        DispatchQueue.global().async(group: writer) {
            let handle = fopen(fifo, "wb")!
            var offset = 0
            while offset < bytes.count {
                let piece = min(977, bytes.count - offset)
                _ = bytes.withUnsafeBytes { fwrite($0.baseAddress! + offset, 1, piece, handle) }
                fflush(handle)
                offset += piece
            }
            fclose(handle)
        }
        let found: Outcome<String, String> = streamingPath(fifo, policy: .sum, badRecords: .fail,
                                                            bufferBytes: 4096, chunkBytes: 500)
        writer.wait()
        let expected: Outcome<String, String> = recordPath(file, policy: .sum, badRecords: .fail)
        #expect(found == expected)
        #expect(expected.byUser!.nonZeroCount > 0)
    }

    @Test("a byte-order mark, a header after blank lines, and a header-only file")
    func headerForms() throws {
        let path = temporaryFile("stream-bom.csv", [0xEF, 0xBB, 0xBF] + Array("\r\n\nuserId,movieId,rating\r\n1,2,3\r\n".utf8))
        defer { unlink(path) }
        let read = try Interactions<Int, Int>.readCSV(path: path)
        #expect(read.interactions.byUser.values == [3])
        #expect(read.valueColumn == "rating")
        let expected: Outcome<Int, Int> = recordPath(path, policy: .sum, badRecords: .fail)
        #expect(Outcome(read.interactions, skipped: []) == expected)
        let headerOnly = temporaryFile("stream-header-only.csv", Array("user,item".utf8))
        defer { unlink(headerOnly) }
        #expect(try Interactions<Int, Int>.readCSV(path: headerOnly).interactions.count == 0)
        let empty = temporaryFile("stream-empty.csv", Array("\n\n".utf8))
        defer { unlink(empty) }
        #expect(throws: FactorizationError.emptyFile(file: empty)) { try Interactions<Int, Int>.readCSV(path: empty) }
        #expect(throws: FactorizationError.cannotReadFile(file: "/tmp", reason: "is a folder, not a file")) {
            try Interactions<Int, Int>.readCSV(path: "/tmp")
        }
    }

    /// Both readers on `text` as String ids, for several buffer and chunk sizes (every record
    /// its own chunk, and several rounds, included).
    private func agreeAsText(_ name: String, _ text: String) -> Outcome<String, String> {
        let path = temporaryFile(name, Array(text.utf8))
        defer { unlink(path) }
        let expected: Outcome<String, String> = recordPath(path, policy: .sum, badRecords: .fail)
        for (buffer, chunk) in [(16 << 20, 1 << 20), (64, 1), (48, 5), (7, 3)] {
            let found: Outcome<String, String> = streamingPath(path, policy: .sum, badRecords: .fail,
                                                                bufferBytes: buffer, chunkBytes: chunk)
            #expect(found == expected, "\(name): buffer \(buffer), chunk \(chunk)")
        }
        return expected
    }

    @Test("ids written as integers: leading zeros, signs, ids past the direct range and text stay distinct, in first-appearance order")
    func integerIDs() throws {
        let outcome = agreeAsText("stream-integer-ids.csv", """
            user,item
            007,5
            7,5
            x,4194304
            -3,5
            7,99999999999
            4194303,5
            +7,4194303
            0,5
            00,05
            x,5
            4194304,x
            """)
        #expect(outcome.error == nil)
        #expect(outcome.userIDs == ["007", "7", "x", "-3", "4194303", "+7", "0", "00", "4194304"])
        #expect(outcome.itemIDs == ["5", "4194304", "99999999999", "4194303", "05", "x"])
        #expect(outcome.byUser?.nonZeroCount == 11)

        // As Int ids the spellings of one number are one id, whichever comes first.
        let path = temporaryFile("stream-integer-ids-int.csv", Array("user,item\n007,1\n7,1\n+7,2\n-3,1\n3,1\n".utf8))
        defer { unlink(path) }
        for (buffer, chunk) in [(16 << 20, 1 << 20), (64, 1), (7, 3)] {
            let found: Outcome<Int, Int> = streamingPath(path, policy: .sum, badRecords: .fail,
                                                          bufferBytes: buffer, chunkBytes: chunk)
            #expect(found.userIDs == [7, -3, 3])
            #expect(found.byUser?.values == [2, 1, 1, 1])
            #expect(found == recordPath(path, policy: .sum, badRecords: .fail))
        }
    }

    @Test("ids of a type that refuses some integers are checked as before: the error names the line")
    func narrowIntegerIDs() throws {
        let path = temporaryFile("stream-uint8-ids.csv", Array("user,item\n1,2\n255,2\n300,2\n".utf8))
        defer { unlink(path) }
        let expected: Outcome<UInt8, Int> = recordPath(path, policy: .sum, badRecords: .fail)
        #expect(expected.error == .invalidField(file: path, line: 4, column: "user", reason: "cannot parse user id \"300\""))
        for (buffer, chunk) in [(16 << 20, 1 << 20), (7, 3)] {
            let found: Outcome<UInt8, Int> = streamingPath(path, policy: .sum, badRecords: .fail,
                                                            bufferBytes: buffer, chunkBytes: chunk)
            #expect(found == expected)
            let skipping: Outcome<UInt8, Int> = streamingPath(path, policy: .sum, badRecords: .skip,
                                                               bufferBytes: buffer, chunkBytes: chunk)
            #expect(skipping.userIDs == [1, 255])
            #expect(skipping.skipped.count == 1)
        }
    }

    @Test("a value column of ones is stored as ones; a later other value keeps every earlier one")
    func valuesOfOne() throws {
        var text = "user,item,value\n"
        for row in 0..<40 { text += "u\(row % 7),\(row % 11),1\n" }
        let ones = agreeAsText("stream-ones.csv", text)
        #expect(ones.byUser?.values.allSatisfy { $0 >= 1 && $0 == $0.rounded() } == true)
        #expect(ones.byUser?.values.reduce(0, +) == 40)
        text += "u3,4,2.5\nu1,9,1\nu5,5,-1\n"
        let mixed = agreeAsText("stream-ones-then-other.csv", text)
        #expect(mixed.error == nil)
        #expect(mixed.byUser?.values.reduce(0, +) == 42.5)
        let first = agreeAsText("stream-other-first.csv", "user,item,value\na,1,0.5\nb,1,1\na,2,1\n")
        #expect(first.byUser?.values == [0.5, 1, 1])
    }

    @Test("an empty value column is still an error on its line, among ones")
    func badValueAmongOnes() throws {
        let path = temporaryFile("stream-bad-value.csv", Array("user,item,value\na,1,1\nb,2,\nc,3,1\n".utf8))
        defer { unlink(path) }
        let expected: Outcome<String, String> = recordPath(path, policy: .sum, badRecords: .fail)
        #expect(expected.error != nil)
        let found: Outcome<String, String> = streamingPath(path, policy: .sum, badRecords: .fail,
                                                            bufferBytes: 64, chunkBytes: 1)
        #expect(found == expected)
    }

    @Test("plain records of every digit count, with values and time stamps, read eight digits at a time across chunk ends")
    func plainDigitRuns() throws {
        var generator = SplitMix64(seed: 8)
        for trial in 0..<6 {
            var text = ["user,item,value,timestamp", "item,user,rating", "user,item"][trial % 3] + "\n"
            for _ in 0..<400 {
                // 1 to 9 digits: ids below the direct range, at it, and past it.
                let user = generator.next() % [10, 100, 10_000, 4_194_303, 4_194_305, 99_999_999, 999_999_999][Int(generator.next() % 7)]
                let item = generator.next() % 12_345_678
                let value = ["1", "4.5", "12", "0.25", "1.0", "7"][Int(generator.next() % 6)]
                let stamp = 964_982_703 + Int(generator.next() % 10_000_000_000)
                switch trial % 3 {
                case 0: text += "\(user),\(item),\(value),\(stamp)\n"
                case 1: text += "\(item),\(user),\(value)\n"
                default: text += "\(user),\(item)\n"
                }
            }
            if trial >= 3 { text.removeLast() }
            let outcome = agreeAsText("stream-plain-\(trial).csv", text)
            #expect(outcome.error == nil)
            let path = temporaryFile("stream-plain-int-\(trial).csv", Array(text.utf8))
            defer { unlink(path) }
            let expected: Outcome<Int, Int> = recordPath(path, policy: .sum, badRecords: .fail)
            for (buffer, chunk) in [(16 << 20, 1 << 20), (64, 1), (200, 37), (7, 3)] {
                let found: Outcome<Int, Int> = streamingPath(path, policy: .sum, badRecords: .fail,
                                                              bufferBytes: buffer, chunkBytes: chunk)
                #expect(found == expected, "trial \(trial), buffer \(buffer), chunk \(chunk)")
            }
        }
    }

    @Test("lines ended by lone carriage returns: more records than line feeds")
    func loneCarriageReturns() throws {
        var text = "user,item,value\r"
        for row in 0..<300 { text += "\(row % 17),\(row % 23),\(row % 3 + 1)\r" }
        text += "5,6,1\n7,8,2"
        let outcome = agreeAsText("stream-lone-cr.csv", text)
        #expect(outcome.error == nil)
        #expect(outcome.byUser?.nonZeroCount == 302)
        #expect(outcome.byUser?.values.reduce(0, +) == 603)
    }
}
