import AudioEmbedding
import LinearAlgebra

#if canImport(Glibc)
import Glibc
#endif

/// Usage: AudioThroughput SECONDS CLIPS REPEATS
/// Prints one JSON line: clips per second of LogMelEncoder.embedding(of:) on one thread
/// (the median of REPEATS rounds) over CLIPS clips of Gaussian noise (σ = 0.1, seeded) of
/// SECONDS seconds at 22,050 Hz — what audio_reference.py's `throughput` times in librosa.
let arguments = CommandLine.arguments
guard arguments.count == 4, let seconds = Double(arguments[1]), let count = Int(arguments[2]),
    let repeats = Int(arguments[3])
else {
    print("usage: AudioThroughput SECONDS CLIPS REPEATS")
    exit(2)
}

func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

var generator = SplitMix64(seed: 3)
let length = Int(seconds * 22_050)
let clips = (0..<count).map { _ in
    AudioClip(
        samples: (0..<length).map { _ in
            let u = Double(generator.next() >> 11 + 1) / 9_007_199_254_740_993
            let v = Double(generator.next() >> 11) / 9_007_199_254_740_992
            return Float(0.1 * (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v))
        }, sampleRate: 22_050)
}
let encoder = LogMelEncoder()
var sink: Float = 0
for clip in clips.prefix(2) { sink += try encoder.embedding(of: clip)[0] }
var rounds: [Double] = []
for _ in 0..<repeats {
    let start = now()
    for clip in clips { sink += try encoder.embedding(of: clip)[0] }
    rounds.append(Double(count) / (now() - start))
}
let median = rounds.sorted()[rounds.count / 2]
print("{\"clips_per_second\": \(median), \"rounds\": \(rounds), \"seconds\": \(seconds), \"clips\": \(count), \"checksum\": \(sink)}")
