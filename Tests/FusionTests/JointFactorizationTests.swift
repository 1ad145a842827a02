import FusionRecTestSupport
import Factorization
import Fusion
import LinearAlgebra
import Ranking
import Testing

@Suite("JointFactorization", .serialized)
struct JointFactorizationTests {
    static let data = try! PlantedJointData()

    @Test("Cold-start item scores from informative side information correlate with the planted ones (> 0.9 for the offset model)",
          arguments: SideInformationModel.allCases)
    func coldStartRecoversPlantedScores(_ sideModel: SideInformationModel) throws {
        let data = Self.data
        let model = try JointFactorization(.init(
            feedback: .implicit(.init(solver: .cholesky)), factorCount: 6, iterationCount: 15, itemModel: sideModel,
            loadingRegularization: 0.1))
            .fit(data.interactions, itemBlocks: [data.features], as: Double.self)
        let cold = try model.itemFactors(for: data.coldItems, from: [data.features])
        let r = data.coldScoreCorrelation(userIDs: model.userIDs, userFactors: model.userFactors, coldFactors: cold)
        // The offset model learns the map from features to factors directly; the
        // collective model only asks the factors to explain the features, which on this
        // data recovers much less (see Docs/Fusion.md).
        #expect(r > (sideModel == .offset ? 0.9 : 0.15), "correlation \(r) for the \(sideModel) model")
    }

    @Test("The objective never rises across sweeps (Cholesky), with masked rows on either side",
          arguments: SideInformationModel.allCases)
    func objectiveNeverRises(_ sideModel: SideInformationModel) throws {
        let data = Self.data
        // Mask a third of the item rows and give users a partly missing block too.
        let itemBlock = try SideInformationBlock(
            name: "features", ids: Array(0..<300), features: data.features.features,
            presence: (0..<300).map { $0 % 3 != 0 })
        var generator = SplitMix64(seed: 5)
        let userBlock = try SideInformationBlock<Int, Double>(
            name: "profile", ids: Array(0..<240),
            features: data.plantedUsers + Matrix.randomNormal(rowCount: 240, columnCount: 6, standardDeviation: 0.5,
                                                              using: &generator),
            presence: (0..<240).map { $0 % 4 != 0 })
        var losses: [Double] = []
        var termNames: Set<String> = []
        _ = try JointFactorization(.init(
            feedback: .implicit(.init(solver: .cholesky)), factorCount: 6, iterationCount: 12, userModel: sideModel,
            itemModel: sideModel))
            .fit(data.interactions, userBlocks: [userBlock], itemBlocks: [itemBlock], as: Double.self) { progress in
                losses.append(progress.loss)
                termNames.formUnion(progress.terms.map(\.name))
                #expect(abs(progress.terms.reduce(0) { $0 + $1.value } - progress.loss) <= 1e-9 * progress.loss)
            }
        #expect(losses.count == 12)
        for (before, after) in zip(losses, losses.dropFirst()) {
            #expect(after <= before * (1 + 1e-9), "objective rose from \(before) to \(after)")
        }
        #expect(termNames.contains("interactions"))
        #expect(termNames.count >= 3)
    }

    @Test("Identical factors for 1 and 2 threads")
    func deterministicAcrossThreads() throws {
        let data = Self.data
        try withThreadCountLocked {
            func fit() throws -> JointFactorizationModel<Float, Int, Int> {
                let block = try SideInformationBlock<Int, Float>(
                    name: "features", ids: Array(0..<300),
                    features: Matrix(rowCount: 300, columnCount: 16) { Float(data.features.features[$0, $1]) })
                return try JointFactorization(.init(factorCount: 6, iterationCount: 5))
                    .fit(data.interactions, itemBlocks: [block], as: Float.self)
            }
            Parallel.threadCount = 1
            let one = try fit()
            Parallel.threadCount = 2
            let two = try fit()
            #expect(one.userFactors == two.userFactors)
            #expect(one.itemFactors == two.itemFactors)
            #expect(one.itemSide.loadings == two.itemSide.loadings)
        }
    }

