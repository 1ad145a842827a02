import Factorization
import FusionRecTestSupport
import LinearAlgebra
import Ranking
@testable import Serving
import Testing

/// Readers, writers and swaps run at once; every answer must be what a single-threaded
/// replay of the same writes, in version order, answers at the version the read saw.
@Suite("Live model under concurrent reads, writes and swaps")
struct LiveModelConcurrencyTests {
    enum Write: Sendable {
        case record([(user: Int, item: Int, value: Double)])
        case addItems([Int], Matrix<Float>)
        case swap(second: Bool, policy: LiveModel<Float, Int, Int>.SwapPolicy)
    }

    enum Read: Sendable, Hashable {
        case recommend(user: Int, allowed: Set<Int>?)
        case batch([Int])
        case similar(item: Int)
        /// Through a ``RecommendationBatcher``: the version is the one its batch read.
        case batched(user: Int)
    }

    static func answer(_ read: Read, on snapshot: LiveSnapshot<Float, Int, Int>) -> [[RankedItem<Int>]] {
        do {
            switch read {
            case let .recommend(user, allowed):
                return [try snapshot.recommend(user: user, count: 10, filter: RankingFilter(candidates: allowed))]
            case let .batch(users):
                return try snapshot.recommend(users: users, count: 5)
            case let .similar(item):
                return [try snapshot.similarItems(to: item, count: 10)]
            case let .batched(user):
                return [try snapshot.recommend(user: user, count: 10)]
            }
        } catch {
            return []
        }
    }

    @Test("Every answer equals a single-threaded replay's answer at the version it read")
    func replayedAnswers() async throws {
        let first = try Fixtures.implicitModel(Float.self, seed: 1), second = try Fixtures.implicitModel(Float.self, seed: 2)
        let live = try LiveModel(model: first, training: Fixtures.data)
        let writes = _PThreadLock<[(version: Int, write: Write)]>([])
        let reads = _PThreadLock<[(version: Int, read: Read, answer: [[RankedItem<Int>]])]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<2 {
                group.addTask {
                    var generator = SplitMix64(seed: UInt64(100 + writer))
                    for _ in 0..<80 {
                        let count = 1 + Int(generator.next(upperBound: UInt64(3)))
                        let events = (0..<count).map { _ in
                            (user: Int(generator.next(upperBound: UInt64(70))), item: Int(generator.next(upperBound: UInt64(80))), value: 1.0)
                        }
                        let version = try live.record(events)
                        writes.withLock { $0.append((version, .record(events))) }
                    }
                }
            }
            group.addTask {
                var generator = SplitMix64(seed: 200)
                for batch in 0..<6 {
                    let ids = [1000 + 2 * batch, 1001 + 2 * batch]
                    let factors = Matrix<Float>.randomNormal(rowCount: 2, columnCount: 8, using: &generator)
                    let version = try live.addItems(ids, factors: factors)
                    writes.withLock { $0.append((version, .addItems(ids, factors))) }
                    await Task.yield()
                }
            }
            group.addTask {
                for swap in 0..<5 {
                    let policy: LiveModel<Float, Int, Int>.SwapPolicy = swap == 3 ? .drop : .replay
                    let report = try await live.replaceModel(with: swap % 2 == 0 ? second : first, policy: policy)
                    writes.withLock { $0.append((report.version, .swap(second: swap % 2 == 0, policy: policy))) }
                    await Task.yield()
                }
            }
            for reader in 0..<4 {
                group.addTask {
                    var generator = SplitMix64(seed: UInt64(300 + reader))
                    for _ in 0..<150 {
                        let read: Read
                        switch generator.next(upperBound: UInt64(3)) {
                        case 0:
                            let allowed = generator.next(upperBound: UInt64(2)) == 0
                                ? nil : Set((0..<20).map { _ in Int(generator.next(upperBound: UInt64(90))) } + [1000, 1003])
                            read = .recommend(user: Int(generator.next(upperBound: UInt64(70))), allowed: allowed)
                        case 1: read = .batch((0..<4).map { _ in Int(generator.next(upperBound: UInt64(60))) })
                        default: read = .similar(item: Int(generator.next(upperBound: UInt64(80))))
                        }
                        let snapshot = live.snapshot
                        let answer = Self.answer(read, on: snapshot)
                        reads.withLock { $0.append((snapshot.version, read, answer)) }
                        if generator.next(upperBound: UInt64(8)) == 0 { await Task.yield() }
                    }
                }
            }
            let batcher = RecommendationBatcher(live: live, maximumBatchSize: 4, maximumConcurrentScans: 1)
            for reader in 0..<2 {
                group.addTask {
                    var generator = SplitMix64(seed: UInt64(400 + reader))
                    for _ in 0..<60 {
                        let user = Int(generator.next(upperBound: UInt64(60)))
                        let answer = try await batcher.recommend(RecommendationQuery(user: user, count: 10))
                        reads.withLock { $0.append((answer.version, .batched(user: user), [answer.items])) }
                    }
                }
            }
            try await group.waitForAll()
        }
        let log = writes.withLock { $0 }.sorted { $0.version < $1.version }
        let observed = Dictionary(grouping: reads.withLock { $0 }, by: \.version)
        #expect(log.map(\.version) == Array(1...log.count), "every write is one version, with no gaps")
        #expect(observed.values.reduce(0) { $0 + $1.count } == 720)
        let replay = try LiveModel(model: first, training: Fixtures.data)
        var checked = 0
        func check(_ version: Int) {
            let snapshot = replay.snapshot
            for read in observed[version] ?? [] {
                let replayed = Self.answer(read.read, on: snapshot)
                if case .batched = read.read {
                    // Batched with other requests: the same items, scores up to the last bit.
                    #expect(replayed.map { $0.map(\.id) } == read.answer.map { $0.map(\.id) }, "read \(read.read) at version \(version)")
                    for (a, b) in zip(replayed.joined(), read.answer.joined()) {
                        #expect(abs(a.score - b.score) <= 1e-5 * max(1, abs(a.score)))
                    }
                } else {
                    #expect(replayed == read.answer, "read \(read.read) at version \(version)")
                }
                checked += 1
            }
        }
        check(0)
        for (version, write) in log {
            switch write {
            case .record(let events): #expect(try replay.record(events) == version)
            case let .addItems(ids, factors): #expect(try replay.addItems(ids, factors: factors) == version)
            case let .swap(toSecond, policy):
                #expect(try await replay.replaceModel(with: toSecond ? second : first, policy: policy).version == version)
            }
            check(version)
        }
        #expect(checked == 720)
    }
}
