import Factorization
import Fusion
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `text` to a fresh temporary file and returns its path.
func temporaryFile(_ name: String, _ text: String) -> String {
    temporaryFile(name, Array(text.utf8))
}

/// Writes `bytes` to a fresh temporary file and returns its path.
func temporaryFile(_ name: String, _ bytes: [UInt8]) -> String {
    let path = "/tmp/fusionrec-csv-\(getpid())-\(name)"
    let file = fopen(path, "wb")!
    _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    fclose(file)
    return path
}

@Suite("CSV readers")
struct CSVReaderTests {
    typealias Data = Interactions<Int, Int>

    @Test("MovieLens columns are detected; CRLF, quotes and column order do not matter")
    func movieLens() throws {
        let path = temporaryFile("ml.csv", "timestamp,rating,movieId,userId\r\n5,4.5,\"10\",1\r\n6.0,3,20,1\r\n7,2,10,2\r\n")
        defer { unlink(path) }
        let data = try Data(csvPath: path)
        #expect(data.userIDs.ids == [1, 2])
        #expect(data.itemIDs.ids == [10, 20])
        #expect(data.byUser.values == [4.5, 3, 2])
        #expect(data.timestamps == [5, 6, 7])
        let fractional = temporaryFile("frac.csv", "userId,movieId,timestamp\n1,2,1.5\n")
        defer { unlink(fractional) }
        #expect(throws: FactorizationError.invalidField(
            file: fractional, line: 2, column: "timestamp", reason: "cannot parse time stamp \"1.5\" as an integer")) {
            try Data(csvPath: fractional)
        }
    }

    @Test("selectable columns; without a value column every value is 1")
    func selectedColumns() throws {
        let path = temporaryFile("sel.csv", "who,what,extra\n7,8,x\n7,9,\"a, \"\"quoted\"\" b\"\n")
        defer { unlink(path) }
        let data = try Interactions<String, String>(csvPath: path, columns: .init(user: "who", item: "what"))
        #expect(data.itemIDs.ids == ["8", "9"])
        #expect(data.byUser.values == [1, 1])
        #expect(data.timestamps == nil)
        #expect(throws: FactorizationError.missingColumn(file: path, column: "rating", header: ["who", "what", "extra"])) {
            try Data(csvPath: path, columns: .init(user: "who", item: "what", value: "rating"))
        }
    }

    @Test("bad records name file, line and column; skipping only on request")
    func badRecords() throws {
        let path = temporaryFile("bad.csv", "userId,movieId,rating\n1,10,4\n1,x,3\n2,10,nan\n3,10\n4,10,5\n")
        defer { unlink(path) }
        #expect(throws: FactorizationError.invalidField(file: path, line: 3, column: "movieId",
                                                        reason: "cannot parse item id \"x\"")) {
            try Data(csvPath: path)
        }
        let read = try Data.readCSVRecords(path: path, badRecords: .skip)
        #expect(read.records.map(\.user) == [1, 4])
        #expect(read.skipped.count == 3)
        #expect(read.skipped[1] == .invalidField(file: path, line: 4, column: "rating", reason: "value nan is not finite"))
        #expect(read.skipped[2] == .malformedLine(file: path, line: 5, reason: "2 fields, the header has 3"))
    }

    @Test("empty file, header only, missing file, unterminated quote")
    func edgeCases() throws {
        let empty = temporaryFile("empty.csv", "")
        let headerOnly = temporaryFile("header.csv", "userId,movieId,rating\n")
        let unterminated = temporaryFile("quote.csv", "userId,movieId\n1,\"10\n")
        let noUser = temporaryFile("nouser.csv", "movieId,rating\n1,2\n")
        defer { for path in [empty, headerOnly, unterminated, noUser] { unlink(path) } }
        #expect(throws: FactorizationError.emptyFile(file: empty)) { try Data(csvPath: empty) }
        let none = try Data(csvPath: headerOnly)
        #expect(none.count == 0 && none.userCount == 0)
        #expect(throws: FactorizationError.malformedLine(file: unterminated, line: 2, reason: "unterminated quoted field")) {
            try Data(csvPath: unterminated)
        }
        #expect(throws: FactorizationError.missingColumn(file: noUser, column: "userId", header: ["movieId", "rating"])) {
            try Data(csvPath: noUser)
        }
        #expect(throws: FactorizationError.self) { try Data(csvPath: "/nonexistent/ratings.csv") }
    }

    @Test("invalid UTF-8 in an id is an error naming the line, never a lossy merge of distinct ids")
    func invalidUTF8() throws {
        let interactions = temporaryFile("utf8.csv", Array("userId,itemId\n1,caf".utf8) + [0xE9] + Array("\n1,caf".utf8) + [0xE8, 0x0A])
        let items = temporaryFile("utf8-items.csv", Array("itemId,title\nok,t\n".utf8) + [0x78, 0xFF] + Array(",t\n".utf8))
        defer { for path in [interactions, items] { unlink(path) } }
        #expect(throws: FactorizationError.malformedLine(file: interactions, line: 2, reason: "field 2 is not valid UTF-8")) {
            try Interactions<String, String>(csvPath: interactions)
        }
        #expect(throws: FactorizationError.malformedLine(file: items, line: 3, reason: "field 1 is not valid UTF-8")) {
            try AttributeTable<String>(csvPath: items, badRecords: .skip)
        }
    }

    @Test("empty ids, extra fields and hexadecimal numbers are errors naming the line")
    func strictFields() throws {
        let emptyUser = temporaryFile("empty-user.csv", "userId,itemId,rating\n ,10,4\n")
        let emptyItem = temporaryFile("empty-item.csv", "userId,itemId,rating\n1,\"\",4\n")
        let extra = temporaryFile("extra.csv", "userId,itemId,rating\n1,10,4\n1,11,4,oops\n")
        let hex = temporaryFile("hex.csv", "userId,itemId,rating\n1,10,0x10\n")
        let hexFloat = temporaryFile("hexfloat.csv", "userId,itemId,rating,timestamp\n1,10,4,0x1p3\n")
        let emptyTableID = temporaryFile("empty-table-id.csv", "itemId,title\n,Untitled\n")
        defer { for path in [emptyUser, emptyItem, extra, hex, hexFloat, emptyTableID] { unlink(path) } }
        #expect(throws: FactorizationError.invalidField(file: emptyUser, line: 2, column: "userId", reason: "empty user id")) {
            try Interactions<String, String>(csvPath: emptyUser)
        }
        #expect(throws: FactorizationError.invalidField(file: emptyItem, line: 2, column: "itemId", reason: "empty item id")) {
            try Interactions<String, String>(csvPath: emptyItem)
        }
        #expect(throws: FactorizationError.malformedLine(file: extra, line: 3, reason: "4 fields, the header has 3")) {
            try Interactions<String, String>(csvPath: extra)
        }
        #expect(throws: FactorizationError.invalidField(
            file: hex, line: 2, column: "rating", reason: "cannot parse value \"0x10\" as a decimal number")) {
            try Interactions<String, String>(csvPath: hex)
        }
        #expect(throws: FactorizationError.invalidField(
            file: hexFloat, line: 2, column: "timestamp", reason: "cannot parse time stamp \"0x1p3\" as an integer")) {
            try Interactions<String, String>(csvPath: hexFloat)
        }
        #expect(throws: FactorizationError.invalidField(file: emptyTableID, line: 2, column: "itemId", reason: "empty id")) {
            try AttributeTable<String>(csvPath: emptyTableID)
        }
    }

    @Test("the id column among candidates, else the first; read once")
    func idColumnAmong() throws {
        let path = temporaryFile("users.csv", "name,user_id\nann,7\nbob,8\n")
        let plain = temporaryFile("users-plain.csv", "who\n7\n")
        defer { for path in [path, plain] { unlink(path) } }
        #expect(try AttributeTable<String>(csvPath: path, idColumnAmong: ["userId", "user_id"]).ids == ["7", "8"])
        #expect(try AttributeTable<String>(csvPath: plain, idColumnAmong: ["userId", "user_id"]).ids == ["7"])
    }
}
