import Benchmark

/// The LinearAlgebra suite: dense products (against a direct `cblas_sgemm` on the same
/// buffers), Gram matrices, Cholesky solves, the ALS batch of small solves, and sparse ×
/// dense products. See `Docs/Benchmarks.md` for how to run it and the recorded results.
let benchmarks: @Sendable () -> Void = {
    registerProductBenchmarks()
    registerWrapperComparisonBenchmarks()
    registerGramBenchmarks()
    registerSolveBenchmarks()
    registerSparseBenchmarks()
}
