import Factorization
import FeatureEncoding
@testable import Fusion
import LinearAlgebra
import Persistence
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A fresh folder holding copies of four fixture images (`photos/…`), a corrupt "image"
/// and a table file whose paths are relative to it.
private struct ImageFolder {
    static let fixtures: String = {
        let file = "\(#filePath)"
        let tests = file[..<file.lastIndex(of: "/")!].dropLast("/FusionTests".count)
        return String(tests) + "/ImageEmbeddingTests/Fixtures/images"
    }()
    static let names = ["coffee.jpg", "chelsea.jpg", "rocket.jpg", "one-pixel.png"]
    let path: String

    init() throws {
        var template = Array("/tmp/fusionrec-images-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        mkdir(path + "/photos", 0o755)
        for name in Self.names {
            try _writeWholeFileAtomically(path + "/photos/" + name, try _readWholeFile(Self.fixtures + "/" + name))
        }
        try _writeWholeFileAtomically(path + "/photos/broken.jpg", Array("not an image at all".utf8))
    }

    func bytes(_ name: String) throws -> [UInt8] { try _readWholeFile(path + "/photos/" + name) }

    /// Writes a table file in the folder and reads it back.
    func table(_ name: String, _ rows: [[String]]) throws -> AttributeTable<String> {
        let file = path + "/" + name
        try AttributeTable<String>.writeCSV(columnNames: ["id", "photo", "genre"], rows: rows, path: file)
        return try AttributeTable<String>(csvPath: file)
    }

    func remove() {
        for name in Self.names + ["broken.jpg"] { unlink(path + "/photos/" + name) }
        rmdir(path + "/photos")
        _ = system("rm -rf '\(path)'")
    }
}

@Suite("Image columns")
struct ImageColumnTests {
    static let pipeline = FeaturePipeline([.image("photo", encoder: "stats"), .categorical("genre", weight: 0.3)])

    @Test("Relative and absolute paths are encoded; empty cells, missing and corrupt files are absent rows, counted")
    func absentRows() async throws {
        let folder = try ImageFolder()
        defer { folder.remove() }
        let table = try folder.table("items.csv", [
            ["a", "photos/coffee.jpg", "x"],
            ["b", folder.path + "/photos/chelsea.jpg", "y"],
            ["c", "", "x"],
            ["d", "photos/nowhere.jpg", "y"],
            ["e", "photos/broken.jpg", "x"],
            ["f", "photos/coffee.jpg", "y"],
            ["g", "photos/one-pixel.png", "x"],
        ])
        let calls = CallLog()
        let media = MediaColumnOptions(images: ["stats": ByteStatisticsEncoder(calls: calls)])
        let fitted = try Self.pipeline.fitted(on: table, media: media)
        #expect(fitted.encoderIdentifiers["photo"] == "byte-statistics-v1")
        #expect(fitted.blockDimensions["photo"] == 4)
        let columns = try await fitted.encodedColumns(of: table, encoders: [:], media: media, cache: nil)
        #expect(columns[0].presence == [true, true, false, false, false, true, true])
        let features = columns[0].features.dense()
        #expect(features.row(0) == ByteStatisticsEncoder.vector(of: try folder.bytes("coffee.jpg"), version: 1))
        #expect(features.row(1) == ByteStatisticsEncoder.vector(of: try folder.bytes("chelsea.jpg"), version: 1))
        #expect(features.row(5) == features.row(0))
        #expect(features.row(3) == [0, 0, 0, 0] && features.row(4) == [0, 0, 0, 0])
        let counts = await media.report.blocks["photo"]
        #expect(counts?.missing == 1 && counts?.undecodable == 1 && counts?.encoded == 3 && counts?.cached == 0)
        #expect(await media.report.absentCount == 2)
        // coffee.jpg is named twice but encoded once; the corrupt file was tried in its batch, then alone.
        let paths = await calls.paths
        #expect(paths.filter { $0.hasSuffix("coffee.jpg") }.count == 2)
        #expect(!paths.contains { $0.hasSuffix("nowhere.jpg") })
    }

