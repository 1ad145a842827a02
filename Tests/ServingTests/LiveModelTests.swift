import Factorization
import FusionRecTestSupport
import LinearAlgebra
import Ranking
@testable import Serving
import Testing

@Suite("Live model")
struct LiveModelTests {
    @Test("A fresh live model ranks as the Ranker ranks the same model and training data")
    func matchesRanker() throws {
        let model = try Fixtures.implicitModel(Double.self)
        let live = try LiveModel(model: model, training: Fixtures.data)
        let ranker = try Ranker(model: model, training: Fixtures.data)
        let snapshot = live.snapshot
        #expect(snapshot.version == 0 && snapshot.generation == 0)
        #expect(snapshot.userCount == model.userIDs.count && snapshot.itemCount == model.itemIDs.count)
        for user in model.userIDs.ids.prefix(20) {
            let ours = try snapshot.recommend(user: user, count: 10)
            let theirs = try ranker.recommend(user: user, count: 10)
            #expect(ours.map(\.id) == theirs.map(\.id))
            for (a, b) in zip(ours, theirs) { #expect(abs(a.score - b.score) < 1e-9) }
            #expect(try abs(snapshot.score(user: user, item: ours[0].id) - ours[0].score) < 1e-12)
        }
    }

    @Test("Explicit models: scores include μ + bᵤ + cᵢ, as the Ranker's do")
    func explicitScores() throws {
        let model = try Fixtures.explicitModel()
        let live = try LiveModel(model: model, training: Fixtures.explicitData)
        let ranker = try Ranker(model: model, training: Fixtures.explicitData)
        for user in model.userIDs.ids.prefix(10) {
            let ours = try live.snapshot.recommend(user: user, count: 5)
            let theirs = try ranker.recommend(user: user, count: 5)
            #expect(ours.map(\.id) == theirs.map(\.id))
            #expect(abs(ours[0].score - theirs[0].score) < 1e-9)
        }
        #expect(live.snapshot.predictsValues)
    }

    @Test("Bad configurations and models are refused with what was wrong")
    func refusals() throws {
        let model = try Fixtures.implicitModel(Float.self)
        #expect(throws: ServingError.self) { try LiveModel(model: model, configuration: .init(rowsPerChunk: 0)) }
        #expect(throws: ServingError.self) {
            try LiveModel(model: model, configuration: .init(solver: .conjugateGradient(steps: 0)))
        }
        var factors = model.itemFactors
        factors[3, 2] = .nan
        let broken = MatrixFactorizationModel(
            userIDs: model.userIDs, itemIDs: model.itemIDs, userFactors: model.userFactors, itemFactors: factors,
            predictsValues: false, foldInRule: model.foldInRule)
        do {
            _ = try LiveModel(model: broken)
            Issue.record("a NaN factor was accepted")
        } catch {
            #expect("\(error)".contains("item factor (3, 2)"))
        }
    }
}
