// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "FusionRec",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "FusionRec", targets: ["FusionRec"]),
        .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
        .library(name: "Factorization", targets: ["Factorization"]),
        .library(name: "Ranking", targets: ["Ranking"]),
        .library(name: "Fusion", targets: ["Fusion"]),
        .library(name: "TextEmbedding", targets: ["TextEmbedding"]),
        .library(name: "Persistence", targets: ["Persistence"]),
        .library(name: "CFusionRecBLAS", targets: ["CFusionRecBLAS"]),
        .executable(name: "fusionrec", targets: ["fusionrec"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CFusionRecBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        .target(name: "LinearAlgebra", dependencies: ["CFusionRecBLAS"]),
        .target(name: "Factorization", dependencies: ["LinearAlgebra"]),
        .target(name: "Ranking", dependencies: ["LinearAlgebra", "Factorization"]),
        .target(name: "Fusion", dependencies: ["LinearAlgebra", "Factorization", "Ranking"]),
        .target(name: "TextEmbedding", dependencies: ["LinearAlgebra", "Fusion"]),
        .target(name: "Persistence", dependencies: ["LinearAlgebra", "Factorization", "Fusion"]),
        .target(
            name: "FusionRec",
            dependencies: ["LinearAlgebra", "Factorization", "Ranking", "Fusion", "TextEmbedding", "Persistence"]),
        .executableTarget(
            name: "fusionrec",
            dependencies: [
                "FusionRec",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "fusionrec-compare",
            dependencies: ["Factorization", "Ranking"],
            path: "Benchmarks/Compare/fusionrec-compare"
        ),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"]),
        .testTarget(name: "FactorizationTests", dependencies: ["Factorization"]),
        .testTarget(name: "RankingTests", dependencies: ["Ranking"]),
        .testTarget(name: "FusionTests", dependencies: ["Fusion"]),
        .testTarget(
            name: "TextEmbeddingTests",
            dependencies: ["TextEmbedding", "Fusion", "LinearAlgebra"],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "ExamplesTests", dependencies: ["FusionRec"]),
        .testTarget(name: "PersistenceTests", dependencies: ["Persistence", "Ranking"]),
        .testTarget(name: "ReliabilityTests", dependencies: ["FusionRec"]),
        // Runs the built `fusionrec` executable as a process; the dependency only makes
        // `swift test` build it first.
        .testTarget(name: "CommandLineTests", dependencies: ["fusionrec"]),
    ],
    swiftLanguageModes: [.v6]
)

// The documentation plugin is a dependency only when documentation is being built
// (Scripts/check-docs.sh sets FUSIONREC_DOCS), so ordinary builds resolve nothing extra.
if Context.environment["FUSIONREC_DOCS"] != nil {
    package.dependencies.append(.package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"))
}
