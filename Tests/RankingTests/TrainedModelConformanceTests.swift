import FusionRecTestSupport
import Factorization
import LinearAlgebra
import Ranking
import Testing

/// Every trainer of the Factorization module returns a model that passes the shared
/// FactorModel conformance checks, in Float and Double, including after fold-in.
@Suite("Trained model conformance")
struct TrainedModelConformanceTests {
    static func training() throws -> Interactions<Int, Int> {
        var generator = SplitMix64(seed: 31)
        var records: [Interactions<Int, Int>.Record] = []
        for user in 0..<40 {
            for item in 0..<35 where Double.random(in: 0..<1, using: &generator) < 0.3 || item == user % 35 {
                records.append(.init(user: user, item: item, value: Double(1 + (user * item) % 5)))
            }
        }
        return try Interactions(records)
    }

    @Test("explicit ALS, implicit ALS (both solvers), SGD and BPR")
    func trainers() throws {
        try check(Float.self)
        try check(Double.self)
    }

    private func check<S: BLASScalar>(_: S.Type) throws {
        let data = try Self.training()
        let explicit = try AlternatingLeastSquares(.init(factorCount: 4, regularization: 1, iterationCount: 3))
            .fit(data, as: S.self)
        try checkFactorModelConformance(explicit, training: data)
        for solver in [ImplicitAlternatingLeastSquares.Solver.cholesky, .conjugateGradient(steps: 3)] {
            let model = try ImplicitAlternatingLeastSquares(.init(factorCount: 4, iterationCount: 3, solver: solver))
                .fit(data, as: S.self)
            try checkFactorModelConformance(model, training: data)
        }
        try checkFactorModelConformance(
            try BiasedMatrixFactorization(.init(factorCount: 4, epochCount: 3)).fit(data, as: S.self), training: data)
        try checkFactorModelConformance(
            try BayesianPersonalizedRanking(.init(factorCount: 4, epochCount: 3)).fit(data, as: S.self), training: data)
        let extended = try explicit.foldingInUsers([(id: 500, interactions: [(item: 1, value: 4), (item: 2, value: 2)])])
        #expect(extended.userIDs.count == data.userCount + 1)
        try checkFactorModelConformance(extended, training: data)
    }
}
