import Factorization
import Fusion
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `text` to a fresh temporary file and returns its path.
private func temporaryFile(_ name: String, _ text: String) -> String {
    let path = "/tmp/fusionrec-attributes-\(getpid())-\(name)"
    let file = fopen(path, "wb")!
    fputs(text, file)
    fclose(file)
    return path
}

@Suite("Attribute tables")
struct AttributeTableTests {
    @Test("attribute tables: quoted titles with commas, quotes and line breaks; errors name the line")
    func attributeTable() throws {
        let path = temporaryFile("movies.csv", """
            movieId,title,year,genres
            1,Toy Story,1995,Animation|Comedy
            11,"American President, The",1995,Comedy
            12,"Say ""Hi"",
            twice",,Drama

            """)
        defer { unlink(path) }
        let table = try AttributeTable<Int>(csvPath: path)
        #expect(table.ids == [1, 11, 12])
        #expect(table.column(named: "title") == ["Toy Story", "American President, The", "Say \"Hi\",\ntwice"])
        #expect(table.column(named: "year") == ["1995", "1995", ""])
        let duplicate = temporaryFile("dup.csv", "id,name\n1,a\n2,b\n1,c\n3\n")
        defer { unlink(duplicate) }
        #expect(throws: FactorizationError.invalidField(file: duplicate, line: 4, column: "id",
                                                        reason: "id 1 repeats an earlier row")) {
            try AttributeTable<Int>(csvPath: duplicate)
        }
        let skipped = try AttributeTable<Int>(csvPath: duplicate, badRecords: .skip)
        #expect(skipped.ids == [1, 2])
    }

    @Test("the repository's movies.csv reads whole")
    func movies() throws {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        let path = parts.joined(separator: "/") + "/Data/ml-latest-small/movies.csv"
        let table = try AttributeTable<Int>(csvPath: path)
        #expect(table.count == 9066)
        #expect(table.columnNames == ["movieId", "title", "year", "genres"])
        #expect(table.values.allSatisfy { $0.count == 4 })
        #expect(table.column(named: "title")!.contains { $0.contains(",") })
    }
}
