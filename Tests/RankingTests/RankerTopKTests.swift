import Factorization
import FusionRecTestSupport
import LinearAlgebra
import Ranking
import Testing

@Suite("Ranker top-K")
struct RankerTopKTests {

    @Test("top-K equals the prefix of a full stable sort", arguments: [false, true], [1, 5, 40])
    func matchesFullSort(biases: Bool, count: Int) throws {
        try check(Float.self, biases: biases, count: count)
        try check(Double.self, biases: biases, count: count)
    }

    private func check<S: BLASScalar>(_: S.Type, biases: Bool, count: Int) throws {
        let model = FixedModel<S>.random(users: 23, items: 37, factors: 3, biases: biases, seed: 7)
        let training = try randomTraining(for: model, perUser: 4, seed: 8)
        let ranker = try Ranker(model: model, training: training)
        for user in model.userIDs.ids {
            let trained = Set(training.items(ofUser: training.userIDs.index(of: user)!).map { training.itemIDs.id(at: Int($0)) })
            let expected = referenceRanking(model, user: user, excluding: trained, count: count)
            let got = try ranker.recommend(user: user, count: count)
            #expect(got.map(\.id) == expected, "user \(user)")
            for entry in got { #expect(entry.score == Double(try model.score(user: user, item: entry.id))) }
        }
    }

    @Test("exclusions, deny list and allow list")
    func filters() throws {
        let model = FixedModel<Float>.random(users: 5, items: 30, factors: 2, biases: false, seed: 3)
        let training = try randomTraining(for: model, perUser: 6, seed: 4)
        let ranker = try Ranker(model: model, training: training)
        let user = 2
        let trained = Set(training.items(ofUser: training.userIDs.index(of: user)!).map { training.itemIDs.id(at: Int($0)) })
        let denied: Set<Int> = [7, 17, 27, 107]
        let allowed: Set<Int> = Set(model.itemIDs.ids.prefix(12)).union([99_999])

        let withTraining = try ranker.recommend(user: user, count: 30, filter: .init(excludesTrainingItems: false))
        #expect(withTraining.count == 30)
        #expect(withTraining.map(\.id) == referenceRanking(model, user: user, excluding: [], count: 30))

        let all = try ranker.recommend(user: user, count: 100)
        #expect(all.count == 24)
        #expect(Set(all.map(\.id)).isDisjoint(with: trained))

        let denying = try ranker.recommend(user: user, count: 100, filter: .init(excluded: denied))
        #expect(denying.map(\.id) == referenceRanking(model, user: user, excluding: trained.union(denied), count: 100))

        let allowing = try ranker.recommend(user: user, count: 5, filter: .init(excluded: denied, candidates: allowed))
        #expect(allowing.map(\.id) == referenceRanking(
            model, user: user, excluding: trained.union(denied), candidates: allowed, count: 5))
        #expect(try ranker.recommend(user: user, count: 0).isEmpty)
        #expect(throws: RankingError.unknownUser("99")) { try ranker.recommend(user: 99, count: 3) }
    }

    @Test("ties are broken by ascending item id, numerically")
    func tiesByCatalogueOrder() throws {
        let records: [Interactions<String, String>.Record] = [
            .init(user: "a", item: "100", value: 1), .init(user: "b", item: "9", value: 1),
            .init(user: "c", item: "20", value: 1), .init(user: "c", item: "100", value: 1),
            .init(user: "d", item: "3", value: 1),
        ]
        let training = try Interactions(records)
        let ranker = try Ranker(model: Popularity<Double, String, String>(fitting: training), training: training,
                                additionalItems: ["15"])
        #expect(ranker.catalogue.ids == ["3", "9", "15", "20", "100"])
        let ranking = try ranker.recommend(user: "d", count: 5)
        #expect(ranking.map(\.id) == ["100", "9", "20", "15"])
        #expect(ranking.map(\.score) == [2, 1, 1, 0])
    }

    @Test("catalogue order: numeric when every id is an integer, else by text")
    func catalogueOrdering() {
        #expect(catalogueOrder(of: ["10", "9", "100", "-1"]) == [3, 1, 0, 2])
        #expect(catalogueOrder(of: ["10", "9", "b", "a"]) == [0, 1, 3, 2])
        #expect(catalogueOrder(of: [3, 1, 2]) == [1, 2, 0])
    }

    @Test("a model with non-finite factors or mismatched shapes is refused")
    func invalidModel() throws {
        var model = FixedModel<Double>.random(users: 2, items: 3, factors: 2, biases: false, seed: 1)
        model.itemFactors[1, 1] = .nan
        #expect(throws: RankingError.invalidModel("item factor (1, 1) is not finite")) { try Ranker(model: model) }
        var short = FixedModel<Double>.random(users: 2, items: 3, factors: 2, biases: false, seed: 1)
        short.itemBiases = [1]
        #expect(throws: RankingError.invalidModel("1 item biases for 3 items")) { try Ranker(model: short) }
    }
}

