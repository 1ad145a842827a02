import FusionRecTestSupport
import Factorization
import LinearAlgebra
import Ranking
import Testing

@Suite("FactorModel conformance")
struct FactorModelConformanceTests {
    @Test("popularity")
    func popularity() throws {
        let model = FixedModel<Double>.random(users: 20, items: 30, factors: 2, biases: false, seed: 21)
        let training = try randomTraining(for: model, perUser: 5, seed: 22)
        try checkFactorModelConformance(Popularity<Double, Int, Int>(fitting: training), training: training)
        try checkFactorModelConformance(Popularity<Float, Int, Int>(fitting: training), training: training)
    }

    @Test("Gaussian factors with biases, Float and Double")
    func gaussian() throws {
        try check(Float.self)
        try check(Double.self)
    }

    private func check<S: BLASScalar>(_: S.Type) throws {
        var generator = SplitMix64(seed: 23)
        var model = FixedModel<S>.random(users: 15, items: 40, factors: 8, biases: true, seed: 24)
        model.userFactors = .randomNormal(rowCount: 15, columnCount: 8, using: &generator)
        model.itemFactors = .randomNormal(rowCount: 40, columnCount: 8, using: &generator)
        let training = try randomTraining(for: model, perUser: 7, seed: 25)
        try checkFactorModelConformance(model, training: training, count: 12)
    }
}
