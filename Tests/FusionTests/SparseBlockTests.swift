import Factorization
import FeatureEncoding
@testable import Fusion
import FusionRecTestSupport
import LinearAlgebra
import Persistence
import Ranking
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Planted data whose item side information is sparse: each item has `perItem` non-zero
/// features of `e`, its planted factors are a linear map of them, and users interact with
/// the warm items they score highest.
private struct PlantedSparseData {
    let interactions: Interactions<Int, Int>
    let sparse: SparseMatrix<Double>
    let coldItems: [Int]

    init(users m: Int = 200, items n: Int = 300, features e: Int = 60, perItem: Int, k: Int = 6, seed: UInt64 = 7) throws {
        var generator = SplitMix64(seed: seed)
        var rows: [Int] = [], columns: [Int] = [], values: [Double] = []
        for item in 0..<n {
            var chosen = Set<Int>()
            while chosen.count < perItem { chosen.insert(Int(generator.next(upperBound: UInt64(e)))) }
            for column in chosen.sorted() {
                rows.append(item)
                columns.append(column)
                values.append(Double.random(in: 0.5...2, using: &generator))
            }
        }
        sparse = try SparseMatrix(rowCount: n, columnCount: e, rows: rows, columns: columns, values: values)
        let map = Matrix<Double>.randomNormal(rowCount: e, columnCount: k, using: &generator)
        let items = sparse.multiplied(by: map)
        let users = Matrix<Double>.randomNormal(rowCount: m, columnCount: k, using: &generator)
        let scores = users.multiplied(by: items, transposingOther: true)
        let warm = n - 50
        var records: [Interactions<Int, Int>.Record] = []
        for u in 0..<m {
            for i in (0..<warm).sorted(by: { scores[u, $0] > scores[u, $1] }).prefix(25) {
                records.append(.init(user: u, item: i, value: 1 + Double(i % 3)))
            }
        }
        interactions = try Interactions(records)
        coldItems = Array(warm..<n)
    }
}

@Suite("Sparse side information", .serialized)
struct SparseBlockTests {
    static let titles = [
        "Toy Story", "Heat", "Alien", "Toy Story 2", "The Good, the Bad and the Ugly", "Amélie", "", "Heat heat HEAT",
    ]