/// The tiled batch path: blocks of users × tiles of items, a threshold per user, exclusions
/// through cursors. Small tiles put tile edges, partial tiles and the vector compare's tail
/// everywhere a list could go wrong.
@Suite("Ranker batched top-K tiling")
struct RankerTiledTopKTests {
    static let tilings = [
        _TopKTiling(rows: 1, columns: 1), _TopKTiling(rows: 3, columns: 5), _TopKTiling(rows: 7, columns: 17),
        _TopKTiling(rows: 256, columns: 1024), _TopKTiling(rows: 4, columns: 33, threadedProducts: true),
    ]

    @Test("every tiling equals a full stable sort's prefix, with exclusions, ties, deny and allow lists",
          arguments: tilings)
    func matchesFullSort(tiling: _TopKTiling) throws {
        try check(Float.self, tiling: tiling)
        try check(Double.self, tiling: tiling)
    }

    private func check<S: BLASScalar>(_: S.Type, tiling: _TopKTiling) throws {
        // Integer factors: exact scores, so many ties; 70 items span several 16-wide compares.
        let model = FixedModel<S>.random(users: 19, items: 70, factors: 2, biases: true, seed: 21)
        let training = try unevenTraining(for: model, seed: 22)
        let ranker = try Ranker(model: model, training: training)
        let denied: Set<Int> = [7, 77, 347, 10_007]
        let allowed = Set(model.itemIDs.ids.filter { $0 % 3 != 0 }).union([123_456])
        let filters: [RankingFilter<Int>] = [
            .init(), .init(excludesTrainingItems: false), .init(excluded: denied),
            .init(excluded: denied, candidates: allowed), .init(candidates: []),
        ]
        let userIndices = Array((0..<ranker.users.count).reversed()) + [4, 4]
        for filter in filters {
            for count in [0, 1, 10, 69, 500] {
                let got = ranker.recommend(userIndices: userIndices, count: count, filter: filter, tiling: tiling)
                #expect(got.count == userIndices.count)
                for (row, u) in zip(got, userIndices) {
                    let user = ranker.users.id(at: u)
                    let trained = filter.excludesTrainingItems ? trainedItems(training, user) : []
                    let expected = referenceRanking(
                        model, user: user, excluding: trained.union(filter.excluded), candidates: filter.candidates,
                        count: count)
                    #expect(row.map(\.id) == expected, "\(S.self) user \(user) K \(count) \(tiling)")
                    for entry in row { #expect(entry.score == Double(try model.score(user: user, item: entry.id))) }
                }
            }
        }
    }

    @Test("users without training items, and users who trained on the whole catalogue")
    func emptyAndFullUsers() throws {
        let model = FixedModel<Float>.random(users: 4, items: 40, factors: 3, biases: false, seed: 5)
        let everything = model.itemIDs.ids.map { Interactions<Int, Int>.Record(user: 1, item: $0, value: 1) }
        let training = try Interactions(everything + [.init(user: 2, item: 17, value: 1)],
                                        userIDs: model.userIDs, itemIDs: model.itemIDs)
        let ranker = try Ranker(model: model, training: training)
        let lists = ranker.recommend(userIndices: [0, 1, 2, 3], count: 45, tiling: .init(rows: 2, columns: 16))
        #expect(lists.map(\.count) == [40, 0, 39, 40])
        #expect(lists[0].map(\.id) == referenceRanking(model, user: 0, excluding: [], count: 45))
        #expect(lists[2].map(\.id) == referenceRanking(model, user: 2, excluding: [17], count: 45))
        #expect(ranker.recommend(userIndices: [], count: 10).isEmpty)
    }

    @Test("Gaussian scores: the top 10 is the prefix of the full ranking, for any tiling", arguments: [false, true])
    func thresholdMatchesFullRanking(double: Bool) throws {
        if double { try checkGaussian(Double.self) } else { try checkGaussian(Float.self) }
    }

    private func checkGaussian<S: BLASScalar>(_: S.Type) throws {
        let users = 150, items = 2_500
        let model = FixedModel<S>.gaussian(users: users, items: items, factors: 16, seed: 31)
        let training = try randomTraining(for: model, perUser: 40, seed: 32)
        let ranker = try Ranker(model: model, training: training)
        let all = Array(0..<users)
        // Whole score rows are the shape of the untiled implementation; K = n sends every
        // score through the heap, so the threshold never rejects anything. (One-row and
        // tiny products are left out: OpenBLAS's small-matrix kernels may round differently.)
        // Products of other shapes may round the last bit differently (OpenBLAS picks its
        // blocking by shape and processor), so ids must be equal and scores within rounding.
        let whole = ranker.recommend(userIndices: all, count: items, tiling: .init(rows: 2, columns: items))
        func check(_ top: [[RankedItem<Int>]], _ label: String) {
            let tolerance = S.self == Float.self ? 1e-5 : 1e-12
            for (got, full) in zip(top, whole) {
                let expected = Array(full.prefix(10))
                #expect(got.map(\.id) == expected.map(\.id), "\(label)")
                #expect(zip(got, expected).allSatisfy { abs($0.score - $1.score) <= tolerance * max(1, abs($1.score)) },
                        "\(label)")
            }
        }
        for tiling in [_TopKTiling.standard(universeCount: items), .init(rows: 64, columns: 300),
                       .init(rows: 100, columns: 1024)] {
            check(ranker.recommend(userIndices: all, count: 10, tiling: tiling), "\(tiling)")
        }
        check(ranker.recommend(userIndices: all, count: 10), "default tiling")
    }
}

