#if canImport(Glibc)
import FusionRecTestSupport
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Factorization
import LinearAlgebra
import Ranking
import Testing

@Suite("Evaluation")
struct EvaluationTests {
    typealias Data = Interactions<String, String>

    static func records(_ pairs: [(String, String)]) -> [Data.Record] {
        pairs.map { Data.Record(user: $0.0, item: $0.1, value: 1) }
    }

    static let training = try! Data(records([("a", "1"), ("a", "2"), ("b", "1"), ("b", "3"),
                                             ("c", "1"), ("c", "2"), ("c", "4")]))

    private func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-12 }

    @Test("hand-computed popularity evaluation: misses outside the catalogue, skipped users, coverage")
    func warmOnly() throws {
        let ranker = try Ranker(model: Popularity<Double, String, String>(fitting: Self.training),
                                training: Self.training, additionalItems: ["5"])
        let test = try Data(Self.records([("a", "3"), ("a", "9"), ("b", "2"), ("d", "1")]))
        let report = try ranker.evaluate(test: test, k: 2, includingPerUser: true)
        let m = report.metrics
        #expect(report.coldItems == nil)
        #expect(report.skippedUsers == 1 && report.testItemsOutsideCatalogue == 1)
        #expect(m.usersEvaluated == 2 && m.items == 5)
        #expect(m.precision == 0.5)
        #expect(m.recall == 0.75)
        let discount: Double = 1 / log2(3)
        let ndcgOfA: Double = 1 / (1 + discount)
        #expect(close(m.ndcg, (ndcgOfA + 1) / 2))
        #expect(m.map == 0.75)
        #expect(m.hitRate == 1)
        #expect(m.mrr == 1)
        #expect(m.auc == 0.875)
        #expect(close(m.coverage, 0.6))
        #expect(report.perUser?.map(\.user) == ["a", "b"])
        #expect(report.perUser?[0].metrics.auc == 0.75)
        #expect(report.rmse == nil)
    }

    @Test("cold items are ranked among themselves, warm metrics unchanged beside them")
    func coldItems() throws {
        let ranker = try Ranker(model: Popularity<Double, String, String>(fitting: Self.training),
                                training: Self.training, additionalItems: ["5", "6", "7"])
        let test = try Data(Self.records([("a", "3"), ("a", "9"), ("b", "2"), ("b", "7"), ("c", "6"), ("d", "1")]))
        let report = try ranker.evaluate(test: test, k: 2, includingPerUser: true)
        #expect(report.metrics.items == 5 && report.metrics.usersEvaluated == 2)
        #expect(report.metrics.auc == 0.875 && report.metrics.map == 0.75)
        let cold = try #require(report.coldItems)
        #expect(cold.items == 2 && cold.usersEvaluated == 2)
        #expect(cold.precision == 0.5 && cold.recall == 1)
        let discount: Double = 1 / log2(3)
        #expect(close(cold.ndcg, (1 + discount) / 2))
        #expect(cold.map == 0.75)
        #expect(cold.mrr == 0.75)
        #expect(cold.auc == 0.5)
        #expect(cold.coverage == 1)
        #expect(report.coldItemsPerUser?.map(\.user) == ["b", "c"])
    }

    @Test("RMSE and MAE for value-predicting models; unknown items predicted μ + bᵤ")
    func ratingErrors() throws {
        let model = FixedModel<Double>(
            userIDs: IDMap([1]), itemIDs: IDMap([10, 20]),
            userFactors: try Matrix(rows: [[1, 2]]), itemFactors: try Matrix(rows: [[1, 0], [0, 1]]),
            globalBias: 1, userBiases: [0.5], itemBiases: [0, -1], predictsValues: true)
        let ranker = try Ranker(model: model)
        let test = try Interactions<Int, Int>([
            .init(user: 1, item: 10, value: 3), .init(user: 1, item: 20, value: 2), .init(user: 1, item: 99, value: 1.5),
        ])
        let report = try ranker.evaluate(test: test, k: 1)
        #expect(close(try #require(report.rmse), (1.0 / 6).squareRoot()))
        #expect(close(try #require(report.mae), 1.0 / 3))
        #expect(try ranker.score(user: 1, item: 20) == 2.5)
        #expect(throws: RankingError.invalidArgument("the cut-off K must be at least 1, got 0")) {
            try ranker.evaluate(test: test, k: 0)
        }
    }
}
