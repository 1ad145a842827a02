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
}
