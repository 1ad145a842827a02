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
    @Option(help: "The output .npy file, or - for standard output.")
    var output: String
    @Option(parsing: .unconditional, help: "Threads for parallel loops and BLAS (default: FUSIONREC_THREADS or all processors).")
    var threads: Int?

    func validate() throws {
        try checkThreads(threads)
        if output != "-" { try checkDistinctFiles([("--input", input), ("--output", output)]) }
    }

    func run() throws {
        try reportingErrors {
            try checkOutputFile(output, option: "--output", allowsStandardOutput: true)
            if let threads { Parallel.threadCount = threads }
            let bytes: [UInt8]
            do throws(_FileFailure) { bytes = try _readWholeFile(input) } catch {
                throw FileOptionError(option: "--input", path: input, reason: "cannot read: \(error.reason)")
            }
            let lines = try textLines(bytes)
            let encoder = try SentenceEncoder(modelDirectory: modelDir ?? defaultMiniLMDirectory())
            let start = ContinuousClock.now
            let terminal = isatty(STDERR_FILENO) != 0
            let rows = encoder.embed(lines) { done, total in
                guard terminal || done == total else { return }
                let width = 30, filled = total == 0 ? width : width * done / total
                let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
                FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) texts".utf8))
                if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
            }
            try writeOutput(rows.numPyBytes(as: .float32), to: output, option: "--output")
            let elapsed = seconds(since: start)
            FileHandle.standardError.write(Data(String(
                format: "wrote %d × %d float32 rows to %@ in %.2f s (%.0f texts/s)\n",
                rows.rowCount, rows.columnCount, output == "-" ? "standard output" : output, elapsed, Double(rows.rowCount) / max(elapsed, 1e-9)).utf8))
        }
    }

    /// The lines of `bytes`, which must be UTF-8: a line ends at LF, CR LF or a lone CR, so
    /// line i of any editor's file is row i; a last line without an ending counts, an empty
    /// file has none.
    func textLines(_ bytes: [UInt8]) throws -> [String] {
        var lines: [String] = []
        var start = 0, index = 0
        func endLine(at end: Int) throws {
            guard let line = String(validating: bytes[start..<end], as: UTF8.self) else {
                throw FileOptionError(option: "--input", path: input,
                                      reason: "line \(lines.count + 1) is not valid UTF-8")
            }
            lines.append(line)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A || byte == 0x0D {
                try endLine(at: index)
                if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
                start = index + 1
            }
            index += 1
        }
        if start < bytes.count { try endLine(at: bytes.count) }
        return lines
    }
}
