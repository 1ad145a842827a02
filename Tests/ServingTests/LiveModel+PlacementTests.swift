import Factorization
import Fusion
import FusionRecTestSupport
import LinearAlgebra
import Ranking
@testable import Serving
import Testing

@Suite("Live model placement")
struct LiveModelPlacementTests {
    @Test("Items added from raw attributes get the factors placingItems gives them, and are ranked at once")
    func placedItems() async throws {
        let fixture = try await PipelineFixture.make()
        let live = try LiveModel(model: fixture.model, training: fixture.interactions)
        let added = try await live.addItems(fixture.newItems)
        #expect(added == fixture.newItems.ids)
        let grown = try await fixture.model.placingItems(fixture.newItems)
        for id in added {
            let expected = grown.itemFactors.row(grown.itemIDs.index(of: id)!)
            #expect(try live.snapshot.factors(ofItem: id) == expected)
        }
        // Items with the same attributes tie, and the Ranker and the live model score with
        // different BLAS calls whose last bits may differ, so ties may break either way:
        // the lists must agree in scores, and each item must score what the Ranker gives it.
        let ranker = try Ranker(model: grown, training: fixture.interactions)
        for user in [0, 1, 2, 3] {
            let filter = RankingFilter<Int>(candidates: Set(added))
            let ours = try live.snapshot.recommend(user: user, count: 5, filter: filter)
            let theirs = try ranker.recommend(user: user, count: 5, filter: filter)
            #expect(ours.count == theirs.count)
            for (mine, reference) in zip(ours, theirs) {
                #expect(abs(mine.score - reference.score) <= 1e-12)
                let alone = try ranker.recommend(user: user, count: 1, filter: RankingFilter(candidates: [mine.id]))
                #expect(abs(mine.score - (alone.first?.score ?? .nan)) <= 1e-12)
            }
        }
        // Known ids are left out; a second call adds nothing.
        #expect(try await live.addItems(fixture.newItems).isEmpty)
        #expect(live.journalCount == 1)
        // Feedback on a placed item re-folds against it.
        try live.record([(user: 0, item: added[0], value: 3)])
        #expect(try live.snapshot.history(ofUser: 0).last?.item == added[0])
    }

    @Test("Placing needs a pipeline, and the pipeline's columns")
    func placementErrors() async throws {
        let fixture = try await PipelineFixture.make()
        let plain = try LiveModel(model: try Fixtures.implicitModel(Double.self))
        await #expect(throws: ServingError.self) { try await plain.addItems(fixture.newItems) }
        let live = try LiveModel(model: fixture.model)
        let noYear = try AttributeTable<Int>(columnNames: ["itemId", "genres"], rows: [["500", "Drama"]])
        await #expect(throws: ServingError.self) { try await live.addItems(noYear) }
        #expect(live.snapshot.version == 0)
    }

    @Test("Items added with given factors keep VᵀV + λI current: a re-fold then matches the grown model's")
    func addedFactors() throws {
        let model = try Fixtures.implicitModel(Double.self)
        let live = try LiveModel(model: model, configuration: .init(solver: .cholesky))
        var generator = SplitMix64(seed: 4)
        let factors = Matrix<Double>.randomNormal(rowCount: 3, columnCount: 8, using: &generator)
        try live.addItems([500, 501, 502], factors: factors)
        #expect(throws: ServingError.self) { try live.addItems([500], factors: factors) }
        #expect(throws: ServingError.self) { try live.addItems([600, 601, 602], factors: Matrix(rowCount: 3, columnCount: 2)) }
        let grown = try model.addingItems([500, 501, 502], factors: factors)
        let history: [(item: Int, value: Double)] = [(500, 2), (4, 1)]
        try live.record(history.map { (user: 3000, item: $0.item, value: $0.value) })
        let expected = try grown.userFactors(foldingIn: history).factors
        for (a, b) in zip(try live.snapshot.factors(ofUser: 3000), expected) { #expect(abs(a - b) < 1e-8) }
    }
}
