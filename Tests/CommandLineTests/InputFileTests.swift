import Foundation
import Testing

/// Bad input files: every error names the file and line (and column or id), nothing is
/// silently changed, and every input is read once.
@Suite("Command line: input files")
struct InputFileTests {
    static let recommendALS = ["recommend", "--model", "als", "--factors", "2", "--output", "out.csv"]

    @Test("invalid UTF-8 in interactions, items and users files is an error naming file and line")
    func invalidUTF8() throws {
        let scratch = Scratch()
        scratch.write("r.csv", seededRatings())
        scratch.write("bad.csv", Array("userId,itemId,rating\nu1,caf".utf8) + [0xE9] + Array(",4\nu1,caf".utf8) + [0xE8] + Array(",5\n".utf8))
        scratch.write("items.csv", Array("itemId,title\ni1,ok\ni".utf8) + [0xFF] + Array(",t\n".utf8))
        scratch.write("users.csv", Array("userId\nu1\nu".utf8) + [0xC3] + Array("\n".utf8))
        expectFailure(try scratch.run(Self.recommendALS + ["--train", "bad.csv"]), status: 1,
                      "bad.csv:2: field 2 is not valid UTF-8")
        expectFailure(try scratch.run(Self.recommendALS + ["--train", "r.csv", "--items", "items.csv"]), status: 1,
                      "items.csv:3: field 1 is not valid UTF-8")
        expectFailure(try scratch.run(Self.recommendALS + ["--train", "r.csv", "--users", "users.csv"]), status: 1,
                      "users.csv:3: field 1 is not valid UTF-8")
        #expect(!scratch.exists("out.csv"))
    }

    @Test("empty ids, extra fields and hexadecimal numbers are errors naming the line")
    func strictFields() throws {
        let scratch = Scratch()
        scratch.write("empty.csv", "userId,itemId,rating\nu1,i1,4\n\"\",i2,3\n")
        scratch.write("extra.csv", "userId,itemId,rating\nu1,i1,4\nu1,i2,3,9\n")
        scratch.write("hex.csv", "userId,itemId,rating\nu1,i1,0x10\n")
        scratch.write("hexfloat.csv", "userId,itemId,rating\nu1,i1,0x1p3\n")
        expectFailure(try scratch.run(Self.recommendALS + ["--train", "empty.csv"]), status: 1,
                      "empty.csv:3: column \"userId\": empty user id")
        expectFailure(try scratch.run(Self.recommendALS + ["--train", "extra.csv"]), status: 1,
                      "extra.csv:3: 4 fields, the header has 3")
        expectFailure(try scratch.run(Self.recommendALS + ["--train", "hex.csv"]), status: 1,
                      "hex.csv:2: column \"rating\": cannot parse value \"0x10\" as a decimal number")
        expectFailure(try scratch.run(Self.recommendALS + ["--train", "hexfloat.csv"]), status: 1,
                      "cannot parse value \"0x1p3\" as a decimal number")
    }

    @Test("an input that is a folder or missing says so, not a Foundation error code")
    func foldersAndMissingFiles() throws {
        let scratch = Scratch()
        try FileManager.default.createDirectory(atPath: scratch.path("folder"), withIntermediateDirectories: false)
        expectFailure(try scratch.run(Self.recommendALS + ["--train", "folder"]), status: 1, "folder: cannot read: is a folder, not a file")
        expectFailure(try scratch.run(Self.recommendALS + ["--train", "none.csv"]), status: 1, "none.csv: cannot read: No such file or directory")
        expectFailure(try scratch.run(["export", "--model-file", "folder", "--output", "x"]), status: 1,
                      "--model-file folder: cannot read: is a folder, not a file")
        expectFailure(try scratch.run(["embed", "--input", "folder", "--output", "o.npy", "--model-dir", "none"]), status: 1,
                      "--input folder: cannot read: is a folder, not a file")
        #expect(!scratch.listing().contains { $0 != "folder" })
    }

