import FusionRecTestSupport
import Factorization
import LinearAlgebra
import Testing

@Suite("Implicit ALS")
struct ImplicitAlternatingLeastSquaresTests {
    static let data = try! PlantedData.clusteredImplicit(
        users: 120, items: 90, clusters: 3, inside: 0.3, outside: 0.03, seed: 11)
    /// Rows of 30 to 70 interactions: the long-row conjugate-gradient path and the
    /// factored Cholesky path at k = 16.
    static let dense = try! PlantedData.clusteredImplicit(
        users: 100, items: 120, clusters: 3, inside: 0.9, outside: 0.2, seed: 12)

    static func losses<S: BLASScalar>(
        _ configuration: ImplicitAlternatingLeastSquares.Configuration, _: S.Type,
        on data: Interactions<Int, Int> = data
    ) throws -> [Double] {
        var losses: [Double] = []
        _ = try ImplicitAlternatingLeastSquares(configuration).fit(data, as: S.self) { losses.append($0.loss) }
        return losses
    }

    @Test("the objective never rises across sweeps", arguments: scalarTypes, [
        ImplicitAlternatingLeastSquares.Solver.cholesky, .conjugateGradient(steps: 3),
    ])
    func objectiveNeverRises(_ type: any BLASScalar.Type, _ solver: ImplicitAlternatingLeastSquares.Solver) throws {
        for data in [Self.data, Self.dense] {
            let losses = try Self.losses(
                .init(factorCount: 8, regularization: 0.1, alpha: 10, iterationCount: 12, solver: solver), type, on: data)
            #expect(losses.count == 12)
            let tolerance = type == Float.self ? 1e-4 : 1e-9
            for (before, after) in zip(losses, losses.dropFirst()) {
                #expect(after <= before * (1 + tolerance), "loss rose from \(before) to \(after)")
            }
            #expect(losses.last! < 0.9 * losses.first!)
        }
    }

    @Test("the reported objective equals the objective computed over every pair")
    func objectiveIsExact() throws {
        let configuration = ImplicitAlternatingLeastSquares.Configuration(
            factorCount: 4, regularization: 0.3, alpha: 5, values: .raw, iterationCount: 2, solver: .cholesky)
        var reported = 0.0
        let model = try ImplicitAlternatingLeastSquares(configuration).fit(Self.data, as: Double.self) {
            reported = $0.loss
        }
        let u = model.userFactors, v = model.itemFactors
        var expected = configuration.regularization * (u.dot(u) + v.dot(v))
        for a in 0..<Self.data.userCount {
            for b in 0..<Self.data.itemCount {
                let r = Self.data.byUser[a, b]
                let observed = Self.data.items(ofUser: a).contains(Int32(b))
                let c = observed ? 1 + configuration.alpha * r : 1
                let s = model.score(userIndex: a, itemIndex: b)
                expected += c * ((observed ? 1 : 0) - s) * ((observed ? 1 : 0) - s)
            }
        }
        #expect(abs(reported - expected) <= 1e-8 * expected)
    }

    @Test("conjugate gradient with enough steps matches Cholesky", arguments: [false, true], [false, true])
    func conjugateGradientMatchesCholesky(binary: Bool, dense: Bool) throws {
        // Short rows take the Woodbury path of the Cholesky solver and the batched CG
        // path; long rows the factored Cholesky path and the gathered CG path.
        let base = ImplicitAlternatingLeastSquares.Configuration(
            factorCount: dense ? 16 : 6, regularization: 0.5, alpha: 2, values: binary ? .binary : .raw,
            iterationCount: 5, solver: .cholesky)
        var cg = base
        cg.solver = .conjugateGradient(steps: 60)
        let data = dense ? Self.dense : Self.data
        let exact = try ImplicitAlternatingLeastSquares(base).fit(data, as: Double.self)
        let iterative = try ImplicitAlternatingLeastSquares(cg).fit(data, as: Double.self)
        #expect(PlantedData.maximumDifference(exact.userFactors, iterative.userFactors) < 1e-7)
        #expect(PlantedData.maximumDifference(exact.itemFactors, iterative.itemFactors) < 1e-7)
    }

