import Foundation
import Testing

/// Outputs: checked before the work, written atomically through links, never replacing a
/// folder or a device, `-` for standard output, and a failed run leaves every previous
/// file as it was.
@Suite("Command line: output files")
struct OutputFileTests {
    static let recommend = ["recommend", "--train", "r.csv", "--model", "als", "--factors", "2", "--iterations", "1"]

    func ratingsScratch(_ name: String = #function) -> Scratch {
        let scratch = Scratch(name)
        scratch.write("r.csv", seededRatings())
        return scratch
    }

    @Test("--output and --save through a symbolic link replace the link's target and keep the link")
    func throughLinks() throws {
        let scratch = ratingsScratch()
        try FileManager.default.createDirectory(atPath: scratch.path("real"), withIntermediateDirectories: false)
        scratch.write("real/out.csv", "old\n")
        try FileManager.default.createSymbolicLink(atPath: scratch.path("out.csv"), withDestinationPath: "real/out.csv")
        try FileManager.default.createSymbolicLink(atPath: scratch.path("m.frm"), withDestinationPath: "real/m.frm")
        expectSuccess(try scratch.run(Self.recommend + ["--output", "out.csv", "--save", "m.frm"]))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: scratch.path("out.csv")) == "real/out.csv")
        #expect(scratch.text("real/out.csv")!.hasPrefix("user,item,rank,score\n"))
        #expect(Array(scratch.bytes("real/m.frm")!.prefix(7)) == Array("FRMODEL".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path("real")).sorted() == ["m.frm", "out.csv"])
    }

    @Test("an output that is a folder or a FIFO is refused before the work, and left as it was")
    func notRegularFiles() throws {
        let scratch = ratingsScratch()
        try FileManager.default.createDirectory(atPath: scratch.path("folder"), withIntermediateDirectories: false)
        #expect(mkfifo(scratch.path("fifo"), 0o644) == 0)
        expectFailure(try scratch.run(Self.recommend + ["--output", "folder"]), status: 1,
                      "--output folder: is a folder; refusing to replace it with a file")
        expectFailure(try scratch.run(Self.recommend + ["--output", "o.csv", "--save", "fifo"]), status: 1,
                      "--save fifo: is not a regular file (a device, FIFO or socket); refusing to replace it")
        var info = stat()
        #expect(lstat(scratch.path("fifo"), &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
        #expect(scratch.listing() == ["fifo", "folder", "r.csv"])
        expectFailure(try scratch.run(["evaluate", "--train", "r.csv", "--test", "r.csv", "--model", "popularity",
                                       "--per-user", "nodir/pu.csv"]), status: 1,
                      "--per-user nodir/pu.csv: the folder nodir does not exist")
    }

    @Test("--output - writes the recommendations to standard output")
    func standardOutput() throws {
        let scratch = ratingsScratch()
        let result = try scratch.run(Self.recommend + ["--output", "-", "--k", "2"])
        expectSuccess(result)
        #expect(result.output.hasPrefix("user,item,rank,score\n"))
        #expect(result.output.split(separator: "\n").count == 1 + 12 * 2)
        #expect(scratch.listing() == ["r.csv"])
    }

    @Test("a failed run leaves the previous output and model files unchanged")
    func failedRunKeepsFiles() throws {
        let scratch = ratingsScratch()
        scratch.write("out.csv", "previous\n")
        scratch.write("m.frm", "previous model\n")
        scratch.write("bad.csv", "userId,itemId,rating\nu1,i1,x\n")
        expectFailure(try scratch.run(["recommend", "--train", "bad.csv", "--model", "als", "--output", "out.csv", "--save", "m.frm"]),
                      status: 1, "bad.csv:2: column \"rating\": cannot parse value \"x\"")
        #expect(scratch.text("out.csv") == "previous\n")
        #expect(scratch.text("m.frm") == "previous model\n")
        #expect(scratch.listing() == ["bad.csv", "m.frm", "out.csv", "r.csv"])
    }

    @Test("split refuses outputs equal to each other or to the input, also through a link")
    func splitDistinctFiles() throws {
        let scratch = ratingsScratch()
        let original = scratch.bytes("r.csv")
        try FileManager.default.createSymbolicLink(atPath: scratch.path("alias.csv"), withDestinationPath: "r.csv")
        let split = ["split", "--input", "r.csv", "--strategy", "random"]
        expectFailure(try scratch.run(split + ["--train-output", "t.csv", "--test-output", "t.csv"]), status: 64,
                      "--test-output t.csv is the same file as --train-output t.csv")
        expectFailure(try scratch.run(split + ["--train-output", "r.csv", "--test-output", "t.csv"]), status: 64,
                      "--train-output r.csv is the same file as --input r.csv")
        expectFailure(try scratch.run(split + ["--train-output", "a.csv", "--test-output", "./alias.csv"]), status: 64,
                      "--test-output ./alias.csv is the same file as --input r.csv")
        #expect(scratch.bytes("r.csv") == original)
        #expect(scratch.listing() == ["alias.csv", "r.csv"])
    }

    @Test("export writes ids as JSON arrays that round-trip commas, quotes and line breaks; folder errors are plain")
    func exportIDs() throws {
        let scratch = Scratch()
        let odd = ["line\nbreak", "com,ma", "quo\"te", "back\\slash", "tab\there", "café", "cr\rlf"]
        var text = "userId,itemId\n"
        for (index, id) in odd.enumerated() {
            let quoted = "\"" + id.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            text += "\(quoted),\(quoted)\nu\(index),\(quoted)\n"
        }
        scratch.write("r.csv", text)
        expectSuccess(try scratch.run(["recommend", "--train", "r.csv", "--model", "popularity", "--save", "m.frm", "--output", "o.csv"]))
        expectSuccess(try scratch.run(["export", "--model-file", "m.frm", "--output", "ex", "--dtype", "float32"]))
        let items = try JSONSerialization.jsonObject(with: Data(scratch.bytes("ex/item-ids.json")!)) as? [String]
        let users = try JSONSerialization.jsonObject(with: Data(scratch.bytes("ex/user-ids.json")!)) as? [String]
        #expect(Set(items ?? []) == Set(odd))
        #expect(Set(users ?? []) == Set(odd + (0..<odd.count).map { "u\($0)" }))
        // The .npy header's shape has one row per id.
        let header = String(decoding: scratch.bytes("ex/item-factors.npy")!.prefix(128), as: UTF8.self)
        #expect(header.contains("'shape': (\(odd.count), 1)"))
        expectFailure(try scratch.run(["export", "--model-file", "m.frm", "--output", "o.csv"]), status: 1,
                      "--output o.csv: is a file, not a folder")
        expectFailure(try scratch.run(["export", "--model-file", "m.frm", "--output", "o.csv/sub"]), status: 1,
                      "--output o.csv/sub: cannot create the folder")
    }

    @Test("embed gives row i to line i for LF, CR LF, CR and mixed endings", arguments: [
        ("one\ntwo\nthree\n", 3), ("one\r\ntwo\r\nthree\r\n", 3), ("one\rtwo\rthree\r", 3), ("one\r\ntwo\rthree\nfour", 4),
        ("\n\r\n\r", 3), ("", 0),
    ])
    func embedLines(_ text: String, _ rows: Int) throws {
        let scratch = Scratch()
        let model = try tinyModelFolder(in: scratch)
        scratch.write("in.txt", text)
        let result = try scratch.run(["embed", "--model-dir", model, "--input", "in.txt", "--output", "-"])
        expectSuccess(result)
        let header = String(decoding: result.standardOutput.prefix(128), as: UTF8.self)
        #expect(header.contains("'shape': (\(rows), 8)"), "\(header)")
        #expect(!scratch.exists("-"))
    }

    @Test("embed: the first line of a CR LF file embeds as the same line with LF")
    func embedSameRows() throws {
        let scratch = Scratch()
        let model = try tinyModelFolder(in: scratch)
        scratch.write("lf.txt", "hello world\na b\n")
        scratch.write("crlf.txt", "hello world\r\na b\r\n")
        expectSuccess(try scratch.run(["embed", "--model-dir", model, "--input", "lf.txt", "--output", "lf.npy"]))
        expectSuccess(try scratch.run(["embed", "--model-dir", model, "--input", "crlf.txt", "--output", "crlf.npy"]))
        #expect(scratch.bytes("lf.npy") == scratch.bytes("crlf.npy"))
        expectFailure(try scratch.run(["embed", "--model-dir", model, "--input", "lf.txt", "--output", "lf.txt"]), status: 64,
                      "--output lf.txt is the same file as --input lf.txt")
    }

    /// A tiny BERT model folder: the committed fuzz seed `tiny-f32` as its weights, with the
    /// configuration and vocabulary the fuzz target gives it.
    func tinyModelFolder(in scratch: Scratch) throws -> String {
        let folder = "model"
        try FileManager.default.createDirectory(atPath: scratch.path(folder), withIntermediateDirectories: false)
        scratch.write(folder + "/config.json", """
            {"architectures": ["BertModel"], "model_type": "bert", "hidden_act": "gelu", "hidden_size": 8,
             "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 16, "vocab_size": 14,
             "max_position_embeddings": 256, "type_vocab_size": 2, "layer_norm_eps": 1e-12,
             "position_embedding_type": "absolute", "pad_token_id": 0}
            """)
        let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "c", "##a", "##b", "hello", "world", "##s", "."]
        scratch.write(folder + "/vocab.txt", vocabulary.joined(separator: "\n") + "\n")
        let weights = try #require(FileManager.default.contents(atPath: packageRoot + "/Fuzz/Corpus/FuzzSafeTensors/tiny-f32"))
        scratch.write(folder + "/model.safetensors", Array(weights))
        return folder
    }
}
