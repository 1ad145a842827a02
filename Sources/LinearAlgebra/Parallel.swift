import Dispatch
import Synchronization

/// The library's thread policy: one knob for the number of threads, and a chunked
/// parallel loop that runs BLAS single-threaded inside it.
///
/// Row-parallel work (ALS half-steps, batched top-K) runs on ``forEachChunk(of:grainSize:_:)``
/// or ``mapChunks(of:grainSize:_:)``; large single products run on BLAS's own threads.
/// ``threadCount`` sets both. Chunks are fixed by the range and the grain size, never by
/// the thread count, and per-chunk results come back in chunk order, so a computation
/// that reduces them in that order gives identical results for any thread count.
public enum Parallel {
    private static let configuredThreadCount = _PThreadLock<Int>(defaultThreadCount())

    /// The number of threads the library uses, both for its own parallel loops and for
    /// BLAS outside them.
    ///
    /// Defaults to the `FUSIONREC_THREADS` environment variable when it holds a positive
    /// integer, otherwise to the number of online processors. Values below 1 are clamped to 1.
    public static var threadCount: Int {
        get { configuredThreadCount.withLock { $0 } }
        set {
            let count = max(1, newValue)
            configuredThreadCount.withLock { $0 = count }
            BLASThreads.setThreadCount(count)
        }
    }

    private static func defaultThreadCount() -> Int {
        if let text = _environmentValue("FUSIONREC_THREADS"), let value = Int(text), value > 0 { return value }
        return _onlineProcessorCount()
    }

    /// Calls `body` once per chunk of `range`, in parallel on ``threadCount`` threads,
    /// with BLAS pinned to one thread.
    ///
    /// - Parameters:
    ///   - range: the indices to cover.
    ///   - grainSize: the number of indices per chunk (the last chunk may be shorter).
    ///   - body: called with each chunk; must be safe to call concurrently.
    /// - Throws: the error thrown for the lowest-numbered failing chunk, after every
    ///   chunk has finished.
    public static func forEachChunk<E: Error>(
        of range: Range<Int>, grainSize: Int, _ body: (Range<Int>) throws(E) -> Void
    ) throws(E) {
        _ = try mapChunks(of: range, grainSize: grainSize, body)
    }

    /// Calls `body` once per chunk of `range`, in parallel, and returns the results in
    /// chunk order.
    ///
    /// - Throws: the error thrown for the lowest-numbered failing chunk.
    public static func mapChunks<T, E: Error>(
        of range: Range<Int>, grainSize: Int, _ body: (Range<Int>) throws(E) -> T
    ) throws(E) -> [T] {
        precondition(grainSize > 0, "Parallel grain size must be positive, got \(grainSize)")
        let chunkCount = (range.count + grainSize - 1) / grainSize
        @Sendable func chunk(_ index: Int) -> Range<Int> {
            let start = range.lowerBound + index * grainSize
            return start..<min(start + grainSize, range.upperBound)
        }
        let workers = min(threadCount, chunkCount)
        if workers <= 1 {
            return try BLASThreads.withSingleThreadedBLAS { () throws(E) -> [T] in
                var results: [T] = []
                results.reserveCapacity(chunkCount)
                for index in 0..<chunkCount { results.append(try body(chunk(index))) }
                return results
            }
        }
        let slots = UnsafeMutableBufferPointer<Result<T, E>?>.allocate(capacity: chunkCount)
        slots.initialize(repeating: nil)
        defer { slots.deinitialize().deallocate() }
        let next = Atomic<Int>(0)
        BLASThreads.withSingleThreadedBLAS {
            withoutActuallyEscaping(body) { body in
                let shared = _UncheckedSendable((body, slots))
                DispatchQueue.concurrentPerform(iterations: workers) { _ in
                    let (body, slots) = shared.value
                    while true {
                        let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                        if index >= chunkCount { break }
                        do throws(E) {
                            slots[index] = .success(try body(chunk(index)))
                        } catch {
                            slots[index] = .failure(error)
                        }
                    }
                }
            }
        }
        var results: [T] = []
        results.reserveCapacity(chunkCount)
        for slot in slots { results.append(try slot!.get()) }
        return results
    }
}

/// Carries a value across a concurrency boundary that the caller has made safe by other
/// means (each parallel chunk writes only its own slot).
@usableFromInline
struct _UncheckedSendable<Value>: @unchecked Sendable {
    @usableFromInline let value: Value
    @usableFromInline init(_ value: Value) { self.value = value }
}