    @Test("the Cholesky solver solves each row's normal equations exactly")
    func rowsSolveNormalEquations() throws {
        let configuration = ImplicitAlternatingLeastSquares.Configuration(
            factorCount: 5, regularization: 0.2, alpha: 3, values: .raw, iterationCount: 3, solver: .cholesky)
        let model = try ImplicitAlternatingLeastSquares(configuration).fit(Self.data, as: Double.self)
        // The last half-step solved the items with the final user factors fixed.
        let u = model.userFactors
        let gram = u.gram()
        for i in [0, 1, 7, 44, 89] {
            var a = gram
            var b = Matrix<Double>(rowCount: 5, columnCount: 1)
            for f in 0..<5 { a[f, f] += configuration.regularization }
            for user in Self.data.users(ofItem: i) {
                let c = 1 + configuration.alpha * Self.data.byItem[i, Int(user)]
                let row = u.row(Int(user))
                for f in 0..<5 {
                    b[f, 0] += c * row[f]
                    for g in 0..<5 { a[f, g] += (c - 1) * row[f] * row[g] }
                }
            }
            let expected = try a.solvedSymmetricPositiveDefinite(b)
            for f in 0..<5 { #expect(abs(expected[f, 0] - model.itemFactors[i, f]) < 1e-9) }
        }
    }

    @Test("planted clusters are ranked first")
    func recoversClusters() throws {
        let model = try ImplicitAlternatingLeastSquares(.init(factorCount: 3, regularization: 0.1, alpha: 10,
                                                              values: .binary, iterationCount: 10))
            .fit(Self.data, as: Float.self)
        var correct = 0, total = 0
        for a in 0..<Self.data.userCount {
            let user = Self.data.userIDs.id(at: a)
            let seen = Set(Self.data.items(ofUser: a).map(Int.init))
            let best = (0..<Self.data.itemCount).filter { !seen.contains($0) }
                .max { model.score(userIndex: a, itemIndex: $0) < model.score(userIndex: a, itemIndex: $1) }!
            total += 1
            if Self.data.itemIDs.id(at: best) % 3 == user % 3 { correct += 1 }
        }
        #expect(Double(correct) / Double(total) > 0.95)
    }

    @Test("a user with no interactions gets zero factors")
    func emptyUserGetsZeroFactors() throws {
        var users = IDMap<Int>()
        users.append(999)
        let data = try Interactions(Self.data.records, userIDs: users, itemIDs: IDMap())
        let model = try ImplicitAlternatingLeastSquares(.init(factorCount: 4, iterationCount: 2))
            .fit(data, as: Double.self)
        #expect(model.userIDs.index(of: 999) == 0)
        #expect(model.userFactors.row(0) == [0, 0, 0, 0])
        #expect(model.userFactors.row(1) != [0, 0, 0, 0])
    }

    @Test("bad input and configuration throw typed errors")
    func badInput() throws {
        let empty = try Interactions<Int, Int>([])
        #expect(throws: TrainingError.noInteractions) {
            try ImplicitAlternatingLeastSquares().fit(empty, as: Float.self)
        }
        #expect(throws: TrainingError.tooManyFactors(factors: 100, users: 120, items: 90)) {
            try ImplicitAlternatingLeastSquares(.init(factorCount: 100)).fit(Self.data, as: Float.self)
        }
        let negative = try Interactions<Int, Int>([.init(user: 1, item: 2, value: 1), .init(user: 1, item: 3, value: -2)])
        #expect(throws: TrainingError.invalidValue(user: 0, item: 1, value: -2,
                                                   reason: "implicit-feedback values must not be negative")) {
            try ImplicitAlternatingLeastSquares(.init(factorCount: 1, values: .raw)).fit(negative, as: Float.self)
        }
        // Binary values ignore the sign.
        _ = try ImplicitAlternatingLeastSquares(.init(factorCount: 1, values: .binary)).fit(negative, as: Float.self)
        #expect(throws: TrainingError.self) {
            try ImplicitAlternatingLeastSquares(.init(regularization: 0)).fit(Self.data, as: Float.self)
        }
        #expect(throws: TrainingError.invalidConfiguration(
            parameter: "solver", value: "conjugateGradient(steps: 0)", reason: "needs at least 1 step")) {
            try ImplicitAlternatingLeastSquares(.init(solver: .conjugateGradient(steps: 0))).fit(Self.data, as: Float.self)
        }
        #expect(throws: FactorizationError.self) {
            try Interactions<Int, Int>([.init(user: 1, item: 2, value: .nan)])
        }
    }

    @Test("a cancelled task stops the fit between iterations")
    func cancellation() async throws {
        let trainer = ImplicitAlternatingLeastSquares(.init(factorCount: 4, iterationCount: 10))
        let beforeStart = Task { () -> Result<Int, TrainingError> in
            while !Task.isCancelled { await Task.yield() }
            return Result { () throws(TrainingError) in try trainer.fit(Self.data, as: Float.self).factorCount }
        }
        beforeStart.cancel()
        let first = await beforeStart.value
        #expect(throws: TrainingError.cancelled(completedIterations: 0)) { try first.get() }

        let during = Task { () -> Result<Int, TrainingError> in
            Result { () throws(TrainingError) in
                try trainer.fit(Self.data, as: Float.self) { progress in
                    if progress.iteration == 3 { withUnsafeCurrentTask { $0?.cancel() } }
                }.factorCount
            }
        }
        let second = await during.value
        #expect(throws: TrainingError.cancelled(completedIterations: 3)) { try second.get() }
    }
}

/// Serialized, and holding the thread-count lock, because its cases change the
/// process-wide `Parallel.threadCount` between two fits.
@Suite("Implicit ALS across thread counts", .serialized)
struct ImplicitAlternatingLeastSquaresThreadCountTests {
    @Test("factors are identical for 1 and 2 threads", arguments: scalarTypes, [
        ImplicitAlternatingLeastSquares.Solver.cholesky, .conjugateGradient(steps: 3),
    ])
    func threadCountDoesNotChangeResults(_ type: any BLASScalar.Type, _ solver: ImplicitAlternatingLeastSquares.Solver) throws {
        try Self.compareThreadCounts(type, solver)
    }

    static func compareThreadCounts<S: BLASScalar>(_: S.Type, _ solver: ImplicitAlternatingLeastSquares.Solver) throws {
        let trainer = ImplicitAlternatingLeastSquares(.init(factorCount: 16, iterationCount: 4, solver: solver))
        for data in [ImplicitAlternatingLeastSquaresTests.data, ImplicitAlternatingLeastSquaresTests.dense] {
            try withThreadCountLocked {
                Parallel.threadCount = 1
                var oneLoss = 0.0
                let one = try trainer.fit(data, as: S.self) { oneLoss = $0.loss }
                Parallel.threadCount = 2
                var twoLoss = 0.0
                let two = try trainer.fit(data, as: S.self) { twoLoss = $0.loss }
                #expect(one.userFactors == two.userFactors)
                #expect(one.itemFactors == two.itemFactors)
                #expect(oneLoss == twoLoss)
            }
        }
    }
}
