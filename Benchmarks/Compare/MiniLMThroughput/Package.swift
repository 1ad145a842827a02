// swift-tools-version: 6.1
// The Swift side of Benchmarks/Compare/minilm_compare.sh: times SentenceEncoder on a
// file of texts. A separate package so that timing code stays out of the library.
import PackageDescription

let package = Package(
    name: "MiniLMThroughput",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "FusionRec", path: "../../..")],
    targets: [
        .executableTarget(
            name: "MiniLMThroughput",
            dependencies: [.product(name: "TextEmbedding", package: "FusionRec")]
        )
    ],
    swiftLanguageModes: [.v6]
)
