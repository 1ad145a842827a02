// Usage: MiniLMThroughput MODEL_DIR TEXTS_FILE OUTPUT.npy [REPEATS]
//
// Loads the encoder, embeds the first 64 texts once to warm up, then embeds every line
// of TEXTS_FILE REPEATS times (default 1) and prints the best wall time, texts per
// second, the best process CPU time and token statistics as one JSON line. Writes the embeddings to OUTPUT.npy for
// the comparison against PyTorch. Threads: FUSIONREC_THREADS.
import Foundation
import Glibc
import LinearAlgebra
import TextEmbedding

let arguments = CommandLine.arguments
guard arguments.count >= 4 else {
    FileHandle.standardError.write("usage: MiniLMThroughput MODEL_DIR TEXTS_FILE OUTPUT.npy [REPEATS]\n".data(using: .utf8)!)
    exit(2)
}
let repeats = arguments.count > 4 ? Int(arguments[4]) ?? 1 : 1
let text = try String(contentsOfFile: arguments[2], encoding: .utf8)
var texts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
if texts.last == "" { texts.removeLast() }

let clock = ContinuousClock()
let loadStart = clock.now
let encoder = try SentenceEncoder(modelDirectory: arguments[1])
let loadTime = clock.now - loadStart
_ = encoder.embed(Array(texts.prefix(64)))

var best = Duration.seconds(1_000_000)
var bestCPU = Double.infinity
var embeddings = Matrix<Float>(rowCount: 0, columnCount: 0)
for _ in 0..<repeats {
    let start = clock.now
    let cpuStart = Glibc.clock()
    embeddings = encoder.embed(texts)
    best = min(best, clock.now - start)
    bestCPU = min(bestCPU, Double(Glibc.clock() - cpuStart) / Double(CLOCKS_PER_SEC))
}
try embeddings.writeNumPy(toFile: arguments[3])

let lengths = texts.map { encoder.tokenizer.encode($0).count }
let seconds = Double(best.components.seconds) + Double(best.components.attoseconds) * 1e-18
let loadSeconds = Double(loadTime.components.seconds) + Double(loadTime.components.attoseconds) * 1e-18
print(
    "{\"texts\": \(texts.count), \"threads\": \(Parallel.threadCount), \"seconds\": \(seconds), "
        + "\"texts_per_second\": \(Double(texts.count) / seconds), \"cpu_seconds\": \(bestCPU), "
        + "\"texts_per_cpu_second\": \(Double(texts.count) / bestCPU), \"tokens\": \(lengths.reduce(0, +)), "
        + "\"max_tokens\": \(lengths.max() ?? 0), \"load_seconds\": \(loadSeconds)}")
