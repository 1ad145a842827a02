// swift-tools-version: 6.1
// The Swift side of Benchmarks/Compare/audio_compare.sh and musicnn_compare.sh: times
// LogMelEncoder and MusicnnEncoder. A separate package so that timing code stays out of
// the library.
import PackageDescription

let package = Package(
    name: "AudioThroughput",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "FusionRec", path: "../../..")],
    targets: [
        .executableTarget(
            name: "AudioThroughput",
            dependencies: [
                .product(name: "AudioEmbedding", package: "FusionRec"),
                .product(name: "LinearAlgebra", package: "FusionRec"),
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