    @Test("The sparse encoders' rows are their dense rows")
    func encodersAgree() async throws {
        let hashing = try HashingTextEncoder(fittingOn: Self.titles, dimension: 32, wordNGrams: 1...2, characterNGrams: 2...4)
        let sparseText = try await hashing.encodeSparse(Self.titles)
        let denseText = try await hashing.encode(Self.titles)
        #expect(sparseText.nonZeroCount < 32 * Self.titles.count)
        #expect(PlantedData.maximumDifference(sparseText.dense(), denseText) <= 1e-6)
        #expect(sparseText.dense().rowNorms().enumerated().allSatisfy { row, norm in
            Self.titles[row].isEmpty ? norm == 0 : abs(norm - 1) < 1e-5
        })
        let genres = CategoricalEncoder(fittingOn: ["Comedy|Drama", "Horror", "Drama | Western"])
        let inputs = ["Drama|Comedy|Drama", "", "Western|Unknown", "Horror"]
        let sparseGenres = try await genres.encodeSparse(inputs)
        #expect(sparseGenres.dense() == (try await genres.encode(inputs)))
        #expect(sparseGenres.nonZeroCount == 4)
        // Decades from 1970 (four buckets, clamped at both ends); standardised values leave
        // the mean (1989) without an entry.
        let decades = try NumericEncoder(fittingOn: [1990, 2005, 1971, 1990], representation: .buckets(width: 10))
        let buckets = try await decades.encodeSparse([1990, 2024, 1900, 1989.5])
        #expect(buckets.columnIndices == [2, 3, 0, 1] && buckets.values == [1, 1, 1, 1] && buckets.rowOffsets == [0, 1, 2, 3, 4])
        let standardized = try NumericEncoder(fittingOn: [1990, 2005, 1971, 1990], representation: .standardized)
        let z = try await standardized.encodeSparse([1989, 2005])
        #expect(z.rowOffsets == [0, 0, 1] && abs(Double(z.values[0]) - 16 / standardized.scale) < 1e-6)
    }

    @Test("A sparse block holds the dense block's preprocessed rows, mask and normalisation", arguments: [
        BlockPreprocessing.none, .init(normalizeRows: true), .init(scaleColumns: true, normalizeRows: true),
    ])
    func blockMatchesDense(_ preprocessing: BlockPreprocessing) throws {
        let data = try PlantedSparseData(perItem: 3)
        let ids = Array(0..<data.sparse.rowCount)
        let presence = ids.map { $0 % 7 != 0 }
        let sparse = try SideInformationBlock(name: "tags", ids: ids, features: data.sparse, presence: presence,
                                              preprocessing: preprocessing)
        let dense = try SideInformationBlock(name: "tags", ids: ids, features: data.sparse.dense(), presence: presence,
                                             preprocessing: preprocessing)
        #expect(sparse.isSparse && !dense.isSparse)
        #expect(sparse.dimension == dense.dimension)
        #expect(sparse.normalization == dense.normalization)
        #expect(PlantedData.maximumDifference(sparse.features, dense.features) <= 1e-15)
        // Absent rows hold no entries at all.
        guard case .sparse(let rows) = sparse.storage else { Issue.record("not sparse"); return }
        #expect(ids.filter { !presence[$0] }.allSatisfy { rows.nonZeroCount(inRow: $0) == 0 })
        // New rows preprocess alike too.
        let newRows = try SparseMatrix<Double>(rowCount: 2, columnCount: data.sparse.columnCount, rows: [0, 1, 1],
                                               columns: [3, 0, 59], values: [2, -1, 4])
        #expect(PlantedData.maximumDifference(try sparse.preprocessed(newRows).dense(),
                                              try dense.preprocessed(newRows.dense())) <= 1e-15)
    }

    @Test("Fitting on a sparse block gives the dense block's factors, cold-start factors and rankings",
          arguments: [(SideInformationModel.offset, 3), (.offset, 20), (.collective, 3), (.collective, 20)])
    func fitMatchesDense(_ sideModel: SideInformationModel, perItem: Int) throws {
        // 3 of 60 features per item is stored sparsely by the fit, 20 of 60 densely: both ways.
        let data = try PlantedSparseData(perItem: perItem)
        let ids = Array(0..<data.sparse.rowCount)
        let sparse = try SideInformationBlock(name: "tags", ids: ids, features: data.sparse, preprocessing: .init(normalizeRows: true))
        let dense = try SideInformationBlock(name: "tags", ids: ids, features: data.sparse.dense(),
                                             preprocessing: .init(normalizeRows: true))
        let trainer = JointFactorization(.init(
            feedback: .implicit(.init(solver: .cholesky)), factorCount: 6, iterationCount: 8, itemModel: sideModel))
        let fromSparse = try trainer.fit(data.interactions, itemBlocks: [sparse], as: Double.self)
        let fromDense = try trainer.fit(data.interactions, itemBlocks: [dense], as: Double.self)
        #expect(PlantedData.maximumDifference(fromSparse.itemFactors, fromDense.itemFactors) < 1e-8)
        #expect(PlantedData.maximumDifference(fromSparse.userFactors, fromDense.userFactors) < 1e-8)
        let coldSparse = try fromSparse.itemFactors(for: data.coldItems, from: [sparse])
        let coldDense = try fromDense.itemFactors(for: data.coldItems, from: [dense])
        #expect(PlantedData.maximumDifference(coldSparse, coldDense) < 1e-8)
        // Placing from a sparse block into the dense block's model is the same call.
        #expect(PlantedData.maximumDifference(try fromDense.itemFactors(for: data.coldItems, from: [sparse]), coldDense) < 1e-12)
        let placedSparse = try fromSparse.placingItems(data.coldItems, from: [sparse])
        let placedDense = try fromDense.placingItems(data.coldItems, from: [dense])
        let training = data.interactions
        let users = (0..<20).map { placedSparse.userIDs.id(at: $0) }
        let sparseLists = try Ranker(model: placedSparse, training: training).recommend(users: users, count: 10)
        let denseLists = try Ranker(model: placedDense, training: training).recommend(users: users, count: 10)
        #expect(sparseLists.map { $0.map(\.id) } == denseLists.map { $0.map(\.id) })
    }

    @Test("Bad sparse input is an error naming the block: shapes, centring, column counts, encoder batches")
    func badInput() async throws {
        let rows = try SparseMatrix<Double>(rowCount: 3, columnCount: 4, rows: [0, 2], columns: [1, 3], values: [1, 2])
        #expect(throws: FusionError.blockShape(block: "tags", reason: "3 feature rows for 2 ids")) {
            try SideInformationBlock(name: "tags", ids: [1, 2], features: rows)
        }
        #expect(throws: FusionError.blockShape(block: "tags", reason: "presence mask of 2 rows for 3 ids")) {
            try SideInformationBlock(name: "tags", ids: [1, 2, 3], features: rows, presence: [true, false])
        }
        #expect(throws: FusionError.invalidParameter(
            name: "preprocessing of block 'tags'", value: "centerColumns",
            reason: "centring makes a sparse block dense; build the block dense to centre it")) {
            try SideInformationBlock(name: "tags", ids: [1, 2, 3], features: rows, preprocessing: .init(centerColumns: true))
        }
        let block = try SideInformationBlock(name: "tags", ids: [1, 2, 3], features: rows)
        let wide = try SparseMatrix<Double>(rowCount: 1, columnCount: 5, rows: [0], columns: [4], values: [1])
        #expect(throws: FusionError.blockShape(block: "tags", reason: "5 feature columns, the block has 4")) {
            try block.preprocessed(wide)
        }
        let centred = try SideInformationBlock(name: "tags", ids: [1, 2, 3], features: rows.dense(),
                                               preprocessing: .init(centerColumns: true))
        #expect(throws: FusionError.self) { try centred.preprocessed(rows) }
        // A fitted model refuses a sparse block of the wrong width or an unknown name.
        let data = try PlantedSparseData(perItem: 3)
        let ids = Array(0..<data.sparse.rowCount)
        let model = try JointFactorization(.init(factorCount: 4, iterationCount: 2, itemModel: .offset))
            .fit(data.interactions, itemBlocks: [try SideInformationBlock(name: "tags", ids: ids, features: data.sparse)],
                 as: Double.self)
        let narrow = try SideInformationBlock(name: "tags", ids: [1000], features: wide)
        #expect(throws: FusionError.blockShape(block: "tags", reason: "5 features, the model's block has 60")) {
            try model.itemFactors(for: [1000], from: [narrow])
        }
        // A sparse encoder's batch of the wrong shape is refused, naming the encoder.
        await #expect(throws: FeatureEncodingError.invalidBatch(encoder: "broken", reason: "rows of dimension 5, declared 4")) {
            try await BrokenSparseEncoder().encodedSparseRows(for: ["a", "b"])
        }
        await #expect(throws: FeatureEncodingError.invalidBatchSize(0)) {
            try await BrokenSparseEncoder().encodedSparseRows(for: ["a"], batchSize: 0)
        }
    }

    @Test("Pipelines build sparse blocks for hashed text, categories, buckets and crosses, dense for standardised numbers and host encoders")
    func pipelineStorage() async throws {
        let table = try AttributeTable<String>(columnNames: ["id", "title", "genres", "year"], rows: [
            ["a", "Toy Story", "Animation|Comedy", "1995"], ["b", "Heat", "Action|Crime", "1995"],
            ["c", "Alien", "Horror|Sci-Fi", "1979"], ["d", "", "Comedy", ""],
        ])
        let pipeline = FeaturePipeline([
            .text("title", encoder: .hashing(dimension: 64)), .categorical("genres"), .numeric("year", .buckets(width: 10)),
            .cross("genres", "year", bucketWidth: 10), .numeric("year", .standardized).renamed("year-z"),
            FeaturePipeline.Block(name: "genres-centred", .categorical(column: "genres", separator: "|", ignoring: []),
                                  preprocessing: .init(centerColumns: true)),
        ])
        let fitted = try pipeline.fitted(on: table)
        let blocks: [SideInformationBlock<String, Float>] = try await fitted.blocks(for: table)
        #expect(blocks.map(\.isSparse) == [true, true, true, true, false, false])
        #expect(blocks[0].presence == [true, true, true, false])
        // The sparse blocks hold exactly what a dense encoding holds.
        let hashing = try HashingTextEncoder(fittingOn: ["Toy Story", "Heat", "Alien"], dimension: 64)
        let dense = try await hashing.encode(["Toy Story", "Heat", "Alien", ""])
        #expect(PlantedData.maximumDifference(blocks[0].features, dense) <= 1e-6)
    }

    @Test("Save → load → place: a model fitted on sparse pipeline blocks places new items as in memory and as its dense twin")
    func saveLoadPlace() async throws {
        let columns = ["id", "title", "genres"]
        let genres = ["Comedy", "Drama", "Horror", "Western"]
        var generator = SplitMix64(seed: 9)
        var rows: [[String]] = []
        var genreOf: [Int] = []
        for item in 0..<140 {
            let genre = Int(generator.next(upperBound: UInt64(4)))
            genreOf.append(genre)
            rows.append(["i\(item)", "a \(genres[genre].lowercased()) story number \(item % 13)", genres[genre]])
        }
        var records: [Interactions<String, String>.Record] = []
        for user in 0..<80 {
            for item in 0..<120 where genreOf[item] == user % 4 && generator.next(upperBound: UInt64(2)) == 0 {
                records.append(.init(user: "u\(user)", item: "i\(item)", value: 1))
            }
        }
        let interactions = try Interactions(records)
        let catalogue = try AttributeTable<String>(columnNames: columns, rows: Array(rows[0..<120]))
        let newItems = try AttributeTable<String>(columnNames: columns, rows: Array(rows[120...]))
        let pipeline = FeaturePipeline([.text("title", encoder: .hashing(dimension: 256)), .categorical("genres", weight: 0.5)])
        let trainer = JointFactorization(.init(factorCount: 6, iterationCount: 6, itemModel: .offset))
        let model: JointFactorizationModel<Double, String, String> = try await trainer.fit(
            interactions, items: Attributes(catalogue, pipeline: pipeline), as: Double.self)
        let path = "/tmp/fusionrec-sparse-\(getpid()).frm"
        defer { unlink(path) }
        try model.write(toFile: path)
        let loaded = try JointFactorizationModel<Double, String, String>(contentsOfFile: path)
        let inMemory = try await model.placingItems(newItems)
        let reloaded = try await loaded.placingItems(newItems)
        #expect(inMemory.itemFactors == reloaded.itemFactors)
        #expect(inMemory.itemIDs.count == 140)
        // The dense twin: the same blocks stored densely fit and place identically.
        let fitted = try pipeline.fitted(on: catalogue)
        let sparseBlocks: [SideInformationBlock<String, Double>] = try await fitted.blocks(for: catalogue)
        #expect(sparseBlocks.allSatisfy { $0.isSparse })
        let denseBlocks = try sparseBlocks.map { block in
            try SideInformationBlock(name: block.name, ids: catalogue.ids, features: block.features, presence: block.presence,
                                     weight: block.weight, encoderIdentifier: block.encoderIdentifier)
        }
        let twin = try trainer.fit(interactions, itemBlocks: denseBlocks, as: Double.self)
        #expect(PlantedData.maximumDifference(twin.itemFactors, model.itemFactors) < 1e-8)
        let newSparse: [SideInformationBlock<String, Double>] = try await fitted.blocks(for: newItems)
        let newIDs = newItems.ids
        let twinCold = try twin.itemFactors(for: newIDs, from: try newSparse.map { block in
            try SideInformationBlock(name: block.name, ids: newIDs, features: block.features, presence: block.presence,
                                     weight: block.weight, encoderIdentifier: block.encoderIdentifier)
        })
        let placedRows = newIDs.map { reloaded.itemIDs.index(of: $0)! }
        let placed = Matrix<Double>(rowCount: newIDs.count, columnCount: 6) { row, column in
            reloaded.itemFactors[placedRows[row], column]
        }
        // The new rows are preprocessed with the catalogue's statistics when placed, and with
        // their own in `blocks(for:)`; with row normalisation only, both are the same rows.
        #expect(PlantedData.maximumDifference(placed, twinCold) < 1e-8)
    }
}

/// A sparse encoder that breaks the contract: it declares 4 columns and returns 5.
private struct BrokenSparseEncoder: SparseFeatureEncoder {
    var dimension: Int { 4 }
    var identifier: String { "broken" }
    func encode(_ inputs: [String]) async throws -> Matrix<Float> { Matrix(rowCount: inputs.count, columnCount: 4) }
    func encodeSparse(_ inputs: [String]) async throws -> SparseMatrix<Float> {
        try SparseMatrix(rowCount: inputs.count, columnCount: 5, rows: [], columns: [], values: [])
    }
}