extension RankerTiledTopKTests {
    @Test("batched similar items: tiles equal whole rows; the item itself and the deny list left out")
    func similarItemsTiled() throws {
        let model = FixedModel<Float>.gaussian(users: 3, items: 2_000, factors: 16, seed: 51)
        let ranker = try Ranker(model: model)
        let items = Array(stride(from: 0, to: 2_000, by: 7))
        let denied: Set<Int> = [3, 500, 1_999]
        // 286 rows × 2,000 items are tiled by 1,024; 100 rows × 2,000 fit one product.
        let tiled = try ranker.similarItems(to: items, count: 10, filter: .init(excluded: denied), blockSize: 286)
        let whole = try ranker.similarItems(to: items, count: 2_000, filter: .init(excluded: denied), blockSize: 100)
        // Products of other shapes may round a score's last bit differently (OpenBLAS picks
        // its kernels by shape and processor), so near-ties may swap.
        for (got, full) in zip(tiled, whole) {
            #expect(sameRanking(got, Array(full.prefix(10)), tolerance: 1e-5))
        }
        for (item, row) in zip(items, whole) {
            #expect(row.count == 2_000 - 1 - denied.subtracting([item]).count)
            #expect(!row.contains { $0.id == item || denied.contains($0.id) })
        }
    }
}

