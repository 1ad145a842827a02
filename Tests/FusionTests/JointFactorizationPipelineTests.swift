import Factorization
@testable import Fusion
import FusionRecTestSupport
import LinearAlgebra
import Persistence
import Ranking
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A seeded catalogue with planted structure in raw attributes: each item has a genre
/// and a year, each user a country and a stated interest (a genre named in free text);
/// users interact with items of the genre they state, so both attribute tables predict
/// the interactions. Users and items beyond `warm` have no interactions.
private struct PlantedAttributes {
    static let genres = ["Comedy", "Drama", "Horror", "Western"]
    let interactions: Interactions<String, String>
    let items: AttributeTable<String>
    let users: AttributeTable<String>
    let warmItems: Int, warmUsers: Int
    /// What each cold user really interacts with: every item of their genre.
    let coldUserTruth: [String: Set<String>]

    init(users m: Int = 120, items n: Int = 160, coldUsers: Int = 30, coldItems: Int = 40, seed: UInt64 = 3) throws {
        var generator = SplitMix64(seed: seed)
        let genreOfItem = (0..<n).map { _ in Int(generator.next(upperBound: UInt64(Self.genres.count))) }
        let genreOfUser = (0..<m).map { _ in Int(generator.next(upperBound: UInt64(Self.genres.count))) }
        warmItems = n - coldItems
        warmUsers = m - coldUsers
        var itemRows: [[String]] = []
        for i in 0..<n {
            let year = 1960 + 10 * genreOfItem[i] + Int(generator.next(upperBound: UInt64(10)))
            itemRows.append(["i\(i)", Self.genres[genreOfItem[i]], "\(year)"])
        }
        items = try AttributeTable(columnNames: ["itemId", "genres", "year"], rows: itemRows)
        users = try AttributeTable(columnNames: ["userId", "country", "interests"], rows: (0..<m).map { u in
            ["u\(u)", ["fr", "de", "us"][u % 3], "I mostly watch \(Self.genres[genreOfUser[u]].lowercased()) films"]
        })
        var records: [Interactions<String, String>.Record] = []
        for u in 0..<warmUsers {
            for i in 0..<warmItems where genreOfItem[i] == genreOfUser[u] && generator.next(upperBound: UInt64(3)) != 0 {
                records.append(.init(user: "u\(u)", item: "i\(i)", value: 1))
            }
            // A little noise: one item of another genre.
            records.append(.init(user: "u\(u)", item: "i\(Int(generator.next(upperBound: UInt64(warmItems))))", value: 1))
        }
        interactions = try Interactions(records, duplicates: .last)
        var truth: [String: Set<String>] = [:]
        for u in warmUsers..<m {
            truth["u\(u)"] = Set((0..<warmItems).filter { genreOfItem[$0] == genreOfUser[u] }.map { "i\($0)" })
        }
        coldUserTruth = truth
    }

    func table(_ table: AttributeTable<String>, rows: Range<Int>) throws -> AttributeTable<String> {
        try AttributeTable(columnNames: table.columnNames, rows: Array(table.values[rows]), idColumn: table.idColumn)
    }
}

@Suite("Joint factorization through feature pipelines", .serialized)
struct JointFactorizationPipelineTests {
    private static let data = try! PlantedAttributes()
    static let itemPipeline = FeaturePipeline([
        .categorical("genres"), .numeric("year", .buckets(width: 10)), .cross("genres", "year", bucketWidth: 10, weight: 0.3),
    ])
    static let userPipeline = FeaturePipeline([.categorical("country"), .text("interests", encoder: .hashing(dimension: 64))])

    static func fit() async throws -> JointFactorizationModel<Double, String, String> {
        let data = Self.data
        return try await JointFactorization(.init(factorCount: 8, iterationCount: 10, userModel: .offset))
            .fit(data.interactions,
                 users: Attributes(try data.table(data.users, rows: 0..<data.warmUsers), pipeline: userPipeline),
                 items: Attributes(try data.table(data.items, rows: 0..<data.warmItems), pipeline: itemPipeline),
                 as: Double.self)
    }