    @Test("A pure-noise block does not hurt warm ranking by more than noise")
    func noiseBlockIsHarmless() throws {
        let data = Self.data
        // Hold out every fifth interaction of each user for a warm test set.
        let records = data.interactions.records
        let train = try Interactions(records.enumerated().filter { $0.offset % 5 != 0 }.map(\.element))
        let test = try Interactions(records.enumerated().filter { $0.offset % 5 == 0 }.map(\.element))
        var generator = SplitMix64(seed: 99)
        let noise = try SideInformationBlock<Int, Double>(
            name: "noise", ids: Array(0..<300),
            features: Matrix.randomNormal(rowCount: 300, columnCount: 16, using: &generator))
        func ndcg(_ blocks: [SideInformationBlock<Int, Double>]) throws -> Double {
            let model = try JointFactorization(.init(
                feedback: .implicit(.init(alpha: 40)), factorCount: 6, regularization: 0.05, iterationCount: 10)
            ).fit(train, itemBlocks: blocks, as: Double.self)
            return try Ranker(model: model, training: train).evaluate(test: test, k: 10).metrics.ndcg
        }
        let plain = try ndcg([]), noisy = try ndcg([noise])
        #expect(noisy >= plain - 0.02, "NDCG \(plain) without and \(noisy) with the noise block")
        #expect(plain > 0.3)
    }

    @Test("Without blocks the joint fit is exactly implicit ALS")
    func reducesToImplicitALS() throws {
        let data = Self.data
        let joint = try JointFactorization(.init(
            feedback: .implicit(.init(alpha: 40, solver: .cholesky)), factorCount: 6, regularization: 0.05, iterationCount: 4)
        ).fit(data.interactions, as: Double.self)
        let plain = try ImplicitAlternatingLeastSquares(.init(factorCount: 6, iterationCount: 4, solver: .cholesky))
            .fit(data.interactions, as: Double.self)
        #expect(joint.userFactors == plain.userFactors)
        #expect(joint.itemFactors == plain.itemFactors)
    }

    @Test("Growth: cold items join the model, rankable and retrievable by id; fold-in uses interactions")
    func growthAndFoldIn() throws {
        let data = Self.data
        let model = try JointFactorization(.init(factorCount: 6, iterationCount: 5))
            .fit(data.interactions, itemBlocks: [data.features], as: Double.self)
        let cold = try model.itemFactors(for: data.coldItems, from: [data.features])
        let grown = try model.addingItems(data.coldItems, factors: cold)
        #expect(grown.itemIDs.count == model.itemIDs.count + data.coldItems.count)
        #expect(grown.itemFactors.row(grown.itemIDs.index(of: data.coldItems[3])!) == cold.row(3))
        let ranker = try Ranker(model: grown, training: data.interactions)
        let top = try ranker.recommend(user: 0, count: 5, filter: .init(candidates: Set(data.coldItems)))
        #expect(top.count == 5 && top.allSatisfy { data.coldItems.contains($0.id) })
        // Warm fold-in: an item's factors move towards the users who interacted with it.
        let fans = (0..<20).map { (user: $0, value: 1.0) }
        let warmed = try model.itemFactors(for: [data.coldItems[0]], from: [data.features], foldingIn: [fans])
        #expect(warmed.row(0) != cold.row(0))
        let fanScore = { (factors: [Double]) in
            (0..<20).reduce(0.0) { sum, user in
                sum + zip(model.userFactors.row(model.userIDs.index(of: user)!), factors).reduce(0) { $0 + $1.0 * $1.1 }
            }
        }
        #expect(fanScore(warmed.row(0)) > fanScore(cold.row(0)))
    }

    @Test("Folding in from interactions alone is placing with no blocks, the call the factorization models make")
    func foldingInWithoutBlocks() throws {
        let data = Self.data
        let model = try JointFactorization(.init(factorCount: 6, iterationCount: 5))
            .fit(data.interactions, itemBlocks: [data.features], as: Double.self)
        let fans = (0..<20).map { (user: $0, value: 1.0) }
        let folded = try model.foldingInItems([(id: data.coldItems[0], interactions: fans)])
        let placed = try model.placingItems([data.coldItems[0]], from: [], foldingIn: [fans])
        #expect(folded.itemIDs == placed.itemIDs && folded.itemFactors == placed.itemFactors)
        let likes = [(item: 1, value: 1.0), (item: 2, value: 1.0)]
        let user = try model.foldingInUsers([(id: 99_999, interactions: likes)])
        #expect(try user.userFactors == model.placingUsers([99_999], from: [], foldingIn: [likes]).userFactors)
        #expect(user.userIDs.count == model.userIDs.count + 1)
    }