/// Tests that change the global ``Parallel/threadCount``: serialized, and holding the
/// thread-count lock so that no other suite changes the count between two rankings.
@Suite("Ranker top-K threads", .serialized)
struct RankerTopKThreadTests {
    @Test("a batch equals one user at a time, for any block size and thread count", arguments: [1, 3, 64])
    func batchEqualsSingle(blockSize: Int) throws {
        let model = FixedModel<Double>.random(users: 41, items: 29, factors: 4, biases: true, seed: 11)
        let training = try randomTraining(for: model, perUser: 3, seed: 12)
        let ranker = try Ranker(model: model, training: training)
        let users = model.userIDs.ids.reversed() + [5]
        try withThreadCountLocked {
            Parallel.threadCount = 2
            let batch = try ranker.recommend(users: Array(users), count: 6, blockSize: blockSize)
            Parallel.threadCount = 1
            let single = try users.map { try ranker.recommend(user: $0, count: 6) }
            #expect(batch == single)
        }
    }

    @Test("1 and 2 threads give identical lists and scores", arguments: [false, true])
    func threadCountIndependent(double: Bool) throws {
        if double { try checkThreads(Double.self) } else { try checkThreads(Float.self) }
    }

    private func checkThreads<S: BLASScalar>(_: S.Type) throws {
        let users = 300, items = 3_000
        let model = FixedModel<S>.gaussian(users: users, items: items, factors: 32, seed: 41)
        let ranker = try Ranker(model: model, training: try randomTraining(for: model, perUser: 25, seed: 42))
        var results: [[[RankedItem<Int>]]] = []
        withThreadCountLocked {
            for threads in [1, 2] {
                Parallel.threadCount = threads
                results.append(ranker.recommend(userIndices: Array(0..<users), count: 10))
                results.append(ranker.recommend(userIndices: Array(0..<users), count: 10,
                                                tiling: .init(rows: 64, columns: 512)))
            }
            // Threaded products agree at one thread; with more, OpenBLAS's partition of the
            // product may change the last bit of a score (see `_TopKTiling.threadedProducts`).
            Parallel.threadCount = 1
            results.append(ranker.recommend(userIndices: Array(0..<users), count: 10,
                                            tiling: .init(rows: 128, columns: 1024, threadedProducts: true)))
        }
        // At one thread the tilings differ only in the shapes of the products, which on
        // some processors' kernels round a score's last bit differently.
        let tolerance = S.self == Float.self ? 1e-5 : 1e-12
        for result in results.dropFirst() {
            #expect(zip(result, results[0]).allSatisfy { sameRanking($0, $1, tolerance: tolerance) })
        }
    }
}

/// Whether two top-K lists agree up to rounding: the same length, scores within `tolerance`
/// (relative) place by place, and the same ids except where scores tie within `tolerance`
/// — an id may then sit at another place of its tie, or fall off the end of the list.
func sameRanking(_ got: [RankedItem<Int>], _ expected: [RankedItem<Int>], tolerance: Double) -> Bool {
    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= tolerance * max(1, abs(b)) }
    guard got.count == expected.count, zip(got, expected).allSatisfy({ close($0.score, $1.score) }) else { return false }
    return zip(got, expected).allSatisfy { mine, theirs in
        mine.id == theirs.id
            || expected.contains { $0.id == mine.id && close($0.score, mine.score) }
            || close(mine.score, expected[expected.count - 1].score)
    }
}

/// Training where user j (in id order) has j % 5 items, plus one user with none: covers
/// exclusion lists of every length, including empty.
private func unevenTraining<S>(for model: FixedModel<S>, seed: UInt64) throws -> Interactions<Int, Int> {
    var generator = SplitMix64(seed: seed)
    var records: [Interactions<Int, Int>.Record] = []
    for user in model.userIDs.ids.sorted() {
        for item in model.itemIDs.ids.shuffled(using: &generator).prefix(user % 5) {
            records.append(.init(user: user, item: item, value: 1))
        }
    }
    return try Interactions(records, userIDs: model.userIDs, itemIDs: model.itemIDs)
}

private func trainedItems(_ training: Interactions<Int, Int>, _ user: Int) -> Set<Int> {
    Set(training.items(ofUser: training.userIDs.index(of: user)!).map { training.itemIDs.id(at: Int($0)) })
}