    @Test("repeated ratings keep the last row, repeated counts are summed, and the command says how many")
    func duplicates() throws {
        let scratch = Scratch()
        scratch.write("ratings.csv", "userId,itemId,rating\nu1,i1,4\nu1,i1,4\nu1,i2,3\nu2,i1,2\nu2,i1,5\n")
        scratch.write("counts.csv", "userId,itemId,count\nu1,i1,4\nu1,i1,4\nu1,i2,3\n")
        let split = try scratch.run(["split", "--input", "ratings.csv", "--strategy", "random", "--fraction", "0",
                                     "--train-output", "train.csv", "--test-output", "test.csv"])
        expectSuccess(split)
        #expect(split.standardError.contains("--input ratings.csv: merged 2 duplicate (user, item) rows: kept the last rating of each pair"))
        #expect(scratch.text("train.csv") == "userId,itemId,rating\nu1,i1,4.0\nu1,i2,3.0\nu2,i1,5.0\n")
        let counts = try scratch.run(["split", "--input", "counts.csv", "--strategy", "random", "--fraction", "0",
                                      "--train-output", "train2.csv", "--test-output", "test2.csv"])
        expectSuccess(counts)
        #expect(counts.standardError.contains("merged 1 duplicate (user, item) rows: summed the count values of each pair"))
        #expect(scratch.text("train2.csv") == "userId,itemId,rating\nu1,i1,8.0\nu1,i2,3.0\n")
    }

    @Test("--users is read once: a FIFO and a process substitution work")
    func usersReadOnce() throws {
        let scratch = Scratch()
        scratch.write("r.csv", seededRatings())
        let result = try scratch.shell("""
            mkfifo users.fifo && (printf 'userId\\nu3\\n' > users.fifo &) && \
            "$FUSIONREC" recommend --train r.csv --model popularity --k 2 --users users.fifo --output -
            """)
        expectSuccess(result)
        #expect(result.output.split(separator: "\n").count == 3)
        #expect(result.output.split(separator: "\n").dropFirst().allSatisfy { $0.hasPrefix("u3,") })
        let pipe = try scratch.shell("printf 'userId\\nu4\\n' | \"$FUSIONREC\" recommend --train r.csv --model popularity --k 1 --users /dev/stdin --output -")
        expectSuccess(pipe)
        #expect(pipe.output.hasPrefix("user,item,rank,score\nu4,"))
    }

    @Test("--users naming a user outside --train (and the model) says so")
    func unknownUser() throws {
        let scratch = Scratch()
        scratch.write("r.csv", seededRatings())
        scratch.write("users.csv", "userId\nu1\nnobody\n")
        expectFailure(try scratch.run(["recommend", "--train", "r.csv", "--model", "popularity", "--users", "users.csv", "--output", "out.csv"]),
                      status: 1, "--users users.csv: user nobody is not in --train r.csv, so there is nothing to recommend from")
        #expect(!scratch.exists("out.csv"))
    }

    @Test("recommend --load folds in training users the model does not know, and says so", arguments: ["popularity", "als", "implicit-als", "fusion"])
    func loadFoldsIn(_ model: String) throws {
        let scratch = Scratch()
        let ratings = seededRatings()
        scratch.write("r.csv", ratings)
        scratch.write("items.csv", seededItems())
        let side = model == "fusion" ? ["--items", "items.csv", "--categorical-column", "genres"] : []
        let base = ["recommend", "--model", model, "--factors", "2", "--iterations", "2", "--k", "3"] + side
        expectSuccess(try scratch.run(base + ["--train", "r.csv", "--save", "m.frm", "--output", "first.csv"]))
        scratch.write("more.csv", ratings + "newcomer,i1,5\nnewcomer,i2,4\n")
        let result = try scratch.run(base + ["--train", "more.csv", "--load", "m.frm", "--output", "out.csv"])
        expectSuccess(result)
        #expect(result.standardError.contains("--load m.frm: folded in 1 --train users the model does not know"))
        let rows = scratch.text("out.csv")!.split(separator: "\n").filter { $0.hasPrefix("newcomer,") }
        #expect(rows.count == 3)
        #expect(!rows.contains { $0.hasPrefix("newcomer,i1,") || $0.hasPrefix("newcomer,i2,") })
    }

    @Test("a test file with no evaluable user fails instead of printing zeros")
    func noEvaluableUser() throws {
        let scratch = Scratch()
        scratch.write("r.csv", seededRatings())
        scratch.write("t.csv", "userId,itemId\nstranger,i1\n")
        expectFailure(try scratch.run(["evaluate", "--train", "r.csv", "--test", "t.csv", "--model", "popularity"]), status: 1,
                      "--test t.csv: no test user could be evaluated (1 test users are not in --train or the model)")
    }

