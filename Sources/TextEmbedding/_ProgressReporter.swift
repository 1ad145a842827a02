import Synchronization

/// Counts finished texts across worker threads and calls the user's progress callback
/// one call at a time.
final class _ProgressReporter: Sendable {
    private let state: Mutex<Int>
    private let total: Int
    private nonisolated(unsafe) let callback: ((Int, Int) -> Void)?

    init(total: Int, callback: ((Int, Int) -> Void)?) {
        self.state = Mutex(0)
        self.total = total
        self.callback = callback
    }

    func advance(by count: Int) {
        state.withLock { completed in
            completed += count
            callback?(completed, total)
        }
    }
}

/// A flag set by a task-cancellation handler and read by worker threads.
final class _CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .relaxed) }
    func set() { flag.store(true, ordering: .relaxed) }
}
