// swift-tools-version: 6.1
// The Swift side of Benchmarks/Compare/efficientnet_compare.sh: times
// EfficientNetLiteEncoder. A separate package so that timing code stays out of the library.
import PackageDescription

let package = Package(
    name: "EfficientNetThroughput",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "FusionRec", path: "../../..")],
    targets: [
        .executableTarget(
            name: "EfficientNetThroughput",
            dependencies: [
                .product(name: "ImageEmbedding", package: "FusionRec"),
                .product(name: "FeatureEncoding", package: "FusionRec"),
                .product(name: "ImageDecoding", package: "FusionRec"),
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