    @Test("Save → load → place: a loaded model places unseen items exactly as the model in memory does")
    func saveLoadPlace() async throws {
        let model = try await Self.fit()
        #expect(model.itemPipeline != nil && model.userPipeline != nil)
        let path = "/tmp/fusionrec-pipeline-\(getpid()).frm"
        defer { unlink(path) }
        try model.write(toFile: path)
        let loaded = try JointFactorizationModel<Double, String, String>(contentsOfFile: path)
        #expect(loaded.itemPipeline?.encoderIdentifiers == model.itemPipeline?.encoderIdentifiers)
        // The whole table: known items keep their factors, the 40 unseen ones are placed.
        let inMemory = try await model.placingItems(Self.data.items)
        let reloaded = try await loaded.placingItems(Self.data.items)
        #expect(inMemory.itemIDs.count == Self.data.items.count && reloaded.itemIDs == inMemory.itemIDs)
        #expect(reloaded.itemFactors == inMemory.itemFactors)
        let training = Self.data.interactions
        let cold = Array(Self.data.items.ids[Self.data.warmItems...])
        let a = try Ranker(model: inMemory, training: training), b = try Ranker(model: reloaded, training: training)
        for user in training.userIDs.ids.prefix(20) {
            let filter = RankingFilter(candidates: Set(cold))
            #expect(try a.recommend(user: user, count: 10, filter: filter) == b.recommend(user: user, count: 10, filter: filter))
        }
        // A model saved without pipelines is still format 1.0; with them, 1.1.
        let bytes = model.modelFileBytes()
        #expect(bytes[10] == 1 && bytes[11] == 0)
        let plain = try JointFactorization(.init(factorCount: 4, iterationCount: 2)).fit(training, as: Double.self)
        #expect(plain.modelFileBytes()[10] == 0)
    }

    @Test("Cold users placed from a sign-up form (country, stated interests) beat popularity")
    func coldUsers() async throws {
        let data = Self.data
        let model = try await Self.fit()
        let coldTable = try data.table(data.users, rows: data.warmUsers..<data.users.count)
        let placed = try await model.placingUsers(coldTable)
        let ranker = try Ranker(model: placed, training: data.interactions)
        // Popularity ranks every user alike; the cold users join its user list.
        let counts = Popularity<Double, String, String>(fitting: data.interactions)
        var users = counts.userIDs
        for user in data.coldUserTruth.keys.sorted() { users.append(user) }
        let popularity = try Ranker(
            model: try Popularity(userIDs: users, itemIDs: counts.itemIDs, itemCounts: counts.itemFactors),
            training: data.interactions)
        func hits(_ ranker: Ranker<Double, String, String>) throws -> Double {
            var total = 0.0
            for (user, truth) in data.coldUserTruth {
                total += Double(try ranker.recommend(user: user, count: 10).filter { truth.contains($0.id) }.count) / 10
            }
            return total / Double(data.coldUserTruth.count)
        }
        let fused = try hits(ranker)
        let baseline = try hits(popularity)
        #expect(fused > 0.6, "precision@10 of cold users from their attributes: \(fused) (chance: 0.25)")
        #expect(fused > baseline + 0.3, "fused \(fused) against popularity \(baseline)")
    }

    @Test("Placing without a pipeline, or with a table that lacks a column, is an error naming it")
    func errors() async throws {
        let plain = try JointFactorization(.init(factorCount: 4, iterationCount: 2)).fit(Self.data.interactions, as: Double.self)
        await #expect(throws: FusionError.self) { try await plain.placingItems(Self.data.items) }
        let model = try await Self.fit()
        let noYear = try AttributeTable<String>(columnNames: ["itemId", "genres"], rows: [["new", "Comedy"]])
        await #expect(throws: FusionError.invalidColumn(table: "(rows)", column: "year", reason: "the table has no such column (columns: itemId, genres)")) {
            try await model.placingItems(noYear)
        }
        // A row with none of the pipeline's cells is not placeable, and is left out.
        let empty = try AttributeTable<String>(columnNames: ["itemId", "genres", "year"], rows: [["blank", "", ""]])
        #expect(try model.placeableItems(in: empty).isEmpty)
        #expect(try await model.placingItems(empty).itemIDs == model.itemIDs)
    }
}
