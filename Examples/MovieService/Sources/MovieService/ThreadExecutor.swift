import Foundation

/// A task executor of one dedicated thread. The service has two:
///
/// - **model swaps.** A swap loads a model file and builds the next version's storage
///   synchronously — about a second of processor time at 100k users × 50k items. On the
///   cooperative pool (one thread per core) that held one of the two threads that answer
///   requests for the whole time; on its own thread the requests keep both. The thread
///   keeps the default priority: a swap holds the writer lock while it replays the journal,
///   and at a lower priority on a busy machine it held it — and the writes waiting on it —
///   for longer (ml-small with 10 % writes: p99 0.44 s at niceness 10).
/// - **recorded interactions.** Writes are serialized by the live model's writer lock
///   anyway; on the cooperative pool a write waiting for the lock blocked one of the two
///   threads that answer reads. On one thread of their own they queue instead (ml-small
///   with 50 % writes, three alternating pairs: 14,700–14,880 → 16,710–17,010 requests a
///   second, p99 5.2–5.4 → 3.7–3.9 ms).
final class ThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    /// Starts the thread, named `name`.
    init(name: String) {
        let thread = Thread { [unowned self] in run() }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Returns the free pages of every malloc arena to the system (glibc's `malloc_trim`,
    /// looked up at run time since Swift's Glibc module does not declare it; nothing
    /// elsewhere).
    static func releaseFreeMemory() {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        let trim = unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        _ = trim(0)
    }

    private func run() -> Never {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
