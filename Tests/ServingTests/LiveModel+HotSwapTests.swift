import Factorization
import Fusion
import FusionRecTestSupport
import LinearAlgebra
import Persistence
import Ranking
@testable import Serving
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Live model hot swap")
struct LiveModelHotSwapTests {
    /// Every user's and item's factors of two snapshots, in id order.
    static func same<S: BLASScalar>(_ a: LiveSnapshot<S, Int, Int>, _ b: LiveSnapshot<S, Int, Int>) throws -> Bool {
        guard a.userCount == b.userCount, a.itemCount == b.itemCount else { return false }
        for u in 0..<a.userCount {
            let id = a.state.users.id(at: u)
            guard try a.factors(ofUser: id) == b.factors(ofUser: id), try a.history(ofUser: id).map(\.item) == b.history(ofUser: id).map(\.item)
            else { return false }
        }
        for i in 0..<a.itemCount {
            let id = a.state.items.id(at: i)
            guard try a.factors(ofItem: id) == b.factors(ofItem: id) else { return false }
        }
        return true
    }

    @Test("Replay: the new model serves what recording and placing on it directly would give")
    func replay() async throws {
        let old = try await PipelineFixture.make(seed: 3)
        let new = try await PipelineFixture.make(seed: 9)
        let live = try LiveModel(model: old.model, training: old.interactions)
        let events: [(user: Int, item: Int, value: Double)] = [(1, 4, 1), (1000, 7, 2), (2, 4, 1), (1, 9, 1)]
        try live.record(Array(events[0..<2]))
        let placed = try await live.addItems(old.newItems)
        try live.record(Array(events[2...]) + [(user: 3, item: placed[0], value: 1)])
        let inFlight = live.snapshot
        let before = try inFlight.recommend(user: 1, count: 5)
        let report = try await live.replaceModel(with: new.model)
        #expect(report.generation == 1 && report.version == inFlight.version + 1)
        #expect(report.replayedUsers == 4 && report.replayedPlacements == 10 && report.droppedInteractions == 0)
        #expect(report.failures.isEmpty)
        // The request that took its snapshot before the swap still answers from the old model.
        #expect(try inFlight.recommend(user: 1, count: 5) == before)
        let expected = try LiveModel(model: new.model, training: old.interactions)
        try await expected.addItems(old.newItems)
        try expected.record(events + [(user: 3, item: placed[0], value: 1)])
        #expect(try Self.same(live.snapshot, expected.snapshot))
        #expect(live.journalCount == 6)  // one entry per user per record call, and the placement
    }

    @Test("Drop: the new model is served as loaded and the journal is cleared")
    func drop() async throws {
        let model = try Fixtures.implicitModel(Float.self), retrained = try Fixtures.implicitModel(Float.self, seed: 2)
        let live = try LiveModel(model: model, training: Fixtures.data)
        try live.record([(user: 1000, item: 3, value: 1)])
        let report = try await live.replaceModel(with: retrained, policy: .drop)
        #expect(report.replayedUsers == 0 && live.journalCount == 0)
        #expect(!live.snapshot.contains(user: 1000))
        #expect(try Self.same(live.snapshot, LiveModel(model: retrained, training: Fixtures.data).snapshot))
    }

    @Test("Reload from a file; a missing or damaged file is refused and the old model keeps serving")
    func reload() async throws {
        let model = try Fixtures.implicitModel(Float.self), retrained = try Fixtures.implicitModel(Float.self, seed: 2)
        let path = "/tmp/fusionrec-serving-\(getpid()).frm"
        defer { unlink(path) }
        try retrained.write(toFile: path)
        let live = try LiveModel(model: model, training: Fixtures.data)
        try await live.reloadModel(contentsOfFile: path)
        #expect(try live.snapshot.factors(ofUser: 3) == retrained.userFactors.row(retrained.userIDs.index(of: 3)!))
        let version = live.snapshot.version
        await #expect(throws: ServingError.self) { try await live.reloadModel(contentsOfFile: path + ".missing") }
        let damaged = "/tmp/fusionrec-serving-damaged-\(getpid()).frm"
        defer { unlink(damaged) }
        var bytes = retrained.modelFileBytes()
        bytes[bytes.count / 2] ^= 0xFF
        try ModelFile.writeForTesting(bytes, to: damaged)
        await #expect(throws: ServingError.self) { try await live.reloadModel(contentsOfFile: damaged) }
        #expect(live.snapshot.version == version)
    }
}

extension ModelFile {
    /// Writes raw bytes (a deliberately damaged file) with the C library.
    static func writeForTesting(_ bytes: [UInt8], to path: String) throws {
        guard let file = fopen(path, "wb") else { throw ModelFileError.fileSystem(path: path, reason: "cannot open") }
        defer { fclose(file) }
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    }
}
