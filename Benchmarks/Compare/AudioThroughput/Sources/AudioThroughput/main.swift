import AudioEmbedding
import LinearAlgebra

#if canImport(Glibc)
import Glibc
#endif

/// Usage: AudioThroughput SECONDS CLIPS REPEATS
///        AudioThroughput musicnn MODEL_DIR THREADS SECONDS CLIPS REPEATS
/// Prints one JSON line: clips per second (the median of REPEATS rounds) over CLIPS clips
/// of Gaussian noise (seeded) of SECONDS seconds —
/// - LogMelEncoder.embedding(of:) on one thread, σ = 0.1 at 22,050 Hz: what
///   audio_reference.py's `throughput` times in librosa;
/// - MusicnnEncoder.encode on THREADS threads (Parallel.threadCount, the clips as one
///   batch), σ = 0.05 at 16 kHz: what musicnn_reference.py's `throughput` times in NumPy.
let arguments = CommandLine.arguments
let musicnn = arguments.count == 7 && arguments[1] == "musicnn"
let numbers = musicnn ? Array(arguments[4...]) : Array(arguments.dropFirst())
guard numbers.count == 3, let seconds = Double(numbers[0]), let count = Int(numbers[1]),
    let repeats = Int(numbers[2]), !musicnn || Int(arguments[3]) != nil
else {
    print("usage: AudioThroughput SECONDS CLIPS REPEATS | AudioThroughput musicnn MODEL_DIR THREADS SECONDS CLIPS REPEATS")
    exit(2)
}

func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

var generator = SplitMix64(seed: 3)
let rate = musicnn ? 16_000 : 22_050
let scale = musicnn ? 0.05 : 0.1
let length = Int(seconds * Double(rate))
let clips = (0..<count).map { _ in
    AudioClip(
        samples: (0..<length).map { _ in
            let u = Double(generator.next() >> 11 + 1) / 9_007_199_254_740_993
            let v = Double(generator.next() >> 11) / 9_007_199_254_740_992
            return Float(scale * (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v))
        }, sampleRate: rate)
}
var sink: Float = 0
var rounds: [Double] = []
if musicnn {
    Parallel.threadCount = Int(arguments[3])!
    let encoder = try MusicnnEncoder(modelDirectory: arguments[2])
    sink += try await encoder.encode(Array(clips.prefix(2))).elements[0]
    for _ in 0..<repeats {
        let start = now()
        sink += try await encoder.encode(clips).elements[0]
        rounds.append(Double(count) / (now() - start))
    }
} else {
    let encoder = LogMelEncoder()
    for clip in clips.prefix(2) { sink += try encoder.embedding(of: clip)[0] }
    for _ in 0..<repeats {
        let start = now()
        for clip in clips { sink += try encoder.embedding(of: clip)[0] }
        rounds.append(Double(count) / (now() - start))
    }
}
let median = rounds.sorted()[rounds.count / 2]
print("{\"clips_per_second\": \(median), \"rounds\": \(rounds), \"seconds\": \(seconds), \"clips\": \(count), \"checksum\": \(sink)}")
