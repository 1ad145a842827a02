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
        .library(name: "FeatureEncoding", targets: ["FeatureEncoding"]),
        .library(name: "Fusion", targets: ["Fusion"]),
        .library(name: "TextEmbedding", targets: ["TextEmbedding"]),
        .library(name: "ImageEmbedding", targets: ["ImageEmbedding"]),
        .library(name: "ImageDecoding", targets: ["ImageDecoding"]),
        .library(name: "AudioEmbedding", targets: ["AudioEmbedding"]),
        .library(name: "Persistence", targets: ["Persistence"]),
        .library(name: "Evaluation", targets: ["Evaluation"]),
        .library(name: "Serving", targets: ["Serving"]),
        .library(name: "MultimodalDemo", targets: ["MultimodalDemo"]),
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
        // Hand-written SIMD kernels where BLAS's calling pattern costs more than the
        // arithmetic (the live model's top-K scans); chosen at run time by the processor.
        .target(name: "CFusionRecKernels"),
        // Arrows point down only (Docs/Architecture.md): leaves first.
        .target(name: "LinearAlgebra", dependencies: ["CFusionRecBLAS", "CFusionRecKernels"]),
        .target(name: "FeatureEncoding", dependencies: ["LinearAlgebra"]),
        .target(name: "Persistence", dependencies: ["LinearAlgebra"]),
        .target(name: "Factorization", dependencies: ["LinearAlgebra", "Persistence"]),
        .target(name: "Ranking", dependencies: ["LinearAlgebra", "Factorization"]),
        .target(name: "Fusion", dependencies: ["LinearAlgebra", "Factorization", "FeatureEncoding", "Persistence"]),
        .target(name: "TextEmbedding", dependencies: ["LinearAlgebra", "FeatureEncoding"]),
        .target(name: "ImageEmbedding", dependencies: ["LinearAlgebra", "FeatureEncoding"]),
        // libjpeg-turbo and libpng: linked only by ImageDecoding, never by the core library.
        .systemLibrary(
            name: "CFusionRecImageCodecs",
            pkgConfig: "libpng",
            providers: [.apt(["libjpeg62-turbo-dev", "libpng-dev"])]
        ),
        .target(name: "ImageDecoding", dependencies: ["CFusionRecImageCodecs", "FeatureEncoding", "LinearAlgebra"]),
        // FFTW (single precision): linked only by AudioEmbedding, never by the core library.
        .systemLibrary(
            name: "CFusionRecFFTW",
            pkgConfig: "fftw3f",
            providers: [.apt(["libfftw3-dev"])]
        ),
        .target(name: "AudioEmbedding", dependencies: ["CFusionRecFFTW", "FeatureEncoding", "LinearAlgebra"]),
        // The planted multimodal catalogue of `fusionrec demo --multimodal`: it writes PNG and
        // WAV files, so it links ImageDecoding and AudioEmbedding and stays out of the umbrella.
        .target(
            name: "MultimodalDemo",
            dependencies: ["LinearAlgebra", "FeatureEncoding", "Factorization", "Ranking", "Fusion", "ImageDecoding",
                           "AudioEmbedding"]),
        .target(name: "Evaluation", dependencies: ["LinearAlgebra", "Factorization", "Ranking", "Fusion"]),
        .target(
            name: "Serving",
            dependencies: ["LinearAlgebra", "FeatureEncoding", "Persistence", "Factorization", "Ranking", "Fusion"]),
        .target(
            name: "FusionRec",
            dependencies: [
                "LinearAlgebra", "FeatureEncoding", "Persistence", "Factorization", "Ranking", "Fusion",
                "TextEmbedding", "Evaluation", "Serving",
            ]),
        .executableTarget(
            name: "fusionrec",
            dependencies: [
                // Images and audio for --image-column and --audio-column: the CLI links the decoders and the models; the
                // library (FusionRec) does not.
                "FusionRec", "ImageDecoding", "ImageEmbedding", "AudioEmbedding", "MultimodalDemo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "fusionrec-compare",
            dependencies: ["Factorization", "Ranking"],
            path: "Benchmarks/Compare/fusionrec-compare"
        ),
        .executableTarget(
            name: "fusionrec-sparse-scale",
            dependencies: ["Factorization", "Fusion"],
            path: "Benchmarks/Compare/sparse-scale"
        ),
        // Planted data, the scalar list and the FactorModel conformance suite, shared by the test targets.
        .target(
            name: "FusionRecTestSupport",
            dependencies: ["LinearAlgebra", "Factorization", "Ranking", "Fusion"],
            path: "Tests/FusionRecTestSupport"
        ),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "FusionRecTestSupport"]),
        .testTarget(name: "FactorizationTests", dependencies: ["Factorization", "FusionRecTestSupport"]),
        .testTarget(name: "RankingTests", dependencies: ["Ranking", "FusionRecTestSupport"]),
        .testTarget(name: "FusionTests", dependencies: ["Fusion", "FeatureEncoding", "Persistence", "FusionRecTestSupport"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "FusionRecTestSupport"]),
        .testTarget(
            name: "ServingTests",
            dependencies: ["Serving", "Fusion", "Ranking", "Factorization", "LinearAlgebra", "FusionRecTestSupport"]),
        .testTarget(
            name: "TextEmbeddingTests",
            dependencies: ["TextEmbedding", "FeatureEncoding", "LinearAlgebra", "FusionRecTestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "ImageEmbeddingTests",
            dependencies: ["ImageEmbedding", "ImageDecoding", "FeatureEncoding", "LinearAlgebra", "FusionRecTestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "ImageDecodingTests", dependencies: ["ImageDecoding", "FeatureEncoding"]),
        .testTarget(
            name: "AudioEmbeddingTests",
            dependencies: ["AudioEmbedding", "FeatureEncoding", "LinearAlgebra", "FusionRecTestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "MultimodalDemoTests",
            dependencies: ["MultimodalDemo", "Fusion", "ImageDecoding", "ImageEmbedding", "AudioEmbedding", "FeatureEncoding",
                           "FusionRecTestSupport"]),
        .testTarget(name: "ExamplesTests", dependencies: ["FusionRec"]),
        .testTarget(name: "PersistenceTests", dependencies: ["Persistence", "Fusion", "FusionRecTestSupport"]),
        .testTarget(name: "ReliabilityTests", dependencies: ["FusionRec"]),
        // Runs the built `fusionrec` executable as a process; the dependency only makes
        // `swift test` build it first.
        .testTarget(name: "CommandLineTests", dependencies: ["fusionrec", "Fusion", "Persistence", "FusionRecTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

// The documentation plugin is a dependency only when documentation is being built
// (Scripts/check-docs.sh sets FUSIONREC_DOCS), so ordinary builds resolve nothing extra.
if Context.environment["FUSIONREC_DOCS"] != nil {
    package.dependencies.append(.package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"))
}