    @Test("Strict mode: a corrupt file is an error naming the block and the file; a missing one is still absent")
    func strict() async throws {
        let folder = try ImageFolder()
        defer { folder.remove() }
        let table = try folder.table("items.csv", [
            ["a", "photos/coffee.jpg", "x"], ["d", "photos/nowhere.jpg", "y"], ["e", "photos/broken.jpg", "x"],
        ])
        let media = MediaColumnOptions(images: ["stats": ByteStatisticsEncoder(calls: CallLog())], strict: true)
        let fitted = try Self.pipeline.fitted(on: table, media: media)
        await #expect {
            _ = try await fitted.encodedColumns(of: table, encoders: [:], media: media, cache: nil)
        } throws: { error in
            guard case let .unreadableImage(block, file, reason) = error as? FusionError else { return false }
            return block == "photo" && file == folder.path + "/photos/broken.jpg" && reason.contains("signature")
        }
        let fine = try folder.table("fine.csv", [["a", "photos/coffee.jpg", "x"], ["d", "photos/nowhere.jpg", "y"]])
        let columns = try await fitted.encodedColumns(of: fine, encoders: [:], media: media, cache: nil)
        #expect(columns[0].presence == [true, false])
        #expect(await media.report.blocks["photo"]?.missing == 1)
    }

    @Test("The disk cache: a second fit encodes nothing; a corrupt entry is recomputed; another encoder misses")
    func diskCache() async throws {
        let folder = try ImageFolder()
        defer { folder.remove() }
        let table = try folder.table("items.csv", ImageFolder.names.enumerated().map { ["\($0.offset)", "photos/" + $0.element, "x"] })
        let cache = DiskEncodingCache(directory: folder.path + "/cache")
        let first = CallLog()
        let firstImages = MediaColumnOptions(images: ["stats": ByteStatisticsEncoder(calls: first)], diskCache: cache)
        let fitted = try Self.pipeline.fitted(on: table, media: firstImages)
        let encoded = try await fitted.encodedColumns(of: table, encoders: [:], media: firstImages, cache: nil)
        #expect(await first.paths.count == 4)

        let second = CallLog()
        let secondImages = MediaColumnOptions(images: ["stats": ByteStatisticsEncoder(calls: second)], diskCache: cache)
        let again = try await fitted.encodedColumns(of: table, encoders: [:], media: secondImages, cache: nil)
        #expect(await second.paths.isEmpty)
        #expect(again[0].features == encoded[0].features && again[0].presence == encoded[0].presence)
        #expect(await secondImages.report.blocks["photo"]?.cached == 4)

        let digest = DiskEncodingCache.contentDigest(of: try folder.bytes("rocket.jpg"))
        let entry = cache.path(forContent: digest, encoder: "byte-statistics-v1")
        var bytes = try _readWholeFile(entry)
        bytes[10] ^= 0x40
        try _writeWholeFileAtomically(entry, bytes)
        #expect(cache.vector(forContent: digest, encoder: "byte-statistics-v1", dimension: 4) == nil)
        let third = CallLog()
        let thirdImages = MediaColumnOptions(images: ["stats": ByteStatisticsEncoder(calls: third)], diskCache: cache)
        let repaired = try await fitted.encodedColumns(of: table, encoders: [:], media: thirdImages, cache: nil)
        #expect(await third.paths == [folder.path + "/photos/rocket.jpg"])
        #expect(repaired[0].features == encoded[0].features)
        #expect(cache.vector(forContent: digest, encoder: "byte-statistics-v1", dimension: 4) != nil)

        let other = CallLog()
        let otherImages = MediaColumnOptions(
            images: ["stats": ByteStatisticsEncoder(calls: other, version: 2)], diskCache: cache)
        _ = try await Self.pipeline.fitted(on: table, media: otherImages)
            .encodedColumns(of: table, encoders: [:], media: otherImages, cache: nil)
        #expect(await other.paths.count == 4)
    }

