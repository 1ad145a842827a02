import Factorization
import FusionRecTestSupport
import LinearAlgebra
import Ranking
@testable import Serving
import Testing

@Suite("Batched top-K reads")
struct RecommendationBatcherTests {
    /// 120 users × 700 items × 16 random factors in chunks of 48 rows (the last one short),
    /// with 15 random training items per user.
    static func randomLive() throws -> LiveModel<Float, Int, Int> {
        var generator = SplitMix64(seed: 11)
        let model = MatrixFactorizationModel<Float, Int, Int>(
            userIDs: IDMap(0..<120), itemIDs: IDMap(0..<700),
            userFactors: .randomNormal(rowCount: 120, columnCount: 16, using: &generator),
            itemFactors: .randomNormal(rowCount: 700, columnCount: 16, using: &generator),
            predictsValues: false, foldInRule: .implicit(alpha: 40, regularization: 0.05, binaryValues: true))
        var records: [Interactions<Int, Int>.Record] = []
        for user in 0..<120 {
            for _ in 0..<15 { records.append(.init(user: user, item: Int(generator.next(upperBound: UInt64(700))), value: 1)) }
        }
        return try LiveModel(model: model, training: try Interactions(records), configuration: .init(rowsPerChunk: 48))
    }

    /// 75 queries (three scans of up to 32), with every kind of filter and two that fail.
    static func queries() -> [RecommendationQuery<Int, Int>] {
        var generator = SplitMix64(seed: 12)
        return (0..<75).map { q in
            let user = Int(generator.next(upperBound: UInt64(120)))
            let count = [10, 1, 0, 25, 700][q % 5]
            switch q % 6 {
            case 1: return RecommendationQuery(user: user, count: count,
                                               filter: RankingFilter(excluded: Set((0..<40).map { _ in Int(generator.next(upperBound: UInt64(710))) })))
            case 2: return RecommendationQuery(user: user, count: count, filter: RankingFilter(excludesTrainingItems: false))
            case 3: return RecommendationQuery(user: user, count: count,
                                               filter: RankingFilter(candidates: Set((0..<60).map { _ in Int(generator.next(upperBound: UInt64(710))) })))
            case 4 where q % 4 == 0: return RecommendationQuery(user: 9999, count: count)
            case 5 where q % 4 == 1: return RecommendationQuery(user: user, count: -1)
            default: return RecommendationQuery(user: user, count: count)
            }
        }
    }

    /// The same items in the same order, and scores equal up to the last bit of a `Float`
    /// (a single read multiplies through `gemv`, a batch through the panel kernel).
    static func same(_ a: [RankedItem<Int>], _ b: [RankedItem<Int>]) -> Bool {
        a.map(\.id) == b.map(\.id) && zip(a, b).allSatisfy { abs($0.score - $1.score) <= 1e-5 * max(1, abs($0.score)) }
    }

    @Test("A batch answers each query as a single read does (scores up to the last bit)")
    func batchEqualsSingle() throws {
        let snapshot = try Self.randomLive().snapshot
        let queries = Self.queries()
        let answers = snapshot.recommend(queries)
        #expect(answers.count == queries.count)
        var failures = 0
        for (query, answer) in zip(queries, answers) {
            switch answer {
            case .success(let items):
                let single = try snapshot.recommend(user: query.user, count: query.count, filter: query.filter)
                #expect(Self.same(items, single), "user \(query.user), count \(query.count)")
                #expect(items.count <= query.count)
            case .failure:
                failures += 1
                #expect(throws: ServingError.self) { try snapshot.recommend(user: query.user, count: query.count) }
            }
        }
        #expect(failures == 12)
    }

    @Test("Scores from a batched product rank as a full sort of exact dot products does")
    func batchEqualsFullSort() throws {
        let live = try Self.randomLive()
        let snapshot = live.snapshot
        let users = Array(0..<40)
        let answers = snapshot.recommend(users.map { RecommendationQuery(user: $0, count: 10) })
        for (user, answer) in zip(users, answers) {
            let seen = Set(try snapshot.history(ofUser: user).map(\.item))
            let u = try snapshot.factors(ofUser: user)
            let exact = try (0..<700).filter { !seen.contains($0) }.map { item in
                (item, zip(u, try snapshot.factors(ofItem: item)).reduce(0.0) { $0 + Double($1.0) * Double($1.1) })
            }
            let best = exact.sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }.prefix(10)
            let items = try answer.get()
            #expect(items.map(\.id) == best.map(\.0))
            for (a, b) in zip(items, best) { #expect(abs(a.score - b.1) < 1e-4) }
        }
    }

    @Test("Concurrent requests through the batcher get a single read's answers", arguments: [1, 2])
    func concurrent(scans: Int) async throws {
        let live = try Self.randomLive()
        let batcher = RecommendationBatcher(live: live, maximumBatchSize: 8, maximumConcurrentScans: scans)
        let snapshot = live.snapshot
        let queries = Self.queries()
        let answers = await withTaskGroup(of: [(Int, Result<RecommendationBatcher<Float, Int, Int>.Answer, ServingError>)].self) { group in
            // 16 tasks, so that more than the 8 requests that start a second scan can wait.
            for task in 0..<16 {
                group.addTask {
                    var results: [(Int, Result<RecommendationBatcher<Float, Int, Int>.Answer, ServingError>)] = []
                    for q in stride(from: task, to: queries.count, by: 16) {
                        do throws(ServingError) {
                            results.append((q, .success(try await batcher.recommend(queries[q]))))
                        } catch {
                            results.append((q, .failure(error)))
                        }
                    }
                    return results
                }
            }
            var all: [(Int, Result<RecommendationBatcher<Float, Int, Int>.Answer, ServingError>)] = []
            for await results in group { all += results }
            return all
        }
        #expect(answers.count == queries.count)
        for (q, answer) in answers {
            let query = queries[q]
            switch answer {
            case .success(let answer):
                #expect(answer.version == 0)
                #expect(Self.same(answer.items, try snapshot.recommend(user: query.user, count: query.count, filter: query.filter)))
            case .failure:
                #expect(throws: ServingError.self) { try snapshot.recommend(user: query.user, count: query.count) }
            }
        }
    }

    @Test("A request sees the writes that completed before it")
    func readsOwnWrites() async throws {
        let live = try Self.randomLive()
        let batcher = RecommendationBatcher(live: live)
        let before = try await batcher.recommend(RecommendationQuery(user: 3, count: 5))
        let best = before.items[0].id
        let version = try live.record([(user: 3, item: best, value: 1)])
        let after = try await batcher.recommend(RecommendationQuery(user: 3, count: 5))
        #expect(after.version == version)
        #expect(!after.items.contains { $0.id == best })
    }
}
