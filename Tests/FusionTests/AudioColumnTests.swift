import Factorization
import FeatureEncoding
@testable import Fusion
import LinearAlgebra
import Persistence
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A fresh folder of small files under `sounds/`: three distinct clips starting `RIFF`, a
/// corrupt one, and a PNG signature for the image column beside the audio one.
private struct SoundFolder {
    static let files: [String: [UInt8]] = [
        "low.wav": Array("RIFF low tone, four bytes of data".utf8),
        "high.wav": Array("RIFF high tone, a longer clip of data".utf8),
        "drums.wav": Array("RIFF drums".utf8),
        "broken.wav": Array("not a wave file".utf8),
        "cover.png": [0x89, 0x50, 0x4E, 0x47, 1, 2, 3, 4],
    ]
    let path: String

    init() throws {
        var template = Array("/tmp/fusionrec-sounds-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        mkdir(path + "/sounds", 0o755)
        for (name, bytes) in Self.files { try _writeWholeFileAtomically(path + "/sounds/" + name, bytes) }
    }

    /// Writes a table file (`id,clip,cover,genre`) in the folder and reads it back.
    func table(_ name: String, _ rows: [[String]]) throws -> AttributeTable<String> {
        let file = path + "/" + name
        try AttributeTable<String>.writeCSV(columnNames: ["id", "clip", "cover", "genre"], rows: rows, path: file)
        return try AttributeTable<String>(csvPath: file)
    }

    func remove() { _ = system("rm -rf '\(path)'") }
}

@Suite("Audio columns")
struct AudioColumnTests {
    static let pipeline = FeaturePipeline([
        .audio("clip", encoder: "wav-stats"), .image("cover", encoder: "stats"), .categorical("genre", weight: 0.3),
    ])

    static func options(_ calls: CallLog, version: Int = 1, strict: Bool = false, cache: DiskEncodingCache? = nil)
        -> MediaColumnOptions
    {
        MediaColumnOptions(
            images: ["stats": ByteStatisticsEncoder(calls: calls)],
            audio: ["wav-stats": ByteStatisticsEncoder.wav(calls: calls, version: version)], strict: strict,
            diskCache: cache)
    }

    @Test("Audio paths are encoded beside an image column; empty cells, missing and corrupt files are absent rows, counted as audio")
    func absentRows() async throws {
        let folder = try SoundFolder()
        defer { folder.remove() }
        let table = try folder.table("items.csv", [
            ["a", "sounds/low.wav", "sounds/cover.png", "x"],
            ["b", folder.path + "/sounds/high.wav", "", "y"],
            ["c", "", "sounds/cover.png", "x"],
            ["d", "sounds/nowhere.wav", "", "y"],
            ["e", "sounds/broken.wav", "", "x"],
            ["f", "sounds/low.wav", "", "y"],
        ])
        let media = Self.options(CallLog())
        let fitted = try Self.pipeline.fitted(on: table, media: media)
        #expect(fitted.encoderIdentifiers["clip"] == "byte-statistics-v1")
        let columns = try await fitted.encodedColumns(of: table, encoders: [:], media: media, cache: nil)
        #expect(columns[0].presence == [true, true, false, false, false, true])
        #expect(columns[1].presence == [true, false, true, false, false, false])
        let clips = columns[0].features.dense()
        #expect(clips.row(0) == ByteStatisticsEncoder.vector(of: SoundFolder.files["low.wav"]!, version: 1))
        #expect(clips.row(1) == ByteStatisticsEncoder.vector(of: SoundFolder.files["high.wav"]!, version: 1))
        #expect(clips.row(5) == clips.row(0) && clips.row(4) == [0, 0, 0, 0])
        let counts = await media.report.blocks["clip"]
        #expect(counts?.missing == 1 && counts?.undecodable == 1 && counts?.encoded == 2 && counts?.cached == 0)
        #expect(await media.report.kinds == ["clip": .audio, "cover": .image])
        #expect(await media.report.absentCount == 2)
    }

