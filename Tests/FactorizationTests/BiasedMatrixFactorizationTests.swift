import FusionRecTestSupport
import Factorization
import LinearAlgebra
import Testing

@Suite("Biased MF by SGD")
struct BiasedMatrixFactorizationTests {
    @Test("biased MF by SGD lowers its objective and fits planted ratings", arguments: scalarTypes)
    func sgdImproves(_ type: any BLASScalar.Type) throws {
        try Self.checkSGD(type)
    }

    static func checkSGD<S: BLASScalar>(_ type: S.Type) throws {
        let (data, truth) = try PlantedData.lowRankRatings(users: 60, items: 50, rank: 3, density: 0.4, seed: 6)
        var losses: [Double] = []
        let model = try BiasedMatrixFactorization(.init(factorCount: 3, learningRate: 0.02, learningRateDecay: 0.99, regularization: 0.01,
                                                        biasRegularization: 0.01, epochCount: 150))
            .fit(data, as: type) { losses.append($0.loss) }
        #expect(losses.count == 150)
        #expect(losses.last! < 0.2 * losses.first!)
        var squares = 0.0, baseline = 0.0
        let mean = data.byUser.values.reduce(0, +) / Double(data.count)
        for a in 0..<data.userCount {
            for b in 0..<data.itemCount {
                let expected = truth(data.userIDs.id(at: a), data.itemIDs.id(at: b))
                let predicted = Double(model.score(userIndex: a, itemIndex: b))
                squares += (predicted - expected) * (predicted - expected)
                baseline += (mean - expected) * (mean - expected)
            }
        }
        #expect(squares < 0.1 * baseline)
    }

    @Test("SGD with a far too large learning rate throws naming the iteration")
    func sgdDivergence() throws {
        let (data, _) = try PlantedData.lowRankRatings(users: 30, items: 20, rank: 2, density: 0.5, seed: 7)
        do {
            _ = try BiasedMatrixFactorization(.init(factorCount: 2, learningRate: 5, epochCount: 20))
                .fit(data, as: Float.self)
            Issue.record("expected a divergence error")
        } catch let error {
            switch error {
            case .diverged(let iteration, _, _), .nonFinite(let iteration, _): #expect(iteration >= 1)
            default: Issue.record("unexpected error \(error)")
            }
        }
    }
}
