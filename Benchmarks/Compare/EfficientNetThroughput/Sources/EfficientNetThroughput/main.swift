// Usage: EfficientNetThroughput MODEL_DIR BATCH REPEATS
//        EfficientNetThroughput MODEL_DIR embed IMAGE...
//
// Throughput: loads the encoder, embeds one batch of BATCH seeded-noise 224 × 224 RGB
// images once to warm up, then REPEATS more times, and prints the median wall time,
// images per second and process CPU seconds per image as one JSON line. The timed call
// includes preprocessing (centre crop and bicubic resize of each 224 × 224 image) as well
// as the network. Threads: FUSIONREC_THREADS.
//
// embed: decodes each JPEG or PNG file with ImageDecoding and prints one JSON line per
// file with its 1,280 features and top-1 class, for efficientnet_compare.sh's accuracy
// check against the PyTorch reference.
import FeatureEncoding
import Glibc
import ImageDecoding
import ImageEmbedding
import LinearAlgebra

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    print("usage: EfficientNetThroughput MODEL_DIR BATCH REPEATS | EfficientNetThroughput MODEL_DIR embed IMAGE...")
    exit(2)
}
let encoder = try EfficientNetLiteEncoder(modelDirectory: arguments[1])

if arguments[2] == "embed" {
    let paths = Array(arguments.dropFirst(3))
    let images = try paths.map { try ImageDecoder().decode(contentsOf: $0) }
    let features = encoder.embed(images)
    let logits = encoder.logits(fromFeatures: features)
    for (index, path) in paths.enumerated() {
        let scores = logits.row(index)
        let top = scores.indices.max { scores[$0] < scores[$1] }!
        let values = features.row(index).map { "\($0)" }.joined(separator: ",")
        print("{\"file\": \"\(path)\", \"top1\": \(top), \"features\": [\(values)]}")
    }
    exit(0)
}

guard arguments.count == 4, let batch = Int(arguments[2]), let repeats = Int(arguments[3]), batch > 0, repeats > 0
else {
    print("usage: EfficientNetThroughput MODEL_DIR BATCH REPEATS")
    exit(2)
}
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
var cpuTimes: [Double] = []
for _ in 0..<repeats {
    let start = clock.now
    let cpuStart = Glibc.clock()
    _ = encoder.embed(images)
    let elapsed = clock.now - start
    cpuTimes.append(Double(Glibc.clock() - cpuStart) / Double(CLOCKS_PER_SEC))
    times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
}
let median = times.sorted()[times.count / 2]
let cpuMedian = cpuTimes.sorted()[cpuTimes.count / 2]
print(
    "{\"batch\": \(batch), \"threads\": \(Parallel.threadCount), \"median_seconds\": \(median), "
        + "\"images_per_second\": \(Double(batch) / median), \"cpu_seconds_per_image\": \(cpuMedian / Double(batch))}")
