import Testing

/// Every option value is checked when the command line is parsed: a bad one is a usage
/// error (exit status 64) that names the option, and nothing is read or written.
@Suite("Command line: option values")
struct OptionTests {
    static let recommend = ["recommend", "--train", "r.csv", "--output", "out.csv"]
    static let fusion = recommend + ["--model", "fusion", "--items", "items.csv"]

    static let cases: [(arguments: [String], message: String)] = [
        (recommend + ["--model", "als", "--threads", "0"], "--threads must be at least 1, got 0"),
        (recommend + ["--model", "als", "--threads=-1"], "--threads must be at least 1, got -1"),
        (recommend + ["--model", "als", "--k", "-1"], "--k must be at least 1, got -1"),
        (recommend + ["--model", "als", "--k", "0"], "--k must be at least 1, got 0"),
        (recommend + ["--model", "als", "--regularization", "0"], "--regularization must be a positive finite number, got 0.0"),
        (recommend + ["--model", "als", "--regularization", "nan"], "--regularization must be a positive finite number, got nan"),
        (recommend + ["--model", "als", "--regularization", "-1"], "--regularization must be a positive finite number, got -1.0"),
        (recommend + ["--model", "implicit-als", "--alpha", "nan"], "--alpha must be a finite number of at least 0, got nan"),
        (recommend + ["--model", "implicit-als", "--alpha", "inf"], "--alpha must be a finite number of at least 0, got inf"),
        (recommend + ["--model", "sgd", "--learning-rate", "nan"], "--learning-rate must be a positive finite number, got nan"),
        (recommend + ["--model", "als", "--factors", "0"], "--factors must be at least 1, got 0"),
        (recommend + ["--model", "als", "--precision", "half"], "The value 'half' is invalid for '--precision"),
        (fusion + ["--text-column", "title", "--loading-regularization", "0"],
         "--loading-regularization must be a positive finite number, got 0.0"),
        (fusion + ["--numeric-column", "year=0"], "--numeric-column expects NAME, NAME=standardized or NAME=WIDTH with a positive finite WIDTH, got year=0"),
        (fusion + ["--numeric-column", "year=0x10"], "--numeric-column expects NAME, NAME=standardized or NAME=WIDTH with a positive finite WIDTH, got year=0x10"),
        (fusion + ["--cross-column", "genres,year"], "--cross-column expects CATEGORIES,NUMBER=WIDTH with a positive finite WIDTH, got genres,year"),
        (fusion + ["--text-column", "title", "--hashing-dimension", "100000000000"],
         "--hashing-dimension must be from 1 to 16777216, got 100000000000"),
        (fusion + ["--text-column", "title", "--block-weight", "title=1e308"],
         "--block-weight expects NAME=W with 0 < W ≤ 1000000.0, got title=1e308"),
        (recommend + ["--model", "als", "--text-column", "title"],
         "--text-column needs --model fusion or fusion-explicit; --model als takes no side information"),
        (recommend + ["--model", "popularity", "--block-weight", "title=2"],
         "--block-weight needs --model fusion or fusion-explicit; --model popularity takes no side information"),
        (["evaluate", "--train", "r.csv", "--test", "t.csv", "--model", "als", "--ablate-blocks"],
         "--ablate-blocks needs --model fusion or fusion-explicit"),
        (["export", "--model-file", "m.frm", "--output", "x", "--dtype", "half"], "The value 'half' is invalid for '--dtype"),
        (["split", "--input", "r.csv", "--strategy", "random", "--fraction", "nan", "--train-output", "a", "--test-output", "b"],
         "--fraction must be a number from 0 to 1, got nan"),
        (["split", "--input", "r.csv", "--strategy", "leave-k-out", "--count", "-2", "--train-output", "a", "--test-output", "b"],
         "--count must be at least 1, got -2"),
        (["embed", "--input", "in.txt", "--output", "o.npy", "--threads", "0"], "--threads must be at least 1, got 0"),
    ]

    @Test("a bad option value is a usage error naming the option; nothing is written", arguments: cases)
    func usageError(_ arguments: [String], _ message: String) throws {
        let scratch = Scratch()
        scratch.write("r.csv", seededRatings())
        scratch.write("items.csv", seededItems())
        let result = try scratch.run(arguments)
        expectFailure(result, status: 64, message)
        #expect(scratch.listing() == ["items.csv", "r.csv"])
    }
}
