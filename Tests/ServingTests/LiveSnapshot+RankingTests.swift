import Factorization
import FusionRecTestSupport
import LinearAlgebra
import Ranking
@testable import Serving
import Testing

@Suite("Live snapshot reads")
struct LiveSnapshotRankingTests {
    static let model = try! Fixtures.implicitModel(Double.self)
    static let live = try! LiveModel(model: model, training: Fixtures.data)
    static let ranker = try! Ranker(model: model, training: Fixtures.data)

    @Test("Deny and allow lists, and keeping seen items, filter as the Ranker's filter does")
    func filters() throws {
        let snapshot = Self.live.snapshot
        let filters: [RankingFilter<Int>] = [
            RankingFilter(excluded: [1, 2, 3, 40]),
            RankingFilter(candidates: Set(stride(from: 0, to: 80, by: 3)).union([999])),
            RankingFilter(excludesTrainingItems: false),
            RankingFilter(excluded: [5], candidates: [5, 6, 7, 8]),
        ]
        for filter in filters {
            for user in [0, 7, 33] {
                let ours = try snapshot.recommend(user: user, count: 6, filter: filter)
                let theirs = try Self.ranker.recommend(user: user, count: 6, filter: filter)
                #expect(ours.map(\.id) == theirs.map(\.id))
            }
        }
        let seen = Set(try snapshot.history(ofUser: 7).map(\.item))
        #expect(!seen.isEmpty)
        #expect(try snapshot.recommend(user: 7, count: 80).allSatisfy { !seen.contains($0.id) })
    }

    @Test("A batch answers as its users one by one")
    func batch() throws {
        let snapshot = Self.live.snapshot
        let users = [3, 1, 4, 1, 5, 9]
        let batch = try snapshot.recommend(users: users, count: 7)
        for (user, ranking) in zip(users, batch) {
            let single = try snapshot.recommend(user: user, count: 7)
            #expect(ranking.map(\.id) == single.map(\.id))
            // A batched product may round the last bit differently from a single one.
            for (a, b) in zip(ranking, single) { #expect(abs(a.score - b.score) <= 1e-12 * max(1, abs(b.score))) }
        }
        #expect(throws: ServingError.self) { try snapshot.recommend(users: [1, 12345], count: 3) }
    }

    @Test("Similar items: cosine over item factors, the query left out, as the Ranker ranks them")
    func similar() throws {
        let snapshot = Self.live.snapshot
        for item in [0, 17, 79] {
            let ours = try snapshot.similarItems(to: item, count: 8)
            let theirs = try Self.ranker.similarItems(to: item, count: 8)
            #expect(ours.map(\.id) == theirs.map(\.id))
            for (a, b) in zip(ours, theirs) { #expect(abs(a.score - b.score) < 1e-9) }
            #expect(!ours.contains { $0.id == item })
        }
    }

    @Test("The audience of an item: the users who score it highest, those who have it left out")
    func audience() throws {
        let snapshot = Self.live.snapshot
        for item in [2, 40] {
            let ours = try snapshot.audience(of: item, count: 8)
            let theirs = try Self.ranker.audience(of: item, count: 8)
            #expect(ours.map(\.id) == theirs.map(\.id))
            #expect(try ours.allSatisfy { user in try !snapshot.history(ofUser: user.id).contains { $0.item == item } })
        }
        #expect(throws: ServingError.self) { try snapshot.audience(of: -4, count: 3) }
    }

    @Test("Unknown ids and negative counts are typed errors")
    func errors() throws {
        let snapshot = Self.live.snapshot
        #expect(throws: ServingError.self) { try snapshot.recommend(user: -1, count: 3) }
        #expect(throws: ServingError.self) { try snapshot.recommend(user: 1, count: -3) }
        #expect(throws: ServingError.self) { try snapshot.similarItems(to: 5000, count: 3) }
        #expect(throws: ServingError.self) { try snapshot.score(user: 1, item: 5000) }
        #expect(try snapshot.recommend(user: 1, count: 0).isEmpty)
    }
}
