import Factorization
import FeatureEncoding
@testable import Fusion
import LinearAlgebra
import Persistence
import Testing

/// A host encoder whose identifier carries a version, like a remote embedding service.
private struct VersionedEncoder: TextEncoder {
    var version: Int
    var dimension: Int { 3 }
    var identifier: String { "letters-v\(version)" }
    func encode(_ inputs: [String]) async throws -> Matrix<Float> {
        Matrix(rowCount: inputs.count, columnCount: 3) { row, column in
            Float(inputs[row].utf8.count % (column + 2)) + Float(version)
        }
    }
}

@Suite("Feature pipeline")
struct FeaturePipelineTests {
    static let columns = ["id", "title", "genres", "year", "price"]
    static let catalogue = try! AttributeTable<String>(columnNames: columns, rows: [
        ["a", "Toy Story", "Animation|Comedy", "1995", "9.5"],
        ["b", "Heat", "Action|Crime", "1995", ""],
        ["c", "Alien", "Horror|Sci-Fi", "1979", "4"],
        ["d", "", "Comedy", "2001", "12.25"],
        ["e", "Toy Story 2", "", "", "7"],
    ])
    /// Rows the fit never saw: a new word, an unknown genre, a year past the last bucket,
    /// a price far from the fitted mean.
    static let newRows = try! AttributeTable<String>(columnNames: columns, rows: [
        ["x", "Space Toy", "Comedy|Western", "2024", "100"],
        ["y", "", "", "", ""],
    ])
    static let pipeline = FeaturePipeline([
        .text("title", encoder: .hashing(dimension: 64, wordNGrams: 1...2, characterNGrams: 3...4)),
        .text("title", encoder: .provided("letters"), weight: 0.5).renamed("title-letters"),
        .categorical("genres", ignoring: ["(no genres listed)"], weight: 0.3),
        .numeric("year", .buckets(width: 10)),
        .numeric("price"),
        .cross("genres", "year", bucketWidth: 10, weight: 0.3),
    ])
    static let encoders: [String: any TextEncoder] = ["letters": VersionedEncoder(version: 1)]

    @Test("Every column kind's fitted state survives the model-file section; new rows encode identically")
    func roundTrip() async throws {
        let fitted = try Self.pipeline.fitted(on: Self.catalogue, encoders: Self.encoders)
        let restored = try FittedFeaturePipeline(modelFileSection: fitted.modelFileSection()[...], section: "item-pipeline")
        #expect(restored.specification == fitted.specification)
        #expect(restored.encoderIdentifiers == fitted.encoderIdentifiers)
        for table in [Self.catalogue, Self.newRows] {
            let original = try await fitted.encodedColumns(of: table, encoders: Self.encoders, cache: nil)
            let reread = try await restored.encodedColumns(of: table, encoders: Self.encoders, cache: nil)
            #expect(original.map(\.features) == reread.map(\.features))
            #expect(original.map(\.presence) == reread.map(\.presence))
        }
    }

    @Test("The standard pipeline: its automatic choices are fixed by the fit and saved with it")
    func standardPipeline() async throws {
        let pipeline = FeaturePipeline.standard(text: ["title"], categorical: ["genres"], numeric: ["year", "price"])
        #expect(pipeline.blocks.map(\.name) == ["title", "genres", "year", "price", "genres×year", "genres×price"])
        #expect(pipeline.blocks.map(\.weight) == [1, 0.3, 1, 1, 0.3, 0.3])
        #expect(FeaturePipeline.standard(categorical: ["genres"], numeric: ["year"], crossing: false).blocks.count == 2)
        let fitted = try pipeline.fitted(on: Self.catalogue)
        let sources = fitted.specification.blocks.map(\.source)
        // Years 1979–2001 are whole numbers: one-hot years, and crosses in 2-year buckets
        // (22 / 12 rounded up to 1, 2 or 5 × 10ⁿ); prices are not: standardised, crosses of width 1.
        #expect(sources[2] == .numeric(column: "year", representation: .buckets(width: 1)))
        #expect(sources[3] == .numeric(column: "price", representation: .standardized))
        #expect(sources[4] == .cross(categoryColumn: "genres", numericColumn: "year", bucketWidth: 2, separator: "|"))
        #expect(sources[5] == .cross(categoryColumn: "genres", numericColumn: "price", bucketWidth: 1, separator: "|"))
        #expect(fitted.blockDimensions["year"] == 23)
        let restored = try FittedFeaturePipeline(modelFileSection: fitted.modelFileSection()[...], section: "item-pipeline")
        #expect(restored.specification == fitted.specification)
        let original = try await fitted.encodedColumns(of: Self.newRows, encoders: [:], cache: nil)
        let reread = try await restored.encodedColumns(of: Self.newRows, encoders: [:], cache: nil)
        #expect(original.map(\.features) == reread.map(\.features))
        // 2024 lies past the last fitted year: it falls in the last bucket, never a new one.
        let years = try #require(original.first { $0.block.name == "year" })
        #expect(years.features.columnCount == 23 && years.features.dense()[0, 22] == 1 && years.presence == [true, false])
    }

