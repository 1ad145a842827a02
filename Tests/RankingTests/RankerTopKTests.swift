import FusionRecTestSupport
import Factorization
import LinearAlgebra
import Ranking
import Testing

@Suite("Ranker top-K")
struct RankerTopKTests {

    @Test("top-K equals the prefix of a full stable sort", arguments: [false, true], [1, 5, 40])
    func matchesFullSort(biases: Bool, count: Int) throws {
        try check(Float.self, biases: biases, count: count)
        try check(Double.self, biases: biases, count: count)
    }

    private func check<S: BLASScalar>(_: S.Type, biases: Bool, count: Int) throws {
        let model = FixedModel<S>.random(users: 23, items: 37, factors: 3, biases: biases, seed: 7)
        let training = try randomTraining(for: model, perUser: 4, seed: 8)
        let ranker = try Ranker(model: model, training: training)
        for user in model.userIDs.ids {
            let trained = Set(training.items(ofUser: training.userIDs.index(of: user)!).map { training.itemIDs.id(at: Int($0)) })
            let expected = referenceRanking(model, user: user, excluding: trained, count: count)
            let got = try ranker.recommend(user: user, count: count)
            #expect(got.map(\.id) == expected, "user \(user)")
            for entry in got { #expect(entry.score == Double(try model.score(user: user, item: entry.id))) }
        }
    }

    @Test("exclusions, deny list and allow list")
    func filters() throws {
        let model = FixedModel<Float>.random(users: 5, items: 30, factors: 2, biases: false, seed: 3)
        let training = try randomTraining(for: model, perUser: 6, seed: 4)
        let ranker = try Ranker(model: model, training: training)
        let user = 2
        let trained = Set(training.items(ofUser: training.userIDs.index(of: user)!).map { training.itemIDs.id(at: Int($0)) })
        let denied: Set<Int> = [7, 17, 27, 107]
        let allowed: Set<Int> = Set(model.itemIDs.ids.prefix(12)).union([99_999])

        let withTraining = try ranker.recommend(user: user, count: 30, filter: .init(excludesTrainingItems: false))
        #expect(withTraining.count == 30)
        #expect(withTraining.map(\.id) == referenceRanking(model, user: user, excluding: [], count: 30))

        let all = try ranker.recommend(user: user, count: 100)
        #expect(all.count == 24)
        #expect(Set(all.map(\.id)).isDisjoint(with: trained))

        let denying = try ranker.recommend(user: user, count: 100, filter: .init(excluded: denied))
        #expect(denying.map(\.id) == referenceRanking(model, user: user, excluding: trained.union(denied), count: 100))

        let allowing = try ranker.recommend(user: user, count: 5, filter: .init(excluded: denied, candidates: allowed))
        #expect(allowing.map(\.id) == referenceRanking(
            model, user: user, excluding: trained.union(denied), candidates: allowed, count: 5))
        #expect(try ranker.recommend(user: user, count: 0).isEmpty)
        #expect(throws: RankingError.unknownUser("99")) { try ranker.recommend(user: 99, count: 3) }
    }

    @Test("ties are broken by ascending item id, numerically")
    func tiesByCatalogueOrder() throws {
        let records: [Interactions<String, String>.Record] = [
            .init(user: "a", item: "100", value: 1), .init(user: "b", item: "9", value: 1),
            .init(user: "c", item: "20", value: 1), .init(user: "c", item: "100", value: 1),
            .init(user: "d", item: "3", value: 1),
        ]
        let training = try Interactions(records)
        let ranker = try Ranker(model: Popularity<Double, String, String>(fitting: training), training: training,
                                additionalItems: ["15"])
        #expect(ranker.catalogue.ids == ["3", "9", "15", "20", "100"])
        let ranking = try ranker.recommend(user: "d", count: 5)
        #expect(ranking.map(\.id) == ["100", "9", "20", "15"])
        #expect(ranking.map(\.score) == [2, 1, 1, 0])
    }

    @Test("catalogue order: numeric when every id is an integer, else by text")
    func catalogueOrdering() {
        #expect(catalogueOrder(of: ["10", "9", "100", "-1"]) == [3, 1, 0, 2])
        #expect(catalogueOrder(of: ["10", "9", "b", "a"]) == [0, 1, 3, 2])
        #expect(catalogueOrder(of: [3, 1, 2]) == [1, 2, 0])
    }

    @Test("a model with non-finite factors or mismatched shapes is refused")
    func invalidModel() throws {
        var model = FixedModel<Double>.random(users: 2, items: 3, factors: 2, biases: false, seed: 1)
        model.itemFactors[1, 1] = .nan
        #expect(throws: RankingError.invalidModel("item factor (1, 1) is not finite")) { try Ranker(model: model) }
        var short = FixedModel<Double>.random(users: 2, items: 3, factors: 2, biases: false, seed: 1)
        short.itemBiases = [1]
        #expect(throws: RankingError.invalidModel("1 item biases for 3 items")) { try Ranker(model: short) }
    }
}

/// Serialized, and holding the thread-count lock, because its cases change the
/// process-wide `Parallel.threadCount` between the batch and the single rankings.
@Suite("Ranker top-K across thread counts", .serialized)
struct RankerTopKThreadCountTests {
    @Test("a batch equals one user at a time, for any block size and thread count", arguments: [1, 3, 64])
    func batchEqualsSingle(blockSize: Int) throws {
        let model = FixedModel<Double>.random(users: 41, items: 29, factors: 4, biases: true, seed: 11)
        let training = try randomTraining(for: model, perUser: 3, seed: 12)
        let ranker = try Ranker(model: model, training: training)
        let users = model.userIDs.ids.reversed() + [5]
        try withThreadCountLocked {
            Parallel.threadCount = 2
            let batch = try ranker.recommend(users: Array(users), count: 6, blockSize: blockSize)
            Parallel.threadCount = 1
            let single = try users.map { try ranker.recommend(user: $0, count: 6) }
            #expect(batch == single)
        }
    }
}