    @Test("A cancelled task stops the fit with the number of completed iterations")
    func cancellation() async throws {
        let data = Self.data
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try JointFactorization(.init(factorCount: 4, iterationCount: 5))
                .fit(data.interactions, itemBlocks: [data.features], as: Double.self)
        }
        await #expect(throws: FusionError.training(.cancelled(completedIterations: 0))) { try await task.value }
    }

    @Test("Bad input throws typed errors")
    func badInput() throws {
        let data = Self.data
        let trainer = JointFactorization(.init(factorCount: 4, iterationCount: 2))
        #expect(throws: FusionError.duplicateBlockName("features")) {
            try trainer.fit(data.interactions, itemBlocks: [data.features, data.features], as: Double.self)
        }
        #expect(throws: FusionError.training(.tooManyFactors(factors: 400, users: 240, items: 227))) {
            try JointFactorization(.init(factorCount: 400)).fit(data.interactions, as: Double.self)
        }
        #expect(throws: FusionError.self) {
            try JointFactorization(.init(offsetRegularization: 0)).fit(data.interactions, as: Double.self)
        }
        #expect(throws: FusionError.training(.noInteractions)) {
            try trainer.fit(Interactions<Int, Int>([]), as: Double.self)
        }
        let model = try trainer.fit(data.interactions, itemBlocks: [data.features], as: Double.self)
        let other = try SideInformationBlock<Int, Double>(
            name: "other", ids: [1], features: Matrix(rowCount: 1, columnCount: 3))
        #expect(throws: FusionError.unknownBlock("other")) { try model.itemFactors(for: [1], from: [other]) }
        let narrow = try SideInformationBlock<Int, Double>(
            name: "features", ids: [1], features: Matrix(rowCount: 1, columnCount: 3))
        #expect(throws: FusionError.self) { try model.itemFactors(for: [1], from: [narrow]) }
        #expect(throws: FusionError.unknownID("99999")) {
            try model.itemFactors(for: [1], from: [data.features], foldingIn: [[(user: 99999, value: 1)]])
        }
        #expect(throws: FusionError.self) {
            try model.itemFactors(for: [1], from: [data.features], foldingIn: [[(user: 0, value: .nan)]])
        }
        #expect(throws: FusionError.self) { try model.addingItems([1, 2], factors: Matrix(rowCount: 1, columnCount: 4)) }
    }
}

@Suite("JointFactorization, explicit feedback")
struct ExplicitJointFactorizationTests {
    /// Ratings 1–5 from the planted scores, for every positive of the planted data.
    static let ratings: Interactions<Int, Int> = {
        let data = JointFactorizationTests.data
        let records = data.interactions.records.map { record in
            let score = zip(data.plantedUsers.row(record.user), data.plantedItems.row(record.item))
                .reduce(0) { $0 + $1.0 * $1.1 }
            return Interactions<Int, Int>.Record(user: record.user, item: record.item,
                                                 value: min(5, max(1, 3 + score / 4)))
        }
        return try! Interactions(records)
    }()

    @Test("Without blocks the explicit joint fit is exactly explicit ALS with biases")
    func reducesToExplicitALS() throws {
        let joint = try JointFactorization(.init(
            feedback: .explicit(), factorCount: 6, regularization: 2, iterationCount: 4, initialScale: 0.1))
            .fit(Self.ratings, as: Double.self)
        let plain = try AlternatingLeastSquares(.init(
            factorCount: 6, regularization: 2, iterationCount: 4, initialScale: 0.1))
            .fit(Self.ratings, as: Double.self)
        #expect(joint.userFactors == plain.userFactors)
        #expect(joint.itemFactors == plain.itemFactors)
        #expect(joint.userBiases == plain.userBiases && joint.itemBiases == plain.itemBiases)
        #expect(joint.globalBias == plain.globalBias)
        #expect(joint.predictsValues)
    }