    @Test("Strict mode: a corrupt clip is unreadableAudio naming the block and the file")
    func strict() async throws {
        let folder = try SoundFolder()
        defer { folder.remove() }
        let table = try folder.table("items.csv", [["a", "sounds/low.wav", "", "x"], ["e", "sounds/broken.wav", "", "y"]])
        let media = Self.options(CallLog(), strict: true)
        let fitted = try Self.pipeline.fitted(on: table, media: media)
        await #expect {
            _ = try await fitted.encodedColumns(of: table, encoders: [:], media: media, cache: nil)
        } throws: { error in
            guard case let .unreadableAudio(block, file, reason) = error as? FusionError else { return false }
            return block == "clip" && file == folder.path + "/sounds/broken.wav" && reason.contains("RIFF")
        }
        #expect(FusionError.unreadableAudio(block: "clip", file: "f.wav", reason: "r").description
                == "block 'clip': cannot encode audio f.wav: r")
    }

    @Test("The disk cache serves audio too: a second fit encodes nothing")
    func diskCache() async throws {
        let folder = try SoundFolder()
        defer { folder.remove() }
        let table = try folder.table("items.csv", [
            ["a", "sounds/low.wav", "", "x"], ["b", "sounds/high.wav", "", "y"], ["c", "sounds/drums.wav", "", "x"],
        ])
        let cache = DiskEncodingCache(directory: folder.path + "/cache")
        let first = CallLog()
        let media = Self.options(first, cache: cache)
        let fitted = try Self.pipeline.fitted(on: table, media: media)
        let encoded = try await fitted.encodedColumns(of: table, encoders: [:], media: media, cache: nil)
        #expect(await first.paths.count == 3)
        let second = CallLog()
        let again = Self.options(second, cache: cache)
        let reused = try await fitted.encodedColumns(of: table, encoders: [:], media: again, cache: nil)
        #expect(await second.paths.isEmpty)
        #expect(await again.report.blocks["clip"]?.cached == 3)
        #expect(reused[0].features.dense() == encoded[0].features.dense())
    }

    @Test("Save → load → place with an audio column: the kind survives the model file; another encoder or none is refused")
    func saveLoadPlace() async throws {
        let folder = try SoundFolder()
        defer { folder.remove() }
        let clips = ["low.wav", "high.wav", "drums.wav", "high.wav"]
        let items = try folder.table("items.csv", (0..<16).map {
            ["i\($0)", "sounds/" + clips[$0 % 4], $0 % 2 == 0 ? "sounds/cover.png" : "", $0 % 4 < 2 ? "x" : "y"]
        })
        var records: [Interactions<String, String>.Record] = []
        for user in 0..<12 {
            for item in 0..<16 where (item % 4 < 2) == (user < 6) && (item + user) % 3 != 0 {
                records.append(.init(user: "u\(user)", item: "i\(item)", value: 1))
            }
        }
        let calls = CallLog()
        let model = try await JointFactorization(.init(factorCount: 4, iterationCount: 5)).fit(
            try Interactions(records), items: Attributes(items, pipeline: Self.pipeline), media: Self.options(calls),
            as: Double.self)
        let path = folder.path + "/model.frm"
        try model.write(toFile: path)
        let loaded = try JointFactorizationModel<Double, String, String>(contentsOfFile: path)
        #expect(loaded.itemPipeline?.specification == model.itemPipeline?.specification)
        #expect(loaded.itemPipeline?.specification.blocks[0].source == .audio(column: "clip", encoder: "wav-stats"))
        #expect(loaded.itemPipeline?.specification.blocks[1].source == .image(column: "cover", encoder: "stats"))

        let newItems = try folder.table("new.csv", [["n1", "sounds/low.wav", "", ""], ["n2", "sounds/drums.wav", "", ""]])
        let placing = Self.options(calls)
        let inMemory = try await model.itemFactors(placing: newItems, media: placing)
        let reloaded = try await loaded.itemFactors(placing: newItems, media: placing)
        #expect(inMemory.ids == ["n1", "n2"] && reloaded.factors == inMemory.factors)
        #expect(inMemory.factors.row(0) != inMemory.factors.row(1))

        await #expect(throws: FusionError.encoderMismatch(
            block: "clip", expected: "byte-statistics-v1", found: "byte-statistics-v2")) {
            _ = try await loaded.placingItems(newItems, media: Self.options(calls, version: 2))
        }
        // The image encoder is supplied, the audio one is not: the audio block is named.
        await #expect(throws: FusionError.missingEncoder(block: "clip", name: "wav-stats")) {
            _ = try await loaded.placingItems(newItems, media: MediaColumnOptions(
                images: ["stats": ByteStatisticsEncoder(calls: calls)]))
        }
    }
}
