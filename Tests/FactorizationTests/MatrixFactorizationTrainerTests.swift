import FusionRecTestSupport
import Factorization
import LinearAlgebra
import Testing

@Suite("MatrixFactorizationTrainer")
struct MatrixFactorizationTrainerTests {
    static let trainers: [any MatrixFactorizationTrainer] = [
        AlternatingLeastSquares(.init(factorCount: 3, iterationCount: 3)),
        ImplicitAlternatingLeastSquares(.init(factorCount: 3, values: .binary, iterationCount: 3)),
        BiasedMatrixFactorization(.init(factorCount: 3, epochCount: 3)),
        BayesianPersonalizedRanking(.init(factorCount: 3, epochCount: 3)),
    ]

    @Test("a fit through the protocol is the concrete fit, with the trainer's fold-in rule", arguments: 0..<4)
    func fitThroughProtocol(_ index: Int) throws {
        let (data, _) = try PlantedData.lowRankRatings(users: 20, items: 15, rank: 2, density: 0.5, seed: 4)
        let trainer = Self.trainers[index]
        var reports = 0
        let model = try trainer.fit(data, as: Double.self) { _ in reports += 1 }
        let concrete: MatrixFactorizationModel<Double, Int, Int> = switch trainer {
        case let trainer as AlternatingLeastSquares: try trainer.fit(data, as: Double.self)
        case let trainer as ImplicitAlternatingLeastSquares: try trainer.fit(data, as: Double.self)
        case let trainer as BiasedMatrixFactorization: try trainer.fit(data, as: Double.self)
        case let trainer as BayesianPersonalizedRanking: try trainer.fit(data, as: Double.self)
        default: throw TrainingError.noInteractions
        }
        #expect(reports == 3)
        #expect(model.userFactors == concrete.userFactors && model.itemFactors == concrete.itemFactors)
        #expect(model.userBiases == concrete.userBiases && model.itemBiases == concrete.itemBiases)
        #expect(model.foldInRule == trainer.foldInRule)
    }

    @Test("a configuration validates through the protocol and a trainer is rebuilt from it")
    func configurationThroughProtocol() throws {
        func rebuilt<T: Trainer>(_ trainer: T) throws(T.Configuration.Failure) -> T {
            try trainer.configuration.validate()
            return T(trainer.configuration)
        }
        #expect(try rebuilt(AlternatingLeastSquares()).configuration == AlternatingLeastSquares.Configuration())
        #expect(throws: TrainingError.self) { try rebuilt(BayesianPersonalizedRanking(.init(factorCount: 0))) }
    }
}
