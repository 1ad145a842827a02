import FusionRecTestSupport
import Factorization
import LinearAlgebra
import Ranking
import Testing

@Suite("Similar items and users, MMR, blending")
struct SimilarityAndRerankingTests {
    /// Items 1…4 on the unit circle at 0°, 10°, 90°, 180°; item 5 without factors.
    static func model() throws -> FixedModel<Double> {
        let c = 0.984807753012208, s = 0.17364817766693033
        return FixedModel<Double>(
            userIDs: IDMap([1, 2, 3]), itemIDs: IDMap([4, 3, 2, 1]),
            userFactors: try Matrix(rows: [[1, 0], [2, 0], [0, -1]]),
            itemFactors: try Matrix(rows: [[-1, 0], [0, 1], [c, s], [1, 0]]))
    }

    @Test("similar items by cosine, the item itself left out, filters applied")
    func similarItems() throws {
        let ranker = try Ranker(model: try Self.model(), additionalItems: [5])
        let similar = try ranker.similarItems(to: 1, count: 10)
        #expect(similar.map(\.id) == [2, 3, 5, 4])
        #expect(abs(similar[0].score - 0.984807753012208) < 1e-12)
        #expect(similar[2].score == 0)
        #expect(try ranker.similarItems(to: 1, count: 2, filter: .init(excluded: [2])).map(\.id) == [3, 5])
        #expect(try ranker.similarItems(to: 1, count: 5, filter: .init(candidates: [4, 3, 1])).map(\.id) == [3, 4])
        let batch = try ranker.similarItems(to: [1, 3], count: 2)
        #expect(batch == [try ranker.similarItems(to: 1, count: 2), try ranker.similarItems(to: 3, count: 2)])
        #expect(throws: RankingError.unknownItem("9")) { try ranker.similarItems(to: 9, count: 2) }
    }

    @Test("similar users by cosine")
    func similarUsers() throws {
        let ranker = try Ranker(model: try Self.model())
        let similar = try ranker.similarUsers(to: 1, count: 5)
        #expect(similar.map(\.id) == [2, 3])
        #expect(similar.map(\.score) == [1, 0])
        #expect(try ranker.similarUsers(to: 1, count: 5, filter: .init(excluded: [2])).map(\.id) == [3])
    }

    @Test("MMR: λ = 1 keeps the order, lower λ pushes near-duplicates down")
    func mmr() throws {
        let ranker = try Ranker(model: try Self.model())
        let ranking = [RankedItem(id: 1, score: 3), RankedItem(id: 2, score: 2.9), RankedItem(id: 3, score: 1)]
        #expect(try ranker.diversified(ranking, count: 3, lambda: 1) == ranking)
        let diverse = try ranker.diversified(ranking, count: 3, lambda: 0.5)
        #expect(diverse.map(\.id) == [1, 3, 2])
        #expect(try ranker.diversified(ranking, count: 1, lambda: 0.5).map(\.id) == [1])
        #expect(throws: RankingError.self) { try ranker.diversified(ranking, count: 2, lambda: 2) }
        let order = try maximalMarginalRelevance(relevance: [1, 1, 0], count: 3, lambda: 0.3) { i, j in
            (i < 2 && j < 2) ? 1 : 0
        }
        #expect(order == [0, 2, 1])
        #expect(throws: RankingError.invalidArgument("MMR trade-off λ must lie in 0...1, got -0.1")) {
            try maximalMarginalRelevance(relevance: [1], count: 1, lambda: -0.1) { _, _ in 0 }
        }
        #expect(throws: RankingError.invalidArgument("MMR count must be non-negative, got -1")) {
            try maximalMarginalRelevance(relevance: [1], count: -1, lambda: 0.5) { _, _ in 0 }
        }
    }

    @Test("blending: weights decide between two models; one model alone ranks as itself")
    func blending() throws {
        let base = try Self.model()
        var flipped = base
        flipped.userFactors = try Matrix(rows: [[-1, 0], [-2, 0], [0, 1]])
        let a = try Ranker(model: base), b = try Ranker(model: flipped)
        let alone = try Ranker.blendedRecommendations([(a, 1)], user: 1, count: 4, normalization: .none)
        #expect(alone.map(\.id) == (try a.recommend(user: 1, count: 4)).map(\.id))
        let leaningA = try Ranker.blendedRecommendations([(a, 0.8), (b, 0.2)], user: 1, count: 1)
        let leaningB = try Ranker.blendedRecommendations([(a, 0.2), (b, 0.8)], user: 1, count: 1)
        #expect(leaningA.map(\.id) == [1])
        #expect(leaningB.map(\.id) == [4])
        let other = try Ranker(model: base, additionalItems: [99])
        #expect(throws: RankingError.self) { try Ranker.blendedRecommendations([(a, 1), (other, 1)], user: 1, count: 1) }
    }
}

@Suite("Audience of an item")
struct AudienceTests {
    @Test("the users who score an item highest, without those who have it, ties by user order; equals a full sort")
    func audience() throws {
        let model = FixedModel<Double>.random(users: 25, items: 30, factors: 3, biases: true, seed: 41)
        let training = try randomTraining(for: model, perUser: 6, seed: 42)
        let ranker = try Ranker(model: model, training: training)
        for item in model.itemIDs.ids.prefix(8) {
            let i = model.itemIDs.index(of: item)!
            let holders = Set(training.records.filter { $0.item == item }.map(\.user))
            var expected: [(user: Int, score: Double)] = []
            for user in model.userIDs.ids where !holders.contains(user) {
                expected.append((user, Double(model.score(userIndex: model.userIDs.index(of: user)!, itemIndex: i))))
            }
            expected.sort { $0.score > $1.score || ($0.score == $1.score && $0.user < $1.user) }
            let audience = try ranker.audience(of: item, count: 7)
            #expect(audience.map(\.id) == expected.prefix(7).map(\.user))
            #expect(audience.map(\.score) == expected.prefix(7).map(\.score))
        }
        #expect(throws: RankingError.unknownItem("-1")) { try ranker.audience(of: -1, count: 3) }
        #expect(throws: RankingError.self) { try ranker.audience(of: model.itemIDs.ids[0], count: -1) }
    }
}
