// swift-tools-version: 6.1
// libFuzzer targets for FusionRec's parsers. A separate package so that the root's
// `swift build` and `swift test` never compile them; build and run with Scripts/fuzz.sh:
//
//     swift build -c debug -Xswiftc -sanitize=fuzzer,address
//     .build/debug/FuzzNumPy Corpus/FuzzNumPy -max_total_time=600
import PackageDescription

let targets = [
    "FuzzModelFile", "FuzzNumPy", "FuzzInteractionsCSV", "FuzzAttributeTable", "FuzzSafeTensors", "FuzzItemsPipeline",
]

/// The image decoders' targets link ImageDecoding, which the umbrella does not include.
let imageTargets = ["FuzzJPEG", "FuzzPNG"]

/// The WAV decoder's target links AudioEmbedding, which the umbrella does not include either.
let audioTargets = ["FuzzWAV"]

let package = Package(
    name: "FusionRecFuzz",
    platforms: [.macOS(.v15)],
    products: (targets + imageTargets + audioTargets).map { .executable(name: $0, targets: [$0]) },
    dependencies: [.package(name: "FusionRec", path: "..")],
    targets: [.target(name: "FuzzDriver")] + targets.map {
        .executableTarget(
            name: $0,
            dependencies: ["FuzzDriver", .product(name: "FusionRec", package: "FusionRec")])
    } + imageTargets.map {
        .executableTarget(
            name: $0,
            dependencies: [
                "FuzzDriver", .product(name: "ImageDecoding", package: "FusionRec"),
                .product(name: "FeatureEncoding", package: "FusionRec"),
            ])
    } + audioTargets.map {
        .executableTarget(
            name: $0, dependencies: ["FuzzDriver", .product(name: "AudioEmbedding", package: "FusionRec")])
    },
    swiftLanguageModes: [.v6]
)