    @Test("Coarse bucket widths: 1, 2 or 5 × 10ⁿ, at most 12 buckets, finite for any span")
    func coarseWidths() {
        #expect(NumericEncoder.coarseBucketWidth(from: 1902, to: 2016) == 10)
        #expect(abs(NumericEncoder.coarseBucketWidth(from: 0, to: 0.3) - 0.05) < 1e-15)
        #expect(NumericEncoder.coarseBucketWidth(from: 7, to: 7) == 1)
        for (low, high) in [(-1e308, 1e308), (0, 1e-300), (-5.0, 1e15)] {
            let width = NumericEncoder.coarseBucketWidth(from: low, to: high)
            #expect(width > 0 && width.isFinite && (high / width - low / width) <= 12.000001, "\(low)...\(high): \(width)")
        }
    }

    @Test("Rows the fit never saw are encoded with the fitted state, not refitted")
    func unseenRows() async throws {
        let fitted = try Self.pipeline.fitted(on: Self.catalogue, encoders: Self.encoders)
        let columns = try await fitted.encodedColumns(of: Self.newRows, encoders: Self.encoders, cache: nil)
        let byName = Dictionary(uniqueKeysWithValues: columns.map { ($0.block.name, $0) })
        // Genres: Comedy is known, Western is not; the vocabulary stays the fitted one.
        let genres = try #require(byName["genres"])
        #expect(genres.features.columnCount == 6)  // Action, Animation, Comedy, Crime, Horror, Sci-Fi
        #expect(genres.features.isSparse && genres.features.dense().row(0) == [0, 0, 1, 0, 0, 0])
        #expect(genres.presence == [true, false])
        // Year buckets of width 10 from 1970: 2024 clamps to the last (2000s) bucket.
        let year = try #require(byName["year"])
        #expect(year.features.dense().row(0) == [0, 0, 0, 1])
        // Price: standardised with the catalogue's mean 8.1875 and deviation.
        let price = try #require(byName["price"])
        let values = [9.5, 4, 12.25, 7], mean = values.reduce(0, +) / 4
        let deviation = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4).squareRoot()
        #expect(abs(Double(price.features.dense()[0, 0]) - (100 - mean) / deviation) < 1e-4)
        #expect(price.presence == [true, false])
        // The cross knows Comedy@199 and Comedy@200 only: 2024 is bucket 202, unseen, so a zero row.
        let cross = try #require(byName["genres×year"])
        #expect(cross.features.dense().row(0).allSatisfy { $0 == 0 } && cross.presence == [true, false])
        // The hashing encoder keeps the catalogue's TF-IDF weights.
        let refitted = try FeaturePipeline([Self.pipeline.blocks[0]]).fitted(on: Self.newRows)
        #expect(refitted.encoderIdentifiers["title"] != fitted.encoderIdentifiers["title"])
    }

    @Test("Blocks built through the pipeline carry the fitted encoders' identifiers and the blocks' weights")
    func blocks() async throws {
        let fitted = try Self.pipeline.fitted(on: Self.catalogue, encoders: Self.encoders)
        let blocks: [SideInformationBlock<String, Float>] = try await fitted.blocks(for: Self.catalogue, encoders: Self.encoders)
        #expect(blocks.map(\.name) == ["title", "title-letters", "genres", "year", "price", "genres×year"])
        #expect(blocks.map(\.weight) == [1, 0.5, 0.3, 1, 1, 0.3])
        #expect(blocks.map(\.encoderIdentifier) == Self.pipeline.blocks.map { fitted.encoderIdentifiers[$0.name] })
        #expect(blocks[0].presence == [true, true, true, false, true])
    }

    @Test("A host encoder is identified by its fingerprint: a different one, or none, is an error naming the block")
    func providedEncoders() async throws {
        let fitted = try Self.pipeline.fitted(on: Self.catalogue, encoders: Self.encoders)
        await #expect(throws: FusionError.encoderMismatch(block: "title-letters", expected: "letters-v1", found: "letters-v2")) {
            try await fitted.encodedColumns(of: Self.newRows, encoders: ["letters": VersionedEncoder(version: 2)], cache: nil)
        }
        await #expect(throws: FusionError.missingEncoder(block: "title-letters", name: "letters")) {
            try await fitted.encodedColumns(of: Self.newRows, encoders: [:], cache: nil)
        }
        #expect(throws: FusionError.missingEncoder(block: "title-letters", name: "letters")) {
            try Self.pipeline.fitted(on: Self.catalogue)
        }
    }

    @Test("Empty, all-missing, missing and unreadable columns are errors naming the column")
    func badColumns() throws {
        let table = try AttributeTable<String>(columnNames: ["id", "title", "genres", "year"], rows: [
            ["a", "", "", ""], ["b", "", "", "x1"],
        ])
        let empty = try AttributeTable<String>(columnNames: ["id", "title", "genres", "year"], rows: [["a", "", "", ""]])
        #expect(throws: FusionError.invalidColumn(table: "(rows)", column: "title", reason: "every cell is empty: no text to fit")) {
            try FeaturePipeline([.text("title")]).fitted(on: empty)
        }
        #expect(throws: FusionError.invalidColumn(table: "(rows)", column: "genres", reason: "holds no category to fit")) {
            try FeaturePipeline([.categorical("genres")]).fitted(on: empty)
        }
        #expect(throws: FusionError.invalidColumn(table: "(rows)", column: "year", reason: "every cell is empty: no number to fit")) {
            try FeaturePipeline([.numeric("year")]).fitted(on: empty)
        }
        #expect(throws: FusionError.invalidColumn(table: "(rows)", column: "year", reason: "id b: \"x1\" is not a finite number")) {
            try FeaturePipeline([.numeric("year")]).fitted(on: table)
        }
        #expect(throws: FusionError.invalidColumn(table: "(rows)", column: "year", reason: "id b: \"x1\" is not a finite number")) {
            try FeaturePipeline([.cross("genres", "year", bucketWidth: 10)]).fitted(on: table)
        }
        #expect(throws: FusionError.invalidColumn(table: "(rows)", column: "rating", reason: "the table has no such column (columns: id, title, genres, year)")) {
            try FeaturePipeline([.numeric("rating")]).fitted(on: table)
        }
        for text in ["0x10", "0x1p3", "nan", "inf", "1e400"] {
            let hex = try AttributeTable<String>(columnNames: ["id", "year"], rows: [["a", "1"], ["b", text]])
            #expect(throws: FusionError.invalidColumn(table: "(rows)", column: "year", reason: "id b: \"\(text)\" is not a finite number")) {
                try FeaturePipeline([.numeric("year")]).fitted(on: hex)
            }
        }
    }

    @Test("Absurd sizes and values throw before anything is allocated")
    func sizes() throws {
        let table = try AttributeTable<String>(columnNames: ["id", "title", "genres", "year"], rows: [
            ["a", "x", "A", "1e300"], ["b", "y", "B", "-1e300"],
        ])
        #expect(throws: FusionError.self) {
            try FeaturePipeline([.text("title", encoder: .hashing(dimension: 100_000_000_000))]).fitted(on: table)
        }
        #expect(throws: FusionError.invalidColumn(table: "(rows)", column: "year", reason: "id a: 1e+300 has no bucket of width 1e-300")) {
            try FeaturePipeline([.cross("genres", "year", bucketWidth: 1e-300)]).fitted(on: table)
        }
        #expect(throws: FusionError.self) { try FeaturePipeline([.numeric("year", .buckets(width: 0))]).fitted(on: table) }
        #expect(throws: FusionError.duplicateBlockName("genres")) {
            try FeaturePipeline([.categorical("genres"), .categorical("genres")]).fitted(on: table)
        }
    }

    @Test("A damaged pipeline section is refused with an error naming the section")
    func damagedSection() throws {
        let fitted = try FeaturePipeline([.categorical("genres"), .numeric("year", .buckets(width: 10))])
            .fitted(on: Self.catalogue)
        let bytes = fitted.modelFileSection()
        for cut in [0, 1, 8, bytes.count / 2, bytes.count - 1] {
            #expect(throws: ModelFileError.self) {
                try FittedFeaturePipeline(modelFileSection: bytes[0..<cut], section: "item-pipeline")
            }
        }
        var huge = bytes
        huge.replaceSubrange(0..<8, with: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
        #expect(throws: ModelFileError.self) { try FittedFeaturePipeline(modelFileSection: huge[...], section: "item-pipeline") }
    }
}

extension FeaturePipeline.Block {
    /// The block under another name.
    func renamed(_ name: String) -> Self {
        var block = self
        block.name = name
        return block
    }
}
