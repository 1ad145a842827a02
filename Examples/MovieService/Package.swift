// swift-tools-version: 6.1
import PackageDescription

// An example service on Hummingbird 2 that embeds FusionRec's live model. It is its own
// package, so the library's `swift build` never compiles a web framework. From this folder:
//
//     bash Scripts/train-model.sh          # fits .data/ml-small.frm with the fusionrec CLI
//     swift run -c release movie-service --model .data/ml-small.frm
let package = Package(
    name: "MovieService",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "FusionRec", path: "../.."),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        .executableTarget(
            name: "movie-service",
            dependencies: [
                .product(name: "Serving", package: "FusionRec"),
                .product(name: "Fusion", package: "FusionRec"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Sources/MovieService"
        ),
        .testTarget(
            name: "MovieServiceTests",
            dependencies: ["movie-service"],
            path: "Tests/MovieServiceTests"
        ),
        // Writes a model file of random factors (100k users × 50k items for the load tests).
        .executableTarget(
            name: "synthetic-model",
            dependencies: [.product(name: "Factorization", package: "FusionRec")],
            path: "Sources/SyntheticModel"
        ),
    ],
    swiftLanguageModes: [.v6]
)
