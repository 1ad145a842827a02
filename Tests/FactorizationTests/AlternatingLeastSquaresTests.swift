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

    @Test("factors are identical for 1 and 2 threads")
    func threadCountDoesNotChangeResults() throws {
        let (data, _) = try PlantedData.lowRankRatings(users: 200, items: 50, rank: 4, density: 0.2, seed: 9)
        let saved = Parallel.threadCount
        defer { Parallel.threadCount = saved }
        let trainer = AlternatingLeastSquares(.init(factorCount: 8, regularization: 1, iterationCount: 4))
        Parallel.threadCount = 1
        let one = try trainer.fit(data, as: Float.self)
        Parallel.threadCount = 2
        let two = try trainer.fit(data, as: Float.self)
        #expect(one.userFactors == two.userFactors && one.itemFactors == two.itemFactors)
        #expect(one.userBiases == two.userBiases && one.globalBias == two.globalBias)
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

@Suite("Fold-in")
struct FoldInTests {
    @Test("folding in an existing user of a converged implicit model reproduces its factors")
    func implicitFoldInReproducesUser() throws {
        let data = try PlantedData.clusteredImplicit(users: 60, items: 50, clusters: 2, inside: 0.4, outside: 0.05, seed: 2)
        let model = try ImplicitAlternatingLeastSquares(.init(
            factorCount: 4, regularization: 1, alpha: 2, values: .raw, iterationCount: 200, solver: .cholesky))
            .fit(data, as: Double.self)
        for u in [0, 17, 59] {
            let entries = data.byUser.entryRange(ofRow: u).map {
                (item: data.itemIDs.id(at: Int(data.byUser.columnIndices[$0])), value: data.byUser.values[$0])
            }
            let (factors, bias) = try model.userFactors(foldingIn: entries)
            #expect(bias == nil)
            for (a, b) in zip(factors, model.userFactors.row(u)) { #expect(abs(a - b) < 1e-6) }
        }
    }

    @Test("folding in an existing item of a converged explicit model reproduces its factors and bias")
    func explicitFoldInReproducesItem() throws {
        let (data, _) = try PlantedData.lowRankRatings(users: 50, items: 40, rank: 3, density: 0.3, seed: 8)
        let model = try AlternatingLeastSquares(.init(factorCount: 3, regularization: 2, iterationCount: 300))
            .fit(data, as: Double.self)
        // The last half-step was the items', so item rows agree with fold-in up to the final μ update.
        for i in [0, 13, 39] {
            let entries = data.byItem.entryRange(ofRow: i).map {
                (user: data.userIDs.id(at: Int(data.byItem.columnIndices[$0])), value: data.byItem.values[$0])
            }
            let (factors, bias) = try model.itemFactors(foldingIn: entries)
            for (a, b) in zip(factors, model.itemFactors.row(i)) { #expect(abs(a - b) < 1e-6) }
            #expect(abs(bias! - model.itemBiases![i]) < 1e-6)
        }
    }

    @Test("folded-in users are added to the model and ranked like trained ones")
    func foldingInAddsUsers() throws {
        let data = try PlantedData.clusteredImplicit(users: 60, items: 50, clusters: 2, inside: 0.5, outside: 0.02, seed: 4)
        let model = try ImplicitAlternatingLeastSquares(.init(factorCount: 2, regularization: 0.1, alpha: 10,
                                                              values: .binary, iterationCount: 10))
            .fit(data, as: Float.self)
        // A new user who liked items of group 0 (even ids).
        let likes = [0, 2, 4, 6, 8].map { (item: $0, value: 1.0) }
        let extended = try model.foldingInUsers([(id: 1000, interactions: likes), (id: 0, interactions: likes)])
        #expect(extended.userIDs.count == model.userIDs.count + 1)
        let index = try #require(extended.userIDs.index(of: 1000))
        #expect(extended.userFactors.row(index) == (try model.userFactors(foldingIn: likes)).factors)
        #expect(extended.userFactors.row(extended.userIDs.index(of: 0)!) == extended.userFactors.row(index))
        #expect(extended.itemFactors == model.itemFactors)
        let even = try extended.score(user: 1000, item: 10), odd = try extended.score(user: 1000, item: 11)
        #expect(even > odd)
        let newItem = try extended.foldingInItems([(id: 5000, interactions: [(user: 1000, value: 1)])])
        #expect(newItem.itemIDs.count == model.itemIDs.count + 1)
    }

    @Test("fold-in rejects unknown ids and non-finite values")
    func foldInErrors() throws {
        let (data, _) = try PlantedData.lowRankRatings(users: 10, items: 8, rank: 2, density: 0.5, seed: 1)
        let model = try AlternatingLeastSquares(.init(factorCount: 2, iterationCount: 2)).fit(data, as: Float.self)
        #expect(throws: FactorizationError.unknownID(kind: "item", id: "77")) {
            try model.userFactors(foldingIn: [(item: 77, value: 3)])
        }
        #expect(throws: FactorizationError.self) {
            try model.userFactors(foldingIn: [(item: 1, value: .infinity)])
        }
        let (factors, bias) = try model.userFactors(foldingIn: [])
        #expect(factors == [0, 0] && bias == 0)
        let unchanged = try model.foldingInUsers([])
        #expect(unchanged.userFactors == model.userFactors && unchanged.userIDs == model.userIDs)
    }
}

@Suite("SGD and BPR")
struct StochasticModelsTests {
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
