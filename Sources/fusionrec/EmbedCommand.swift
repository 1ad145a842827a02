import ArgumentParser
import Foundation
import FusionRec

/// `fusionrec embed`: one normalised float32 row per input line, written as `.npy`.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed every line of a text file and write the rows as a float32 .npy file (C order).",
        discussion: """
            Empty lines get a row too, so row i always embeds line i. Progress goes to standard error. \
            Get the model files with Scripts/fetch-minilm.sh.
            """)

    enum EncoderName: String, ExpressibleByArgument, CaseIterable {
        case minilm
    }

    @Option(help: "The text encoder: minilm (all-MiniLM-L6-v2).")
    var textEncoder: EncoderName = .minilm
    @Option(help: "The model folder (default: FUSIONREC_MODEL_DIR or ~/.cache/fusionrec/all-MiniLM-L6-v2).")
    var modelDir: String?
    @Option(help: "The input text file, one text per line.")
    var input: String
    @Option(help: "The output .npy file.")
    var output: String
    @Option(help: "Threads for parallel loops and BLAS (default: FUSIONREC_THREADS or all processors).")
    var threads: Int?

    func run() throws {
        try reportingErrors {
            if let threads { Parallel.threadCount = threads }
            let encoder = try SentenceEncoder(modelDirectory: modelDir ?? defaultMiniLMDirectory())
            let text: String
            do {
                text = try String(contentsOfFile: input, encoding: .utf8)
            } catch {
                throw ValidationError("\(input): cannot read as UTF-8 text: \(error.localizedDescription)")
            }
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
                $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
            }
            if lines.last == "" { lines.removeLast() }
            let start = ContinuousClock.now
            let terminal = isatty(STDERR_FILENO) != 0
            let rows = encoder.embed(lines) { done, total in
                guard terminal || done == total else { return }
                let width = 30, filled = total == 0 ? width : width * done / total
                let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
                FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) texts".utf8))
                if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
            }
            try rows.writeNumPy(toFile: output)
            let elapsed = seconds(since: start)
            FileHandle.standardError.write(Data(String(
                format: "wrote %d × %d float32 rows to %@ in %.2f s (%.0f texts/s)\n",
                rows.rowCount, rows.columnCount, output, elapsed, Double(rows.rowCount) / max(elapsed, 1e-9)).utf8))
        }
    }
}
