import LinearAlgebra
import Ranking

/// Coalesces concurrent top-K requests on a ``LiveModel``: requests that arrive while a
/// scan is running wait for the next one and are answered together from one snapshot, so
/// the item rows are read once per batch (``LiveSnapshot/recommend(_:)``: up to 32
/// queries scored together per chunk) instead of once per request.
///
/// There is no timer: a request that finds no scan running yields once, so that the
/// requests whose tasks are already queued to run (those the event loops read in the same
/// tick) can join it, then scans with whatever is waiting. While a scan runs, requests
/// wait for the next one, and another concurrent scan (up to ``maximumConcurrentScans``)
/// starts when eight are waiting — a full tile of the scoring kernel. Under light load
/// every request is its own batch, as fast as a direct read but for one trip through the
/// executor's queue; under heavy load batches grow by themselves, and the cost per request
/// falls as the queue lengthens. (Without the yield, the first request after each scan
/// scanned alone while the requests read just after it waited for it.) The task that
/// finishes a scan hands the next batch to the first waiting request's task, so no request
/// runs another's scan after its own answer is ready.
///
/// ```swift
/// let batcher = RecommendationBatcher(live: live)
/// let answer = try await batcher.recommend(RecommendationQuery(user: 42, count: 10))
/// print(answer.version, answer.items)
/// ```
///
/// A batch takes the snapshot after its requests were queued, so a request sees every
/// write that completed before it was made — as a direct `live.snapshot` read does.
public final class RecommendationBatcher<
    Scalar: BLASScalar,
    UserID: Hashable & Sendable & LosslessStringConvertible,
    ItemID: Hashable & Sendable & LosslessStringConvertible
>: Sendable {
    /// A ranking and the version of the snapshot it came from.
    public struct Answer: Sendable {
        /// The ranked items, best first.
        public var items: [RankedItem<ItemID>]
        /// ``LiveSnapshot/version`` of the snapshot that answered.
        public var version: Int
    }

    private enum Outcome: Sendable {
        case answered(Result<Answer, ServingError>)
        /// Scan the next batch, this request's query first.
        case lead
    }

    private struct Waiting: Sendable {
        var query: RecommendationQuery<UserID, ItemID>
        var continuation: UnsafeContinuation<Outcome, Never>
    }

    private struct Queue: Sendable {
        var waiting: [Waiting] = []
        var scans = 0
    }

    /// The live model answered from.
    public let live: LiveModel<Scalar, UserID, ItemID>
    /// The most requests answered by one scan.
    public let maximumBatchSize: Int
    /// The most scans running at once; a request beyond them waits for the next batch.
    public let maximumConcurrentScans: Int
    private let queue = _PThreadLock(Queue())

    /// Creates a batcher over `live`.
    ///
    /// - Parameters:
    ///   - live: the live model whose snapshots answer.
    ///   - maximumBatchSize: requests per scan (≥ 1); default 32, the queries one scan
    ///     scores together.
    ///   - maximumConcurrentScans: scans at once (≥ 1); default `Parallel.threadCount`
    ///     (the online processors, or `FUSIONREC_THREADS`). With one scan at a time the
    ///     scanning core limited a 2-core service at 100k users × 50k items to 3,500
    ///     requests a second while the other core idled; with two, 4,400 (Docs/Serving.md).
    ///     Set it to the number of cores a host gives to ranking.
    /// - Precondition: both limits are at least 1.
    public init(
        live: LiveModel<Scalar, UserID, ItemID>, maximumBatchSize: Int = 32,
        maximumConcurrentScans: Int = Parallel.threadCount
    ) {
        precondition(maximumBatchSize >= 1 && maximumConcurrentScans >= 1,
                     "Batches of \(maximumBatchSize), \(maximumConcurrentScans) concurrent scans: both must be at least 1")
        self.live = live
        self.maximumBatchSize = maximumBatchSize
        self.maximumConcurrentScans = maximumConcurrentScans
    }

    /// The ranking ``LiveSnapshot/recommend(user:count:filter:)`` gives for `query` on the
    /// snapshot its batch read.
    ///
    /// - Throws: as ``LiveSnapshot/recommend(user:count:filter:)``.
    @_specialize(exported: false, where Scalar == Float, UserID == Int, ItemID == Int)
    @_specialize(exported: false, where Scalar == Double, UserID == Int, ItemID == Int)
    public func recommend(_ query: RecommendationQuery<UserID, ItemID>) async throws(ServingError) -> Answer {
        let leads = queue.withLock { queue in
            guard mayLead(queue) else { return false }
            queue.scans += 1
            return true
        }
        if leads {
            await Task.yield()
            return try scanBatch(leading: query).get()
        }
        let outcome = await withUnsafeContinuation { (continuation: UnsafeContinuation<Outcome, Never>) in
            let leads = queue.withLock { queue in
                guard mayLead(queue) else {
                    queue.waiting.append(Waiting(query: query, continuation: continuation))
                    return false
                }
                queue.scans += 1
                return true
            }
            if leads { continuation.resume(returning: .lead) }
        }
        switch outcome {
        case .answered(let result): return try result.get()
        case .lead: return try scanBatch(leading: query).get()
        }
    }

    /// Whether a request arriving at `queue` starts a scan rather than waiting for one:
    /// always when none runs; another concurrent scan only once it would score at least
    /// ``_queriesPerTile`` queries. (Letting every request that found a scanner free start
    /// one gave a 2-core service many scans of one or two queries, each costing a scan of
    /// eight: with the rule, 8 % more requests a second at ml-small (medians of five
    /// alternating runs) and 9 % at the synthetic size with 10 % writes (of three).)
    private func mayLead(_ queue: Queue) -> Bool {
        queue.scans == 0 || (queue.scans < maximumConcurrentScans && queue.waiting.count + 1 >= _queriesPerTile)
    }

    /// Scans `query` with the requests waiting (up to the batch size), answers them, and
    /// hands the next scan to the first request still waiting.
    @_specialize(exported: false, where Scalar == Float, UserID == Int, ItemID == Int)
    @_specialize(exported: false, where Scalar == Double, UserID == Int, ItemID == Int)
    private func scanBatch(leading query: RecommendationQuery<UserID, ItemID>) -> Result<Answer, ServingError> {
        let batch = queue.withLock { queue in
            let taken = Array(queue.waiting.prefix(maximumBatchSize - 1))
            queue.waiting.removeFirst(taken.count)
            return taken
        }
        let snapshot = live.snapshot
        let answers = snapshot.recommend([query] + batch.map(\.query)).map { result in
            result.map { Answer(items: $0, version: snapshot.version) }
        }
        for (waiting, answer) in zip(batch, answers.dropFirst()) {
            waiting.continuation.resume(returning: .answered(answer))
        }
        let next = queue.withLock { queue -> Waiting? in
            guard !queue.waiting.isEmpty else {
                queue.scans -= 1
                return nil
            }
            return queue.waiting.removeFirst()
        }
        next?.continuation.resume(returning: .lead)
        return answers[0]
    }
}
