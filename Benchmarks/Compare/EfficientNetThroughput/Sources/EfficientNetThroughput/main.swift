// Usage: EfficientNetThroughput MODEL_DIR BATCH REPEATS
//
// Loads the encoder, embeds one batch of BATCH seeded-noise 224 × 224 RGB images once to
// warm up, then REPEATS more times, and prints the median wall time and images per
// second as one JSON line. The timed call includes preprocessing (centre crop and
// bicubic resize of each 224 × 224 image) as well as the network. Threads:
// FUSIONREC_THREADS.
import FeatureEncoding
import Glibc
import ImageEmbedding
import LinearAlgebra

let arguments = CommandLine.arguments
guard arguments.count == 4, let batch = Int(arguments[2]), let repeats = Int(arguments[3]), batch > 0, repeats > 0
else {
    print("usage: EfficientNetThroughput MODEL_DIR BATCH REPEATS")
    exit(2)
}
let encoder = try EfficientNetLiteEncoder(modelDirectory: arguments[1])
var state: UInt64 = 17
let images = (0..<batch).map { _ in
    RGBImage(
        width: 224, height: 224,
        pixels: (0..<(224 * 224 * 3)).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        })!
}
let clock = ContinuousClock()
_ = encoder.embed(images)
var times: [Double] = []
for _ in 0..<repeats {
    let start = clock.now
    _ = encoder.embed(images)
    let elapsed = clock.now - start
    times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
}
let median = times.sorted()[times.count / 2]
print(
    "{\"batch\": \(batch), \"threads\": \(Parallel.threadCount), \"median_seconds\": \(median), "
        + "\"images_per_second\": \(Double(batch) / median)}")