    @Test("The explicit objective never rises with blocks, and cold items get zero biases",
          arguments: SideInformationModel.allCases)
    func objectiveAndColdStart(_ sideModel: SideInformationModel) throws {
        let data = JointFactorizationTests.data
        var losses: [Double] = []
        let model = try JointFactorization(.init(
            feedback: .explicit(), factorCount: 6, regularization: 2, iterationCount: 8, itemModel: sideModel))
            .fit(Self.ratings, itemBlocks: [data.features], as: Double.self) { losses.append($0.loss) }
        for (before, after) in zip(losses, losses.dropFirst()) {
            #expect(after <= before * (1 + 1e-9), "objective rose from \(before) to \(after)")
        }
        let grown = try model.placingItems(data.coldItems, from: [data.features])
        #expect(grown.itemBiases?.count == grown.itemIDs.count)
        #expect(grown.itemBiases?.suffix(data.coldItems.count).allSatisfy { $0 == 0 } == true)
        #expect(try grown.itemFactors.row(grown.itemIDs.index(of: data.coldItems[0])!)
                == model.itemFactors(for: [data.coldItems[0]], from: [data.features]).row(0))
    }

    @Test("Explicit fold-in solves for the bias: it reproduces a converged item and ranks loved above hated items",
          arguments: SideInformationModel.allCases)
    func explicitFoldIn(_ sideModel: SideInformationModel) throws {
        let data = JointFactorizationTests.data
        let model = try JointFactorization(.init(
            feedback: .explicit(), factorCount: 6, regularization: 2, iterationCount: 150, itemModel: sideModel))
            .fit(Self.ratings, itemBlocks: [data.features], as: Double.self)
        // A trained item, folded in again from its own ratings and blocks: with the fit
        // converged, the row update returns (nearly) the row the fit ended with. (The
        // offset map converges slowly: after 60 sweeps rows still moved by 5e-3.)
        let item = Self.ratings.itemIDs.id(at: 0)
        let row = Self.ratings.itemIDs.index(of: item)!
        let ratings = Self.ratings.byItem.entryRange(ofRow: row).map { index in
            (user: Self.ratings.userIDs.id(at: Int(Self.ratings.byItem.columnIndices[index])),
             value: Self.ratings.byItem.values[index])
        }
        let again = try model.placingItems([item], from: [data.features], foldingIn: [ratings])
        let trained = model.itemFactors.row(model.itemIDs.index(of: item)!)
        let refolded = again.itemFactors.row(again.itemIDs.index(of: item)!)
        #expect(zip(trained, refolded).allSatisfy { abs($0 - $1) < 1e-3 }, "\(trained) vs \(refolded)")
        #expect(abs(model.itemBiases![row] - again.itemBiases![again.itemIDs.index(of: item)!]) < 1e-3)
        // New items with the same blocks: rated 5 by ten users, or 1 by the same users.
        let users = (0..<10).map { Self.ratings.userIDs.id(at: $0) }
        let cold = data.coldItems[0]
        let loved = try model.placingItems([cold], from: [data.features], foldingIn: [users.map { ($0, 5) }])
        let hated = try model.placingItems([cold], from: [data.features], foldingIn: [users.map { ($0, 1) }])
        let lovedBias = loved.itemBiases!.last!, hatedBias = hated.itemBiases!.last!
        #expect(lovedBias > 0 && hatedBias < 0, "biases \(lovedBias) and \(hatedBias)")
        let user = users[0], u = model.userIDs.index(of: user)!
        func predicted(_ m: JointFactorizationModel<Double, Int, Int>) -> Double {
            let i = m.itemIDs.index(of: cold)!
            return m.globalBias + m.userBiases![u] + m.itemBiases![i]
                + zip(m.userFactors.row(u), m.itemFactors.row(i)).reduce(0) { $0 + $1.0 * $1.1 }
        }
        #expect(predicted(loved) > predicted(hated) + 1)
        #expect(throws: FusionError.self) {
            try model.placingItems([cold], from: [data.features], foldingIn: [[(user: 999_999, value: 3)]])
        }
        #expect(throws: FusionError.self) {
            try model.addingItems([cold], factors: Matrix(rowCount: 1, columnCount: 6), biases: [.nan])
        }
        #expect(throws: FusionError.self) {
            try model.addingItems([cold], factors: Matrix(rowCount: 1, columnCount: 6), biases: [0, 0])
        }
    }
}
