import FusionRecTestSupport
import Factorization
import LinearAlgebra
import Testing

@Suite("BPR")
struct BayesianPersonalizedRankingTests {
    @Test("BPR lowers its loss and ranks planted positives above negatives", arguments: scalarTypes)
    func bprImproves(_ type: any BLASScalar.Type) throws {
        try Self.checkBPR(type)
    }

    static func checkBPR<S: BLASScalar>(_ type: S.Type) throws {
        let data = try PlantedData.clusteredImplicit(users: 80, items: 60, clusters: 3, inside: 0.3, outside: 0.02, seed: 9)
        var losses: [Double] = []
        let model = try BayesianPersonalizedRanking(.init(factorCount: 8, learningRate: 0.1, epochCount: 40))
            .fit(data, as: type) { losses.append($0.loss) }
        #expect(losses.last! < 0.5 * losses.first!)
        #expect(model.itemBiases?.count == data.itemCount && model.userBiases == nil)
        // Same-cluster items the user has not seen outrank other-cluster items.
        var wins = 0, pairs = 0
        for a in 0..<data.userCount {
            let user = data.userIDs.id(at: a)
            let seen = Set(data.items(ofUser: a).map(Int.init))
            let candidates = (0..<data.itemCount).filter { !seen.contains($0) }
            let same = candidates.filter { data.itemIDs.id(at: $0) % 3 == user % 3 }
            let other = candidates.filter { data.itemIDs.id(at: $0) % 3 != user % 3 }
            for i in same.prefix(5) {
                for j in other.prefix(10) {
                    pairs += 1
                    if model.score(userIndex: a, itemIndex: i) > model.score(userIndex: a, itemIndex: j) { wins += 1 }
                }
            }
        }
        #expect(Double(wins) / Double(pairs) > 0.9)
    }

    @Test("SGD and BPR are reproducible for a seed")
    func seeded() throws {
        let data = try PlantedData.clusteredImplicit(users: 30, items: 20, clusters: 2, inside: 0.4, outside: 0.1, seed: 1)
        let a = try BayesianPersonalizedRanking(.init(factorCount: 4, epochCount: 3)).fit(data, as: Float.self)
        let b = try BayesianPersonalizedRanking(.init(factorCount: 4, epochCount: 3)).fit(data, as: Float.self)
        let c = try BayesianPersonalizedRanking(.init(factorCount: 4, epochCount: 3, seed: 7)).fit(data, as: Float.self)
        #expect(a.userFactors == b.userFactors && a.itemFactors == b.itemFactors)
        #expect(a.userFactors != c.userFactors)
    }
}
