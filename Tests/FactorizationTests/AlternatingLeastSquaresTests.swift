import FusionRecTestSupport
import Factorization
import LinearAlgebra
import Testing

@Suite("Explicit ALS")
struct AlternatingLeastSquaresTests {
    @Test("recovers an exactly low-rank matrix with biases", arguments: scalarTypes)
    func recoversLowRank(_ type: any BLASScalar.Type) throws {
        try Self.recover(type)
    }

    static func recover<S: BLASScalar>(_: S.Type) throws {
        let (data, truth) = try PlantedData.lowRankRatings(users: 40, items: 30, rank: 3, density: 1, seed: 3)
        let model = try AlternatingLeastSquares(.init(factorCount: 3, regularization: 1e-6, iterationCount: 60))
            .fit(data, as: S.self)
        var worst = 0.0
        for a in 0..<data.userCount {
            for b in 0..<data.itemCount {
                let expected = truth(data.userIDs.id(at: a), data.itemIDs.id(at: b))
                worst = max(worst, abs(Double(model.score(userIndex: a, itemIndex: b)) - expected))
            }
        }
        #expect(worst < (S.self == Float.self ? 2e-3 : 1e-5), "largest error \(worst)")
        #expect(model.predictsValues)
        #expect(model.userBiases?.count == 40 && model.itemBiases?.count == 30)
    }

    @Test("the objective never rises across sweeps", arguments: scalarTypes, [false, true])
    func objectiveNeverRises(_ type: any BLASScalar.Type, weighted: Bool) throws {
        try Self.checkObjective(type, weighted: weighted)
    }

    static func checkObjective<S: BLASScalar>(_ type: S.Type, weighted: Bool) throws {
        let (data, _) = try PlantedData.lowRankRatings(users: 80, items: 60, rank: 4, density: 0.15, seed: 5)
        var losses: [Double] = []
        _ = try AlternatingLeastSquares(.init(factorCount: 6, regularization: 0.5, weightedRegularization: weighted,
                                              iterationCount: 10))
            .fit(data, as: type) { losses.append($0.loss) }
        #expect(losses.count == 10)
        let tolerance = type == Float.self ? 1e-4 : 1e-10
        for (before, after) in zip(losses, losses.dropFirst()) {
            #expect(after <= before * (1 + tolerance), "loss rose from \(before) to \(after)")
        }
    }

    @Test("biases are fitted, not just pre-estimated")
    func biasesAreFitted() throws {
        // Ratings that are exactly μ + bᵤ + cᵢ: the fitted biases must reproduce them.
        var records: [Interactions<Int, Int>.Record] = []
        for u in 0..<30 {
            for i in 0..<20 where (u + i) % 3 != 0 {
                records.append(.init(user: u, item: i, value: 3 + 0.1 * Double(u % 5) - 0.2 * Double(i % 4)))
            }
        }
        let data = try Interactions(records)
        let model = try AlternatingLeastSquares(.init(factorCount: 1, regularization: 1e-4, iterationCount: 30))
            .fit(data, as: Double.self)
        for record in records {
            #expect(abs(try model.score(user: record.user, item: record.item) - record.value) < 1e-3)
        }
    }

    @Test("users and items without ratings get zero factors and biases")
    func emptyRowsGetZeros() throws {
        let (data, _) = try PlantedData.lowRankRatings(users: 12, items: 10, rank: 2, density: 0.5, seed: 2)
        var users = IDMap<Int>(), items = IDMap<Int>()
        users.append(-1)
        items.append(-1)
        let padded = try Interactions(data.records, userIDs: users, itemIDs: items)
        let model = try AlternatingLeastSquares(.init(factorCount: 2, regularization: 1, iterationCount: 3))
            .fit(padded, as: Double.self)
        #expect(model.userFactors.row(0) == [0, 0] && model.userBiases![0] == 0)
        #expect(model.itemFactors.row(0) == [0, 0] && model.itemBiases![0] == 0)
        #expect(try model.score(user: -1, item: -1) == model.globalBias)
    }

    @Test("bad configuration and data throw typed errors")
    func badInput() throws {
        let (data, _) = try PlantedData.lowRankRatings(users: 10, items: 8, rank: 2, density: 0.5, seed: 1)
        #expect(throws: TrainingError.tooManyFactors(factors: 9, users: 10, items: 8)) {
            try AlternatingLeastSquares(.init(factorCount: 9)).fit(data, as: Double.self)
        }
        #expect(throws: TrainingError.noInteractions) {
            try AlternatingLeastSquares().fit(try Interactions<Int, Int>([]), as: Double.self)
        }
        #expect(throws: TrainingError.invalidConfiguration(
            parameter: "biasRegularization", value: "-1.0", reason: "must be positive and finite")) {
            try AlternatingLeastSquares(.init(factorCount: 2, biasRegularization: -1)).fit(data, as: Double.self)
        }
    }
}

/// Serialized, and holding the thread-count lock, because the test changes the
/// process-wide `Parallel.threadCount` between two fits.
@Suite("Explicit ALS across thread counts", .serialized)
struct AlternatingLeastSquaresThreadCountTests {
    @Test("factors are identical for 1 and 2 threads")
    func threadCountDoesNotChangeResults() throws {
        let (data, _) = try PlantedData.lowRankRatings(users: 200, items: 50, rank: 4, density: 0.2, seed: 9)
        let trainer = AlternatingLeastSquares(.init(factorCount: 8, regularization: 1, iterationCount: 4))
        try withThreadCountLocked {
            Parallel.threadCount = 1
            let one = try trainer.fit(data, as: Float.self)
            Parallel.threadCount = 2
            let two = try trainer.fit(data, as: Float.self)
            #expect(one.userFactors == two.userFactors && one.itemFactors == two.itemFactors)
            #expect(one.userBiases == two.userBiases && one.globalBias == two.globalBias)
        }
    }
}
