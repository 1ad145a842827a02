import Foundation

/// A task executor of one dedicated thread at lower scheduling priority, for model swaps.
///
/// A swap loads a model file and builds the next version's storage synchronously —
/// about a second of processor time at 100k users × 50k items. On the cooperative pool
/// (one thread per core) that held one of the two threads that answer requests for the
/// whole time and put the read p99 at 0.6 s; on this thread the kernel gives the request
/// threads precedence and the swap takes what is left.
final class SwapExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    /// Starts the thread; `niceness` is added to its scheduling priority (Linux applies
    /// `setpriority` to the calling thread alone).
    init(niceness: Int32 = 10) {
        let thread = Thread { [unowned self] in
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
            run()
        }
        thread.name = "model-swaps"
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
