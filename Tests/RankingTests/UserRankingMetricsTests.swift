#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Ranking
import Testing

@Suite("Per-user ranking metrics")
struct UserRankingMetricsTests {
    private func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-12 }

    @Test("hits at ranks 1 and 3 of 5 with three test items")
    func mixed() {
        let m = UserRankingMetrics(relevance: [true, false, true, false, false], testItemCount: 3, k: 5)
        #expect(m.hits == 2)
        #expect(close(m.precision, 0.4))
        #expect(close(m.recall, 2.0 / 3))
        let discount: Double = 1 / log2(3)
        #expect(close(m.ndcg, 1.5 / (1.5 + discount)))
        #expect(close(m.averagePrecision, (1 + 2.0 / 3) / 3))
        #expect(m.hitRate == 1)
        #expect(m.reciprocalRank == 1)
    }

    @Test("fewer test items than K: the ideal DCG and the AP denominator use min(K, |T|)")
    func fewerThanK() {
        let m = UserRankingMetrics(relevance: [false, false, true] + Array(repeating: false, count: 7),
                                   testItemCount: 1, k: 10)
        #expect(close(m.precision, 0.1))
        #expect(m.recall == 1)
        #expect(close(m.ndcg, 0.5))
        #expect(close(m.averagePrecision, 1.0 / 3))
        #expect(close(m.reciprocalRank, 1.0 / 3))
    }

    @Test("perfect and worst rankings")
    func extremes() {
        let perfect = UserRankingMetrics(relevance: [true, true, true], testItemCount: 3, k: 3)
        #expect(perfect.precision == 1)
        #expect(perfect.recall == 1)
        #expect(perfect.averagePrecision == 1)
        #expect(close(perfect.ndcg, 1))
        let perfectLong = UserRankingMetrics(relevance: [true, true] + Array(repeating: false, count: 8),
                                             testItemCount: 2, k: 10)
        #expect(close(perfectLong.ndcg, 1))
        #expect(perfectLong.averagePrecision == 1)
        #expect(close(perfectLong.precision, 0.2))
        let worst = UserRankingMetrics(relevance: Array(repeating: false, count: 10), testItemCount: 4, k: 10)
        #expect([worst.precision, worst.recall, worst.ndcg, worst.averagePrecision, worst.hitRate,
                 worst.reciprocalRank] == [0, 0, 0, 0, 0, 0])
    }

    @Test("more test items than K; only the first K entries count; a short ranking still divides by K")
    func cutOff() {
        let m = UserRankingMetrics(relevance: [false, true, true, true], testItemCount: 5, k: 2)
        #expect(m.hits == 1)
        #expect(close(m.precision, 0.5))
        #expect(close(m.recall, 0.2))
        #expect(close(m.averagePrecision, 0.5 / 2))
        let discount: Double = 1 / log2(3)
        #expect(close(m.ndcg, discount / (1 + discount)))
        let short = UserRankingMetrics(relevance: [true], testItemCount: 2, k: 10)
        #expect(close(short.precision, 0.1))
        #expect(close(short.averagePrecision, 0.5))
    }

    @Test("AUC counts ties as one half")
    func auc() {
        #expect(UserRankingMetrics.areaUnderCurve(positiveScores: [3.0, 1], negativeScores: [1, 2, 0]) == 0.75)
        #expect(UserRankingMetrics.areaUnderCurve(positiveScores: [Float(0)], negativeScores: [0, 0]) == 0.5)
        #expect(UserRankingMetrics.areaUnderCurve(positiveScores: [5.0], negativeScores: [1, 2]) == 1)
        #expect(UserRankingMetrics.areaUnderCurve(positiveScores: [0.0], negativeScores: [1, 2]) == 0)
        #expect(UserRankingMetrics.areaUnderCurve(positiveScores: [Double](), negativeScores: [1]) == nil)
        #expect(UserRankingMetrics.areaUnderCurve(positiveScores: [1.0], negativeScores: []) == nil)
    }

    @Test("means over users; AUC over users where it is defined; coverage")
    func averaging() {
        let a = UserRankingMetrics(relevance: [true, false], testItemCount: 1, k: 2, auc: 1)
        let b = UserRankingMetrics(relevance: [false, false], testItemCount: 1, k: 2, auc: nil)
        let mean = RankingMetrics(averaging: [a, b], k: 2, coveredItems: 3, items: 12)
        #expect(mean.usersEvaluated == 2)
        #expect([mean.precision, mean.recall, mean.mrr, mean.hitRate] == [0.25, 0.5, 0.5, 0.5])
        #expect(mean.auc == 1)
        #expect(mean.coverage == 0.25)
        let empty = RankingMetrics(averaging: [], k: 2, coveredItems: 0, items: 0)
        #expect(empty.usersEvaluated == 0)
        #expect([empty.ndcg, empty.coverage] == [0, 0])
    }
}
