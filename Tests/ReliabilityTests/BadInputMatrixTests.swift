import FusionRec
import Testing

/// One test per row group of the bad-input matrix in `Docs/Reliability.md`: every public
/// entry point that takes data, tried with NaN, ±infinity, empty input, unknown ids,
/// out-of-range indices, mismatched dimensions, a zero-row block, K ≤ 0 and absurd sizes.
/// Each must throw the documented typed error or behave as documented — never trap.
@Suite("Bad-input matrix")
struct BadInputMatrixTests {
    static let nonFinite: [Double] = [.nan, .infinity, -.infinity]

    static func ratings() throws -> Interactions<Int, Int> {
        var records: [Interactions<Int, Int>.Record] = []
        for u in 0..<12 { for i in 0..<15 where (u * 7 + i * 3) % 4 != 0 { records.append(.init(user: u, item: i, value: Double((u + i) % 5 + 1))) } }
        return try Interactions(records)
    }

    static func model<T: BLASScalar>(_: T.Type) throws -> MatrixFactorizationModel<T, Int, Int> {
        try AlternatingLeastSquares(.init(factorCount: 3, regularization: 1, iterationCount: 2)).fit(ratings(), as: T.self)
    }

    // MARK: LinearAlgebra

    @Test("Matrix: mismatched element count, negative and absurd shapes throw", arguments: [0, 1])
    func matrixShapes(_ precision: Int) {
        func check<T: BLASScalar>(_: T.Type) {
            #expect(throws: LinearAlgebraError.elementCountMismatch(expected: 4, actual: 3, rows: 2, columns: 2)) {
                try Matrix<T>(rowCount: 2, columnCount: 2, elements: [1, 2, 3])
            }
            #expect(throws: LinearAlgebraError.negativeDimension(rows: -1, columns: 2)) {
                try Matrix<T>(rowCount: -1, columnCount: 2, elements: [])
            }
            #expect(throws: LinearAlgebraError.elementCountMismatch(expected: Int.max, actual: 0, rows: Int.max, columns: 2)) {
                try Matrix<T>(rowCount: Int.max, columnCount: 2, elements: [])
            }
            #expect(throws: LinearAlgebraError.raggedRows(row: 1, expected: 2, actual: 1)) { try Matrix<T>(rows: [[1, 2], [3]]) }
            #expect((try? Matrix<T>(rows: []))?.isEmpty == true)
        }
        precision == 0 ? check(Float.self) : check(Double.self)
    }

    @Test("Solves: NaN, ±inf, non-square, mismatched right-hand side, singular")
    func solves() throws {
        for value in Self.nonFinite {
            let a = try Matrix<Double>(rows: [[4, 1], [1, value]])
            #expect(throws: LinearAlgebraError.nonFiniteValue(row: 1, column: 1, operation: "symmetric positive-definite solve")) {
                try a.solvedSymmetricPositiveDefinite(.identity(2))
            }
            #expect(throws: LinearAlgebraError.self) { try Matrix<Double>.identity(2).solved(Matrix(rowCount: 2, columnCount: 1, repeating: value)) }
        }
        #expect(throws: LinearAlgebraError.notSquare(rows: 2, columns: 3)) {
            try Matrix<Float>(rowCount: 2, columnCount: 3).solvedSymmetricPositiveDefinite(.identity(2))
        }
        #expect(throws: LinearAlgebraError.self) { try Matrix<Float>.identity(2).solvedSymmetricPositiveDefinite(.identity(3)) }
        #expect(throws: LinearAlgebraError.notPositiveDefinite(minor: 2)) {
            try Matrix<Double>(rows: [[1, 1], [1, 1]]).solvedSymmetricPositiveDefinite(.identity(2))
        }
        #expect(throws: LinearAlgebraError.singular(pivot: 2)) { try Matrix<Double>(rows: [[1, 1], [1, 1]]).solved(.identity(2)) }
        // Empty systems are well defined: the solution is empty.
        #expect(try Matrix<Double>(rowCount: 0, columnCount: 0).solvedSymmetricPositiveDefinite(Matrix(rowCount: 0, columnCount: 3)).shape == (0, 3))
    }

    @Test("SparseMatrix: out-of-range indices, NaN, ±inf, mismatched arrays, negative and absurd shapes")
    func sparse() {
        typealias S = SparseMatrix<Float>
        #expect(throws: LinearAlgebraError.invalidTriplet(index: 1, row: 2, column: 0, value: 1, reason: "row out of range 0..<2")) {
            try S(rowCount: 2, columnCount: 2, rows: [0, 2], columns: [0, 0], values: [1, 1])
        }
        #expect(throws: LinearAlgebraError.invalidTriplet(index: 0, row: 0, column: -1, value: 1, reason: "column out of range 0..<2")) {
            try S(rowCount: 2, columnCount: 2, rows: [0], columns: [-1], values: [1])
        }
        for value in Self.nonFinite {
            #expect(throws: LinearAlgebraError.self) { try S(rowCount: 1, columnCount: 1, rows: [0], columns: [0], values: [Float(value)]) }
        }
        #expect(throws: LinearAlgebraError.self) { try S(rowCount: 1, columnCount: 1, rows: [0, 0], columns: [0], values: [1]) }
        #expect(throws: LinearAlgebraError.negativeDimension(rows: -3, columns: 1)) { try S(rowCount: -3, columnCount: 1, rows: [], columns: [], values: []) }
        #expect(throws: LinearAlgebraError.self) { try S(rowCount: 1, columnCount: Int.max, rows: [], columns: [], values: []) }
        #expect((try? S(rowCount: 0, columnCount: 0, rows: [], columns: [], values: []))?.nonZeroCount == 0)
    }

    // MARK: Factorization

    @Test("Interactions: NaN and ±inf values throw naming the record; empty input is an empty set")
    func interactions() throws {
        for value in Self.nonFinite {
            #expect(throws: FactorizationError.self) {
                try Interactions<Int, Int>([.init(user: 1, item: 2, value: 1), .init(user: 3, item: 4, value: value)])
            }
            do {
                _ = try Interactions<Int, Int>([.init(user: 1, item: 2, value: 1), .init(user: 3, item: 4, value: value)])
            } catch let error {
                guard case .nonFiniteValue(record: 1, user: "3", item: "4", _) = error else {
                    Issue.record("unexpected \(error)"); continue
                }
            }
        }
        let empty = try Interactions<Int, Int>([])
        #expect(empty.userCount == 0 && empty.itemCount == 0 && empty.count == 0)
    }

    @Test("Trainers: K ≤ 0, absurd K, empty interactions", arguments: [0, -1])
    func trainers(_ k: Int) throws {
        let data = try Self.ratings()
        let empty = try Interactions<Int, Int>([])
        func expectConfiguration(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
            do {
                try body()
                Issue.record("no error", sourceLocation: sourceLocation)
            } catch {
                guard case .invalidConfiguration(parameter: "factorCount", _, _)? = error as? TrainingError else {
                    Issue.record("unexpected \(error)", sourceLocation: sourceLocation); return
                }
            }
        }
        expectConfiguration { _ = try AlternatingLeastSquares(.init(factorCount: k)).fit(data, as: Float.self) }
        expectConfiguration { _ = try ImplicitAlternatingLeastSquares(.init(factorCount: k)).fit(data, as: Float.self) }
        expectConfiguration { _ = try BiasedMatrixFactorization(.init(factorCount: k)).fit(data, as: Double.self) }
        expectConfiguration { _ = try BayesianPersonalizedRanking(.init(factorCount: k)).fit(data, as: Double.self) }
        #expect(throws: TrainingError.noInteractions) { try ImplicitAlternatingLeastSquares(.init(factorCount: 2)).fit(empty, as: Float.self) }
        #expect(throws: TrainingError.noInteractions) { try AlternatingLeastSquares(.init(factorCount: 2)).fit(empty, as: Float.self) }
        #expect(throws: TrainingError.self) { try ImplicitAlternatingLeastSquares(.init(factorCount: 1 << 40)).fit(data, as: Float.self) }
        #expect(throws: TrainingError.self) { try AlternatingLeastSquares(.init(factorCount: 1 << 40)).fit(data, as: Double.self) }
    }

    @Test("Fold-in: unknown ids, NaN and ±inf values throw; no interactions give the prior row", arguments: [0, 1])
    func foldIn(_ precision: Int) throws {
        func check<T: BLASScalar>(_: T.Type) throws {
            let model = try Self.model(T.self)
            #expect(throws: FactorizationError.unknownID(kind: "item", id: "999")) {
                try model.foldingInUsers([(id: 50, interactions: [(item: 999, value: 1)])])
            }
            #expect(throws: FactorizationError.unknownID(kind: "user", id: "999")) {
                try model.itemFactors(foldingIn: [(user: 999, value: 1)])
            }
            for value in Self.nonFinite {
                #expect(throws: FactorizationError.self) { try model.userFactors(foldingIn: [(item: 1, value: value)]) }
            }
            let none = try model.userFactors(foldingIn: [])
            #expect(none.factors.allSatisfy { $0 == 0 && $0.isFinite })
            #expect(try model.foldingInUsers([]).userFactors == model.userFactors)
        }
        precision == 0 ? try check(Float.self) : try check(Double.self)
    }

    @Test("Popularity: empty interactions give an empty model; mismatched or NaN counts throw")
    func popularity() throws {
        let empty = Popularity<Float, Int, Int>(fitting: try Interactions([]))
        #expect(empty.itemFactors.rowCount == 0)
        #expect(throws: FactorizationError.self) {
            try Popularity<Float, Int, Int>(userIDs: IDMap([1]), itemIDs: IDMap([1, 2]), itemCounts: Matrix(rowCount: 3, columnCount: 1))
        }
        #expect(throws: FactorizationError.self) {
            try Popularity<Float, Int, Int>(userIDs: IDMap([1]), itemIDs: IDMap([1]), itemCounts: Matrix(rowCount: 1, columnCount: 1, repeating: .nan))
        }
    }

    // MARK: Ranking

    @Test("Ranker: NaN or ±inf factors are an invalid model", arguments: BadInputMatrixTests.nonFinite)
    func rankerModel(_ value: Double) throws {
        let good = try Self.model(Double.self)
        var items = good.itemFactors
        items[3, 1] = value
        let bad = MatrixFactorizationModel(
            userIDs: good.userIDs, itemIDs: good.itemIDs, userFactors: good.userFactors, itemFactors: items,
            predictsValues: true, foldInRule: good.foldInRule)
        #expect(throws: RankingError.invalidModel("item factor (3, 1) is not finite")) { try Ranker(model: bad) }
    }

    @Test("Ranker queries: unknown ids, K ≤ 0, NaN trade-offs and fractions")
    func rankerQueries() throws {
        let data = try Self.ratings()
        let ranker = try Ranker(model: try Self.model(Float.self), training: data)
        #expect(throws: RankingError.unknownUser("999")) { try ranker.recommend(user: 999, count: 5) }
        #expect(throws: RankingError.unknownItem("999")) { try ranker.similarItems(to: 999, count: 5) }
        #expect(throws: RankingError.unknownUser("999")) { try ranker.similarUsers(to: 999, count: 5) }
        #expect(throws: RankingError.unknownUser("999")) { try ranker.score(user: 999, item: 1) }
        #expect(throws: RankingError.unknownItem("999")) { try ranker.score(user: 1, item: 999) }
        #expect(try ranker.recommend(user: 1, count: 0).isEmpty)
        for count in [-1, Int.min] {
            #expect(throws: RankingError.invalidArgument("ranking length must be non-negative, got \(count)")) {
                try ranker.recommend(user: 1, count: count)
            }
            #expect(throws: RankingError.invalidArgument("ranking length must be non-negative, got \(count)")) {
                try ranker.similarItems(to: 1, count: count)
            }
            #expect(throws: RankingError.invalidArgument("ranking length must be non-negative, got \(count)")) {
                try ranker.similarUsers(to: 1, count: count)
            }
            #expect(throws: RankingError.self) { try ranker.diversified([], count: count, lambda: 0.5) }
        }
        // K = Int.max means "all": it once overflowed the top-K heap's reservation and corrupted the heap.
        #expect(try ranker.recommend(user: 1, count: Int.max).count == data.itemCount - data.items(ofUser: data.userIDs.index(of: 1)!).count)
        #expect(try ranker.similarItems(to: 1, count: Int.max).count == data.itemCount - 1)
        #expect(try ranker.similarUsers(to: 1, count: Int.max).count == data.userCount - 1)
        #expect(try Ranker.blendedRecommendations([(ranker, 1)], user: 1, count: Int.max).count <= data.itemCount)
        for k in [0, -5] {
            #expect(throws: RankingError.invalidArgument("the cut-off K must be at least 1, got \(k)")) { try ranker.evaluate(test: data, k: k) }
        }
        #expect(throws: RankingError.self) { try ranker.diversified([], count: 3, lambda: .nan) }
        #expect(throws: RankingError.unknownItem("999")) { try ranker.diversified([RankedItem(id: 999, score: 1)], count: 1, lambda: 0.5) }
        var generator = SplitMix64(seed: 1)
        for fraction in [Double.nan, -0.1, 1.5, .infinity] {
            #expect(throws: RankingError.self) { try Split.randomHoldout(of: data, testFraction: fraction, using: &generator) }
        }
        #expect(throws: RankingError.self) { try Ranker<Float, Int, Int>.blendedRecommendations([], user: 1, count: 3) }
        // Test users the model does not know are skipped and counted, not an error.
        let unknown = try Interactions<Int, Int>([.init(user: 999, item: 1, value: 1), .init(user: 1, item: 0, value: 1)])
        #expect(try ranker.evaluate(test: unknown, k: 5).skippedUsers == 1)
    }

    // MARK: Fusion

    @Test("Side-information blocks: NaN/±inf features, mismatched rows, zero rows, bad weights and names", arguments: [0, 1])
    func blocks(_ precision: Int) throws {
        func check<T: BLASScalar>(_: T.Type) throws {
            for value in Self.nonFinite {
                var features = Matrix<T>(rowCount: 3, columnCount: 2, repeating: 1)
                features[2, 1] = T(value)
                #expect(throws: FusionError.nonFiniteFeature(block: "b", row: 2, column: 1)) {
                    try SideInformationBlock(name: "b", ids: [1, 2, 3], features: features)
                }
                // A non-finite value in an absent row is ignored.
                #expect((try? SideInformationBlock(name: "b", ids: [1, 2, 3], features: features, presence: [true, true, false])) != nil)
                #expect(throws: FusionError.self) {
                    try SideInformationBlock(name: "b", ids: [1], features: Matrix<T>(rowCount: 1, columnCount: 1), weight: T(value))
                }
            }
            #expect(throws: FusionError.blockShape(block: "b", reason: "2 feature rows for 3 ids")) {
                try SideInformationBlock(name: "b", ids: [1, 2, 3], features: Matrix<T>(rowCount: 2, columnCount: 2))
            }
            #expect(throws: FusionError.self) { try SideInformationBlock(name: "b", ids: [1, 1], features: Matrix<T>(rowCount: 2, columnCount: 2)) }
            #expect(throws: FusionError.self) { try SideInformationBlock(name: "b", ids: [1], features: Matrix<T>(rowCount: 1, columnCount: 2), presence: []) }
            #expect(throws: FusionError.self) { try SideInformationBlock(name: "", ids: [1], features: Matrix<T>(rowCount: 1, columnCount: 2)) }
            for weight: T in [0, -1] {
                #expect(throws: FusionError.self) { try SideInformationBlock(name: "b", ids: [1], features: Matrix<T>(rowCount: 1, columnCount: 1), weight: weight) }
            }
            let zeroRows = try SideInformationBlock<Int, T>(name: "z", ids: [], features: Matrix(rowCount: 0, columnCount: 4))
            #expect(zeroRows.ids.count == 0 && zeroRows.dimension == 4)
            #expect(throws: FusionError.self) { try zeroRows.preprocessed(Matrix(rowCount: 1, columnCount: 3)) }
        }
        precision == 0 ? try check(Float.self) : try check(Double.self)
    }

    @Test("Joint factorization: K ≤ 0, a zero-row block, unknown and mismatched blocks, bad growth")
    func joint() async throws {
        let data = try Self.ratings()
        for k in [0, -2] {
            #expect(throws: FusionError.self) { try JointFactorization(.init(factorCount: k)).fit(data, as: Float.self) }
        }
        let zeroRows = try SideInformationBlock<Int, Float>(name: "z", ids: [], features: Matrix(rowCount: 0, columnCount: 3))
        let model = try JointFactorization(.init(factorCount: 3, iterationCount: 2)).fit(data, itemBlocks: [zeroRows], as: Float.self)
        #expect(model.itemFactors.firstNonFiniteIndex() == nil, "a zero-row block leaves the fit finite")
        let other = try SideInformationBlock<Int, Float>(name: "other", ids: [100], features: Matrix(rowCount: 1, columnCount: 3))
        #expect(throws: FusionError.unknownBlock("other")) { try model.itemFactors(for: [100], from: [other]) }
        let wide = try SideInformationBlock<Int, Float>(name: "z", ids: [100], features: Matrix(rowCount: 1, columnCount: 5))
        #expect(throws: FusionError.self) { try model.itemFactors(for: [100], from: [wide]) }
        #expect(throws: FusionError.self) { try model.addingItems([100, 101], factors: Matrix(rowCount: 1, columnCount: 3)) }
        for value in Self.nonFinite {
            #expect(throws: FusionError.self) { try model.addingUsers([100], factors: Matrix(rowCount: 1, columnCount: 3, repeating: Float(value))) }
        }
        #expect(throws: FusionError.self) {
            try model.userFactors(for: [100], from: [], foldingIn: [[(item: 999, value: 1)]])
        }
    }

    @Test("Encoders: dimension ≤ 0, no finite values, NaN inputs")
    func encoders() async throws {
        for dimension in [0, -1] {
            #expect(throws: FusionError.self) { try HashingTextEncoder(fittingOn: ["a"], dimension: dimension) }
        }
        #expect(throws: FusionError.self) { try NumericEncoder(fittingOn: [.nan, .infinity]) }
        #expect(throws: FusionError.self) { try NumericEncoder(fittingOn: []) }
        let numeric = try NumericEncoder(fittingOn: [1, 2, 3], representation: .standardized)
        for value in Self.nonFinite {
            await #expect(throws: FusionError.self) { try await numeric.encode([1, value]) }
        }
        let text = try HashingTextEncoder(fittingOn: ["red fish", "blue fish"], dimension: 16)
        let empty = try await text.encode(["", "   "])
        #expect(empty.shape == (2, 16) && empty.firstNonFiniteIndex() == nil)
    }

    @Test("Sizes from data are checked before allocation: buckets, hashing dimension, block elements")
    func sizeLimits() async throws {
        // Each of these trapped converting Double to Int or asked for terabytes.
        let spans: [([Double], Double)] = [
            ([1990, 1e19], 10), ([-1e308, 1e308], 10), ([0, 1e11], 1), ([1, 2], 1e-300), ([-1e308, 0], 1e-300),
        ]
        for (corpus, width) in spans {
            #expect(throws: FusionError.self, "\(corpus) width \(width)") {
                try NumericEncoder(fittingOn: corpus, representation: .buckets(width: width))
            }
        }
        // Found by FuzzItemsPipeline: rounding put the first edge above the only value,
        // and a negative bucket count trapped converting to Int.
        let tiny = try NumericEncoder(fittingOn: [1995], representation: .buckets(width: 1e-300))
        #expect(tiny.dimension == 1 && tiny.origin <= 1995)
        let atLimit = try NumericEncoder(
            fittingOn: [0, Double(NumericEncoder.maximumBucketCount - 1)], representation: .buckets(width: 1))
        #expect(atLimit.dimension == NumericEncoder.maximumBucketCount)
        // Values far outside the fitted span clamp to the edge buckets instead of trapping.
        let decades = try NumericEncoder(fittingOn: [1990, 2010], representation: .buckets(width: 10))
        let clamped = try await decades.encode([-1e308, 1e308, 1e19])
        #expect(clamped.row(0) == [1, 0, 0] && clamped.row(1) == [0, 0, 1] && clamped.row(2) == [0, 0, 1])
        #expect(try NumericEncoder.bucketName(of: 1994, width: 10) == "1990")
        #expect(try NumericEncoder.bucketName(of: -5, width: 10) == "-10")
        #expect(try NumericEncoder.bucketName(of: 1e19, width: 10) == "1e+19")
        #expect(throws: FusionError.self) { try NumericEncoder.bucketName(of: 1e308, width: 1e-300) }
        #expect(throws: FusionError.self) { try NumericEncoder.bucketName(of: 1, width: 0) }
        #expect(throws: FusionError.invalidParameter(
            name: "hashing dimension", value: "100000000000", reason: "must be from 1 to \(HashingTextEncoder.maximumDimension)")) {
            try HashingTextEncoder(fittingOn: ["a"], dimension: 100_000_000_000)
        }
        // A dense block whose rows × features pass the limit is refused before encoding; the
        // hashing encoder's own blocks are sparse and cost their entries only.
        let wide = try HashingTextEncoder(fittingOn: ["a"], dimension: HashingTextEncoder.maximumDimension)
        let ids = (0..<200).map { "item\($0)" }
        await #expect(throws: FusionError.blockShape(
            block: "title",
            reason: "200 rows × 16777216 features exceed the limit of \(SideInformationBlock<String, Float>.maximumElementCount) elements")) {
            try await SideInformationBlock<String, Float>.encoding(
                name: "title", ids: ids, inputs: ids.map { Optional($0) }, using: wide,
                preprocessing: .init(centerColumns: true))
        }
        let sparse = try await SideInformationBlock<String, Float>.encoding(
            name: "title", ids: ids, inputs: ids.map { Optional($0) }, using: wide)
        guard case .sparse(let rows) = sparse.storage else { Issue.record("a hashed block is sparse"); return }
        #expect(rows.rowCount == 200 && rows.nonZeroCount < 200 * 40)
        // An encoder without features (an empty categories column) names the block.
        let none = CategoricalEncoder(fittingOn: ["", ""])
        await #expect(throws: FusionError.blockShape(
            block: "genres", reason: "the encoder '\(none.identifier)' has no features (dimension 0): an empty column?")) {
            try await SideInformationBlock<String, Float>.encoding(
                name: "genres", ids: ["a", "b"], inputs: [nil, nil], using: none)
        }
    }
}