    @Test("SHA-256 content digests match FIPS 180-4's examples")
    func digests() {
        #expect(DiskEncodingCache.contentDigest(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(DiskEncodingCache.contentDigest(of: Array("abc".utf8))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(DiskEncodingCache.contentDigest(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test("Save → load → place with an image column: same factors; another encoder or none is refused, naming the block")
    func saveLoadPlace() async throws {
        let folder = try ImageFolder()
        defer { folder.remove() }
        // Two tastes: users 0–5 like items of coffee and rocket, users 6–11 of chelsea and one-pixel.
        let photos = ["coffee.jpg", "rocket.jpg", "chelsea.jpg", "one-pixel.png"]
        let items = try folder.table("items.csv", (0..<16).map { ["i\($0)", "photos/" + photos[$0 % 4], $0 % 4 < 2 ? "x" : "y"] })
        var records: [Interactions<String, String>.Record] = []
        for user in 0..<12 {
            for item in 0..<16 where (item % 4 < 2) == (user < 6) && (item + user) % 3 != 0 {
                records.append(.init(user: "u\(user)", item: "i\(item)", value: 1))
            }
        }
        let interactions = try Interactions(records)
        let calls = CallLog()
        let media = MediaColumnOptions(images: ["stats": ByteStatisticsEncoder(calls: calls)])
        let model = try await JointFactorization(.init(factorCount: 4, iterationCount: 5))
            .fit(interactions, items: Attributes(items, pipeline: Self.pipeline), media: media, as: Double.self)
        let path = folder.path + "/model.frm"
        try model.write(toFile: path)
        let loaded = try JointFactorizationModel<Double, String, String>(contentsOfFile: path)
        #expect(loaded.itemPipeline?.specification == model.itemPipeline?.specification)
        #expect(loaded.itemPipeline?.encoderIdentifiers["photo"] == "byte-statistics-v1")

        // New items in a table of another folder's file name, paths relative to its folder.
        let newItems = try folder.table("new.csv", [["n1", "photos/rocket.jpg", ""], ["n2", "photos/chelsea.jpg", ""]])
        let placing = MediaColumnOptions(images: ["stats": ByteStatisticsEncoder(calls: calls)])
        let inMemory = try await model.itemFactors(placing: newItems, media: placing)
        let reloaded = try await loaded.itemFactors(placing: newItems, media: placing)
        #expect(inMemory.ids == ["n1", "n2"] && reloaded.ids == inMemory.ids)
        #expect(reloaded.factors == inMemory.factors)
        #expect(await placing.report.absentCount == 0)
        #expect(inMemory.factors.row(0) != inMemory.factors.row(1))
        // A new item whose only attribute is a missing file is placed from nothing (no crash), and counted.
        let gone = try folder.table("gone.csv", [["n3", "photos/gone.jpg", ""]])
        let goneImages = MediaColumnOptions(images: ["stats": ByteStatisticsEncoder(calls: calls)])
        let ghost = try await loaded.itemFactors(placing: gone, media: goneImages)
        #expect(ghost.ids == ["n3"] && ghost.factors.row(0).allSatisfy(\.isFinite))
        #expect(await goneImages.report.blocks["photo"]?.missing == 1)

        let other = MediaColumnOptions(images: ["stats": ByteStatisticsEncoder(calls: calls, version: 2)])
        await #expect(throws: FusionError.encoderMismatch(
            block: "photo", expected: "byte-statistics-v1", found: "byte-statistics-v2")) {
            _ = try await loaded.placingItems(newItems, media: other)
        }
        await #expect(throws: FusionError.missingEncoder(block: "photo", name: "stats")) {
            _ = try await loaded.placingItems(newItems)
        }
    }
}
