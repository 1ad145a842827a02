// swift-tools-version: 6.1
import PackageDescription

// The benchmark suite is its own package so that the library's `swift build` and
// `swift test` never resolve or compile package-benchmark. Run it from this folder:
//
//     swift package --disable-sandbox benchmark
let package = Package(
    name: "FusionRecBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "FusionRec", path: ".."),
        // ordo-one/package-benchmark, published under its new name `ordo-one/benchmark`; the
        // legacy URL still resolves but makes the plugin print a deprecation warning.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "LinearAlgebraBenchmarks",
            dependencies: [
                .product(name: "LinearAlgebra", package: "FusionRec"),
                .product(name: "CFusionRecBLAS", package: "FusionRec"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/LinearAlgebra",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "RankingBenchmarks",
            dependencies: [
                .product(name: "Ranking", package: "FusionRec"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/Ranking",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "FactorizationBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Factorization", package: "FusionRec"),
                .product(name: "LinearAlgebra", package: "FusionRec"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/Factorization",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "FusionBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Fusion", package: "FusionRec"),
                .product(name: "Factorization", package: "FusionRec"),
                .product(name: "LinearAlgebra", package: "FusionRec"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/Fusion",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ServingBenchmarks",
            dependencies: [
                .product(name: "Serving", package: "FusionRec"),
                .product(name: "Factorization", package: "FusionRec"),
                .product(name: "LinearAlgebra", package: "FusionRec"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/Serving",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Seeded data shared by the suites.
        .target(
            name: "BenchmarkSupport",
            dependencies: [
                .product(name: "Factorization", package: "FusionRec"),
                .product(name: "LinearAlgebra", package: "FusionRec"),
            ],
            path: "Benchmarks/Support"
        ),
    ],
    swiftLanguageModes: [.v6]
)
