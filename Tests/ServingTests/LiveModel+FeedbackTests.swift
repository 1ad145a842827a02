import Factorization
import FusionRecTestSupport
import LinearAlgebra
import Ranking
@testable import Serving
import Testing

@Suite("Live model feedback")
struct LiveModelFeedbackTests {
    @Test("An exact re-fold gives the factors foldingInUsers gives for the whole history", arguments: [true, false])
    func exactRefold(knownUser: Bool) throws {
        let model = try Fixtures.implicitModel(Double.self)
        let live = try LiveModel(model: model, training: Fixtures.data, configuration: .init(solver: .cholesky))
        let user = knownUser ? 5 : 1000
        let added: [(user: Int, item: Int, value: Double)] = [(user, 3, 2), (user, 11, 1), (user, 3, 1)]
        let version = try live.record(added)
        #expect(version == 1 && live.snapshot.version == 1)
        let t = Fixtures.data.userIDs.index(of: user)
        let training = t.map { t in Fixtures.data.items(ofUser: t).enumerated().map { offset, i in
            (item: Fixtures.data.itemIDs.id(at: Int(i)), value: Fixtures.data.byUser.values[Fixtures.data.byUser.entryRange(ofRow: t).lowerBound + offset])
        } } ?? []
        let history = training + added.map { (item: $0.item, value: $0.value) }
        let expected = try model.userFactors(foldingIn: history).factors
        let ours = try live.snapshot.factors(ofUser: user)
        for (a, b) in zip(ours, expected) { #expect(abs(a - b) < 1e-9) }
        #expect(try live.snapshot.history(ofUser: user).count == history.count)
        // Visible to the next read, and the recorded items are no longer recommended.
        let top = try live.snapshot.recommend(user: user, count: 80)
        #expect(!top.contains { $0.id == 3 || $0.id == 11 })
    }

    /// Measured here (k = 8, α = 40, 40 writes): 3 steps 16.6 %, 5 steps 3.9 %, 8 = k steps 3·10⁻¹¹.
    @Test("A warm-started conjugate-gradient re-fold stays close to the exact one across many writes",
          arguments: [(5, 0.05), (8, 1e-8)])
    func conjugateGradientRefold(steps: Int, tolerance: Double) throws {
        // Trained with exact solves, so every user's factors start at their exact solution.
        let model = try Fixtures.implicitModel(Double.self, iterations: 10, solver: .cholesky)
        let exact = try LiveModel(model: model, training: Fixtures.data, configuration: .init(solver: .cholesky))
        let fast = try LiveModel(model: model, training: Fixtures.data, configuration: .init(solver: .conjugateGradient(steps: steps)))
        var generator = SplitMix64(seed: 11)
        for _ in 0..<40 {
            let event = (user: Int(generator.next(upperBound: UInt64(60))), item: Int(generator.next(upperBound: UInt64(80))), value: 1.0)
            try exact.record([event])
            try fast.record([event])
        }
        var worst = 0.0, all: [Double] = []
        for user in 0..<60 {
            let a = try exact.snapshot.factors(ofUser: user), b = try fast.snapshot.factors(ofUser: user)
            let difference = zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
            let norm = a.map { $0 * $0 }.reduce(0, +).squareRoot()
            worst = max(worst, difference / max(norm, 1e-12))
            all.append(difference / max(norm, 1e-12))
        }
        #expect(worst < tolerance, "\(steps) steps: largest relative difference \(worst), median \(all.sorted()[30])")
    }

    @Test("A re-fold's entries: each item once, in order of first appearance, its values summed in recorded order")
    func summedByItem() {
        var generator = SplitMix64(seed: 9)
        for count in [0, 1, 7, 100, 5_000] {
            let history = (0..<count).map { _ in
                _HistoryEntry(item: Int32(truncatingIfNeeded: generator.next(upperBound: UInt64(max(count / 3, 1)))),
                              value: Double(generator.next(upperBound: UInt64(1_000))) / 7)
            }
            var expected: [(item: Int32, value: Double)] = []
            for entry in history {
                if let index = expected.firstIndex(where: { $0.item == entry.item }) {
                    expected[index].value += entry.value
                } else {
                    expected.append((entry.item, entry.value))
                }
            }
            let summed = _summedByItem(history)
            #expect(summed.map { $0.item } == expected.map { $0.item }, "\(count) entries")
            #expect(summed.map { $0.value } == expected.map { $0.value }, "\(count) entries")
        }
    }

    @Test("An explicit re-fold solves the user's factors and bias as foldingInUsers does")
    func explicitRefold() throws {
        let model = try Fixtures.explicitModel()
        let live = try LiveModel(model: model)
        try live.record([(user: 77, item: 2, value: 4.5), (user: 77, item: 9, value: 1.0)])
        let expected = try model.userFactors(foldingIn: [(item: 2, value: 4.5), (item: 9, value: 1.0)])
        let folded = try model.foldingInUsers([(id: 77, interactions: [(item: 2, value: 4.5), (item: 9, value: 1.0)])])
        for (a, b) in zip(try live.snapshot.factors(ofUser: 77), expected.factors) { #expect(abs(a - b) < 1e-9) }
        #expect(abs(try live.snapshot.score(user: 77, item: 4) - folded.score(user: 77, item: 4)) < 1e-9)
    }

    @Test("Bad interactions are refused whole, and nothing is applied")
    func refusals() throws {
        let live = try LiveModel(model: try Fixtures.implicitModel(Float.self), training: Fixtures.data)
        let before = live.snapshot
        #expect(throws: ServingError.self) { try live.record([(user: 1, item: 2, value: 1), (user: 1, item: 9999, value: 1)]) }
        #expect(throws: ServingError.self) { try live.record([(user: 1, item: 2, value: .nan)]) }
        #expect(throws: ServingError.self) { try live.record([(user: 1, item: 2, value: -1)]) }
        #expect(live.snapshot === before && live.journalCount == 0)
    }

    @Test("Recording one interaction copies one chunk of user rows and shares every other chunk")
    func noCopy() throws {
        let model = try Fixtures.implicitModel(Float.self)
        let live = try LiveModel(model: model, training: Fixtures.data, configuration: .init(rowsPerChunk: 8))
        let before = live.snapshot.state
        try live.record([(user: 20, item: 4, value: 1)])
        let after = live.snapshot.state
        #expect(after.itemRows.chunks.count == before.itemRows.chunks.count)
        #expect(zip(after.itemRows.chunks, before.itemRows.chunks).allSatisfy { $0 === $1 })
        #expect(after.gram === before.gram)
        let changed = zip(after.userRows.chunks, before.userRows.chunks).enumerated().filter { $1.0 !== $1.1 }.map(\.offset)
        #expect(changed == [20 / 8])
        let changedHistories = zip(after.histories.chunks, before.histories.chunks).filter { $0 !== $1 }.count
        #expect(changedHistories == 1)
        // Of the chunk pages (64 chunks each), only the written row's is new.
        #expect(zip(after.userRows.pages, before.userRows.pages).filter { $0 !== $1 }.count == 1)
        // The old version still answers with the old row.
        #expect(before.userRows.row(20) != after.userRows.row(20))
    }
}
