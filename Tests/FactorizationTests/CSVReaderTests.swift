import Factorization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `text` to a fresh temporary file and returns its path.
private func temporaryFile(_ name: String, _ text: String) -> String {
    let path = "/tmp/fusionrec-csv-\(getpid())-\(name)"
    let file = fopen(path, "wb")!
    fputs(text, file)
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
        #expect(read.skipped[2] == .invalidField(
            file: path, line: 5, column: "rating", reason: "missing field (the line has 2 fields, the header 3)"))
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
}
