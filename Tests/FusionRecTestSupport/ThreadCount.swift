#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra

/// The lock that tests changing ``Parallel/threadCount`` hold (a pthread mutex, which the
/// thread sanitizer sees; see `_PThreadLock` in LinearAlgebra).
nonisolated(unsafe) private let threadCountMutex: UnsafeMutablePointer<pthread_mutex_t> = {
    let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    mutex.initialize(to: pthread_mutex_t())
    pthread_mutex_init(mutex, nil)
    return mutex
}()

/// Runs `body`, which sets `Parallel.threadCount` (typically to 1, then to 2, comparing
/// the results), while no other test that goes through this function changes the count,
/// and restores the count afterwards.
///
/// `Parallel.threadCount` is process-wide and Swift Testing runs suites in parallel: a
/// `.serialized` suite keeps its own tests apart, this lock keeps the suites of every
/// test target apart, so a comparison of 1 and 2 threads never compares 2 with 2.
public func withThreadCountLocked(_ body: () throws -> Void) rethrows {
    pthread_mutex_lock(threadCountMutex)
    let saved = Parallel.threadCount
    defer {
        Parallel.threadCount = saved
        pthread_mutex_unlock(threadCountMutex)
    }
    try body()
}
