import Factorization
import FusionRecTestSupport
import LinearAlgebra
import Ranking
@testable import Serving
import Testing

@Suite("Scans that stop early")
struct LiveModelPruningTests {
    /// 150 users × 900 items × 12 factors, items' norms heavy-tailed as a factorization's
    /// are (a few long vectors, many short), in chunks of 32 rows; 20 training items a user.
    static func model(heavyTailed: Bool) throws -> (MatrixFactorizationModel<Float, Int, Int>, Interactions<Int, Int>) {
        var generator = SplitMix64(seed: 31)
        var items = Matrix<Float>.randomNormal(rowCount: 900, columnCount: 12, using: &generator)
        if heavyTailed {
            for i in 0..<900 {
                let scale = Float(3 / (1 + Double(generator.next(upperBound: UInt64(300)))))
                for k in 0..<12 { items[i, k] *= scale }
            }
        }
        let model = MatrixFactorizationModel<Float, Int, Int>(
            userIDs: IDMap(0..<150), itemIDs: IDMap(0..<900),
            userFactors: .randomNormal(rowCount: 150, columnCount: 12, using: &generator), itemFactors: items,
            predictsValues: false, foldInRule: .implicit(alpha: 40, regularization: 0.05, binaryValues: true))
        var records: [Interactions<Int, Int>.Record] = []
        for user in 0..<150 {
            for _ in 0..<20 { records.append(.init(user: user, item: Int(generator.next(upperBound: UInt64(900))), value: 1)) }
        }
        return (model, try Interactions(records))
    }

    @Test("With heavy-tailed item norms the ordered copy is kept, and every read ranks as a full scan does")
    func sameRankings() throws {
        let (model, training) = try Self.model(heavyTailed: true)
        let pruned = try LiveModel(model: model, training: training, configuration: .init(rowsPerChunk: 32))
        let full = try LiveModel(model: model, training: training, configuration: .init(rowsPerChunk: 32, prunesScans: false))
        #expect(pruned.snapshot.state.itemOrder != nil && full.snapshot.state.itemOrder == nil)
        var generator = SplitMix64(seed: 32)
        // Feedback, and items added after the copy was made (one far longer than any other).
        for live in [pruned, full] {
            try live.record([(user: 3, item: 17, value: 1), (user: 200, item: 5, value: 1)])
            var factors = Matrix<Float>(rowCount: 3, columnCount: 12)
            for k in 0..<12 { factors[0, k] = 9; factors[1, k] = 0.01; factors[2, k] = -1 }
            try live.addItems([1000, 1001, 1002], factors: factors)
        }
        // The re-fold gathers its rows from the copy: the same factors to the last bit.
        for user in [3, 200] {
            #expect(try pruned.snapshot.factors(ofUser: user) == full.snapshot.factors(ofUser: user))
        }
        let queries = (0..<90).map { q in
            RecommendationQuery<Int, Int>(user: q == 89 ? 200 : Int(generator.next(upperBound: UInt64(150))),
                                          count: [10, 1, 50, 903, 0, 3][q % 6],
                                          filter: q % 5 == 1 ? RankingFilter(excluded: [1000, 4, 5]) : RankingFilter())
        }
        let a = pruned.snapshot.recommend(queries), b = full.snapshot.recommend(queries)
        for (q, (x, y)) in zip(a, b).enumerated() {
            let x = try x.get(), y = try y.get()
            #expect(x.map(\.id) == y.map(\.id) && x.map(\.score) == y.map(\.score), "query \(q)")
        }
        for query in queries.prefix(12) {
            let x = try pruned.snapshot.recommend(user: query.user, count: query.count, filter: query.filter)
            let y = try full.snapshot.recommend(user: query.user, count: query.count, filter: query.filter)
            #expect(RecommendationBatcherTests.same(x, y), "user \(query.user)")
        }
    }

    @Test("With items of about equal norm the copy would not pay for its memory, and is not made")
    func evenNorms() throws {
        let (model, training) = try Self.model(heavyTailed: false)
        let live = try LiveModel(model: model, training: training)
        #expect(live.snapshot.state.itemOrder == nil)
    }
}