    @Test("side-information columns: unusable values name the option and column")
    func sideInformation() throws {
        let scratch = Scratch()
        scratch.write("r.csv", seededRatings())
        var huge = seededItems().split(separator: "\n").map(String.init)
        huge[1] = "i1,Title,Drama,1e19"
        huge[2] = "i2,Title,Drama,-1e308"
        scratch.write("huge.csv", huge.joined(separator: "\n") + "\n")
        scratch.write("blank.csv", "itemId,genres,year\n" + (1...15).map { "i\($0),," }.joined(separator: "\n") + "\n")
        scratch.write("hex.csv", "itemId,year\ni1,0x7C6\n")
        let fusion = ["recommend", "--train", "r.csv", "--model", "fusion", "--factors", "2", "--iterations", "1", "--output", "out.csv"]
        expectFailure(try scratch.run(fusion + ["--items", "huge.csv", "--numeric-column", "year=10"]), status: 1,
                      "huge.csv: column 'year': invalid bucket width = 10.0: values from -1e+308 to 1e+19 need more than 1048576 buckets")
        expectFailure(try scratch.run(fusion + ["--items", "huge.csv", "--numeric-column", "year=1e-300"]), status: 1,
                      "huge.csv: column 'year': invalid bucket width = 1e-300: values from -1e+308 to 1e+19 need more than 1048576 buckets")
        expectFailure(try scratch.run(fusion + ["--items", "huge.csv", "--cross-column", "genres,year=1e-300"]), status: 1,
                      "huge.csv: column 'year': id i1: 1e+19 has no bucket of width 1e-300")
        expectFailure(try scratch.run(fusion + ["--items", "blank.csv", "--categorical-column", "genres"]), status: 1,
                      "blank.csv: column 'genres': holds no category to fit")
        expectFailure(try scratch.run(fusion + ["--items", "blank.csv", "--numeric-column", "year"]), status: 1,
                      "blank.csv: column 'year': every cell is empty: no number to fit")
        expectFailure(try scratch.run(fusion + ["--items", "hex.csv", "--numeric-column", "year"]), status: 1,
                      "hex.csv: column 'year': id i1: \"0x7C6\" is not a finite number")
        #expect(!scratch.exists("out.csv"))
        // A value of 1e19 is a bucket like any other in a cross of width 10.
        expectSuccess(try scratch.run(fusion + ["--items", "huge.csv", "--cross-column", "genres,year=10"]))
    }

    @Test("a negative implicit value names the user and item ids, not internal indices")
    func negativeImplicitValue() throws {
        let scratch = Scratch()
        scratch.write("r.csv", seededRatings() + "u5,i9,-2\n")
        expectFailure(try scratch.run(["recommend", "--train", "r.csv", "--model", "implicit-als", "--implicit-values", "raw",
                                       "--factors", "2", "--output", "out.csv"]), status: 1,
                      "--train (user u5, item i9): value -2.0: implicit-feedback values must not be negative")
    }

    @Test("a flipped padding byte in a saved model is refused on load")
    func flippedPadding() throws {
        let scratch = Scratch()
        scratch.write("r.csv", seededRatings())
        expectSuccess(try scratch.run(["recommend", "--train", "r.csv", "--model", "als", "--factors", "2", "--iterations", "1",
                                       "--save", "m.frm", "--output", "out.csv"]))
        var bytes = scratch.bytes("m.frm")!
        let count = Int(bytes[16])
        func u64(_ at: Int) -> Int { (0..<8).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        var padding: Int?
        var previousEnd = 40 + 40 * count
        for index in 0..<count {
            let offset = u64(40 + 40 * index + 16)
            if offset > previousEnd { padding = previousEnd; break }
            previousEnd = offset + u64(40 + 40 * index + 24)
        }
        let position = try #require(padding)
        bytes[position] ^= 0x01
        scratch.write("m.frm", bytes)
        expectFailure(try scratch.run(["recommend", "--train", "r.csv", "--model", "als", "--load", "m.frm", "--output", "out2.csv"]),
                      status: 1, "padding byte at offset \(position)")
        #expect(!scratch.exists("out2.csv"))
    }
}
