import Factorization
import Ranking
import Testing

/// The repository's copy of MovieLens latest-small (Data/ml-latest-small).
let dataDirectory: String = {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/") + "/Data/ml-latest-small"
}()

@Suite("Acceptance on MovieLens latest-small")
struct AcceptanceTests {
    private func rounded(_ x: Double) -> Double { (x * 1e6).rounded() / 1e6 }

    @Test("u8020, popularity, no attribute table: the issue's reference values")
    func u8020() throws {
        let train = try Interactions<Int, Int>(csvPath: dataDirectory + "/splits/ml-small_u8020_train.csv")
        let test = try Interactions<Int, Int>(csvPath: dataDirectory + "/splits/ml-small_u8020_test.csv")
        #expect(train.count == 80_001 && test.count == 20_003)
        let ranker = try Ranker(model: Popularity<Double, Int, Int>(fitting: train), training: train)
        let report = try ranker.evaluate(test: test, k: 10)
        #expect(report.coldItems == nil)
        #expect(report.metrics.usersEvaluated == 671)
        #expect(rounded(report.metrics.precision) == 0.150522)
        #expect(rounded(report.metrics.recall) == 0.071309)
        #expect(rounded(report.metrics.ndcg) == 0.178719)
        #expect(rounded(report.metrics.map) == 0.100071)
    }

    @Test("coldi10 with movies.csv, popularity: the cold-item report")
    func coldi10() throws {
        let train = try Interactions<Int, Int>(csvPath: dataDirectory + "/splits/ml-small_coldi10_train.csv")
        let test = try Interactions<Int, Int>(csvPath: dataDirectory + "/splits/ml-small_coldi10_test.csv")
        let movies = try IDMap<Int>(csvPath: dataDirectory + "/movies.csv")
        #expect(movies.count == 9066)
        let ranker = try Ranker(model: Popularity<Double, Int, Int>(fitting: train), training: train,
                                additionalItems: movies.ids)
        let report = try ranker.evaluate(test: test, k: 10)
        let cold = try #require(report.coldItems)
        #expect(cold.usersEvaluated == 662)
        #expect(cold.items == 907)
        #expect(rounded(cold.ndcg) == 0.082779)
        #expect(cold.auc == 0.5)
    }
}
