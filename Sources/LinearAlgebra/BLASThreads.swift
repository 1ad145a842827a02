import CFusionRecBLAS

/// The interop point with OpenBLAS's own thread pool.
///
/// OpenBLAS keeps one process-wide thread count. Row-parallel loops must run BLAS on
/// one thread, or the library's threads and OpenBLAS's oversubscribe the cores. Nested
/// and concurrent single-threaded sections are reference-counted, so two loops running
/// at once from different tasks restore the count only when the last one leaves.
package enum BLASThreads {
    private struct State {
        var singleThreadedDepth = 0
        var threadCount = 0
    }

    private static let state = _PThreadLock(State())

    /// Sets the thread count OpenBLAS uses outside single-threaded sections.
    static func setThreadCount(_ count: Int) {
        state.withLock { state in
            state.threadCount = count
            if state.singleThreadedDepth == 0 { openblas_set_num_threads(Int32(count)) }
        }
    }

    /// Runs `body` with BLAS pinned to one thread.
    package static func withSingleThreadedBLAS<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        state.withLock { state in
            if state.singleThreadedDepth == 0 {
                if state.threadCount == 0 { state.threadCount = Int(openblas_get_num_threads()) }
                openblas_set_num_threads(1)
            }
            state.singleThreadedDepth += 1
        }
        defer {
            state.withLock { state in
                state.singleThreadedDepth -= 1
                if state.singleThreadedDepth == 0 { openblas_set_num_threads(Int32(state.threadCount)) }
            }
        }
        return try body()
    }
}
