import Factorization
import FeatureEncoding
@testable import Fusion
import LinearAlgebra
import Persistence
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The encoder's calls, to tell a disk-cache hit from an encoding.
private actor CallLog {
    private(set) var paths: [String] = []
    func record(_ inputs: [String]) { paths += inputs }
}

private struct NotAnImage: Error, CustomStringConvertible {
    let path: String
    var description: String { "\(path) has neither a JPEG nor a PNG signature" }
}

/// A deterministic image encoder over paths that needs no weights: it reads the file,
/// refuses bytes without a JPEG or PNG signature (as a decoder would), and returns
/// statistics of the bytes.
private struct ByteStatisticsEncoder: ImageEncoder {
    typealias Input = String
    let calls: CallLog
    var version = 1
    var dimension: Int { 4 }
    var identifier: String { "byte-statistics-v\(version)" }

    static func vector(of bytes: [UInt8], version: Int) -> [Float] {
        let mean = Float(bytes.reduce(0) { $0 + Int($1) }) / Float(bytes.count)
        return [Float(bytes.count) / 1000, mean / 255, Float(bytes[bytes.count / 2]) / 255, Float(version)]
    }

    func encode(_ inputs: [String]) async throws -> Matrix<Float> {
        await calls.record(inputs)
        var rows: [[Float]] = []
        for path in inputs {
            let bytes = try _readWholeFile(path)
            guard bytes.starts(with: [0xFF, 0xD8, 0xFF]) || bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) else {
                throw NotAnImage(path: path)
            }
            rows.append(Self.vector(of: bytes, version: version))
        }
        return rows.isEmpty ? Matrix(rowCount: 0, columnCount: dimension) : try Matrix(rows: rows)
    }
}

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
        let images = ImageColumnOptions(encoders: ["stats": ByteStatisticsEncoder(calls: calls)])
        let fitted = try Self.pipeline.fitted(on: table, images: images)
        #expect(fitted.encoderIdentifiers["photo"] == "byte-statistics-v1")
        #expect(fitted.blockDimensions["photo"] == 4)
        let columns = try await fitted.encodedColumns(of: table, encoders: [:], images: images, cache: nil)
        #expect(columns[0].presence == [true, true, false, false, false, true, true])
        let features = columns[0].features.dense()
        #expect(features.row(0) == ByteStatisticsEncoder.vector(of: try folder.bytes("coffee.jpg"), version: 1))
        #expect(features.row(1) == ByteStatisticsEncoder.vector(of: try folder.bytes("chelsea.jpg"), version: 1))
        #expect(features.row(5) == features.row(0))
        #expect(features.row(3) == [0, 0, 0, 0] && features.row(4) == [0, 0, 0, 0])
        let counts = await images.report.blocks["photo"]
        #expect(counts?.missing == 1 && counts?.undecodable == 1 && counts?.encoded == 3 && counts?.cached == 0)
        #expect(await images.report.absentCount == 2)
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
        let images = ImageColumnOptions(encoders: ["stats": ByteStatisticsEncoder(calls: CallLog())], strict: true)
        let fitted = try Self.pipeline.fitted(on: table, images: images)
        await #expect {
            _ = try await fitted.encodedColumns(of: table, encoders: [:], images: images, cache: nil)
        } throws: { error in
            guard case let .unreadableImage(block, file, reason) = error as? FusionError else { return false }
            return block == "photo" && file == folder.path + "/photos/broken.jpg" && reason.contains("signature")
        }
        let fine = try folder.table("fine.csv", [["a", "photos/coffee.jpg", "x"], ["d", "photos/nowhere.jpg", "y"]])
        let columns = try await fitted.encodedColumns(of: fine, encoders: [:], images: images, cache: nil)
        #expect(columns[0].presence == [true, false])
        #expect(await images.report.blocks["photo"]?.missing == 1)
    }

    @Test("The disk cache: a second fit encodes nothing; a corrupt entry is recomputed; another encoder misses")
    func diskCache() async throws {
        let folder = try ImageFolder()
        defer { folder.remove() }
        let table = try folder.table("items.csv", ImageFolder.names.enumerated().map { ["\($0.offset)", "photos/" + $0.element, "x"] })
        let cache = DiskEncodingCache(directory: folder.path + "/cache")
        let first = CallLog()
        let firstImages = ImageColumnOptions(encoders: ["stats": ByteStatisticsEncoder(calls: first)], diskCache: cache)
        let fitted = try Self.pipeline.fitted(on: table, images: firstImages)
        let encoded = try await fitted.encodedColumns(of: table, encoders: [:], images: firstImages, cache: nil)
        #expect(await first.paths.count == 4)

        let second = CallLog()
        let secondImages = ImageColumnOptions(encoders: ["stats": ByteStatisticsEncoder(calls: second)], diskCache: cache)
        let again = try await fitted.encodedColumns(of: table, encoders: [:], images: secondImages, cache: nil)
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
        let thirdImages = ImageColumnOptions(encoders: ["stats": ByteStatisticsEncoder(calls: third)], diskCache: cache)
        let repaired = try await fitted.encodedColumns(of: table, encoders: [:], images: thirdImages, cache: nil)
        #expect(await third.paths == [folder.path + "/photos/rocket.jpg"])
        #expect(repaired[0].features == encoded[0].features)
        #expect(cache.vector(forContent: digest, encoder: "byte-statistics-v1", dimension: 4) != nil)

        let other = CallLog()
        let otherImages = ImageColumnOptions(
            encoders: ["stats": ByteStatisticsEncoder(calls: other, version: 2)], diskCache: cache)
        _ = try await Self.pipeline.fitted(on: table, images: otherImages)
            .encodedColumns(of: table, encoders: [:], images: otherImages, cache: nil)
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
        let images = ImageColumnOptions(encoders: ["stats": ByteStatisticsEncoder(calls: calls)])
        let model = try await JointFactorization(.init(factorCount: 4, iterationCount: 5))
            .fit(interactions, items: Attributes(items, pipeline: Self.pipeline), images: images, as: Double.self)
        let path = folder.path + "/model.frm"
        try model.write(toFile: path)
        let loaded = try JointFactorizationModel<Double, String, String>(contentsOfFile: path)
        #expect(loaded.itemPipeline?.specification == model.itemPipeline?.specification)
        #expect(loaded.itemPipeline?.encoderIdentifiers["photo"] == "byte-statistics-v1")

        // New items in a table of another folder's file name, paths relative to its folder.
        let newItems = try folder.table("new.csv", [["n1", "photos/rocket.jpg", ""], ["n2", "photos/chelsea.jpg", ""]])
        let placing = ImageColumnOptions(encoders: ["stats": ByteStatisticsEncoder(calls: calls)])
        let inMemory = try await model.itemFactors(placing: newItems, images: placing)
        let reloaded = try await loaded.itemFactors(placing: newItems, images: placing)
        #expect(inMemory.ids == ["n1", "n2"] && reloaded.ids == inMemory.ids)
        #expect(reloaded.factors == inMemory.factors)
        #expect(await placing.report.absentCount == 0)
        #expect(inMemory.factors.row(0) != inMemory.factors.row(1))
        // A new item whose only attribute is a missing file is placed from nothing (no crash), and counted.
        let gone = try folder.table("gone.csv", [["n3", "photos/gone.jpg", ""]])
        let goneImages = ImageColumnOptions(encoders: ["stats": ByteStatisticsEncoder(calls: calls)])
        let ghost = try await loaded.itemFactors(placing: gone, images: goneImages)
        #expect(ghost.ids == ["n3"] && ghost.factors.row(0).allSatisfy(\.isFinite))
        #expect(await goneImages.report.blocks["photo"]?.missing == 1)

        let other = ImageColumnOptions(encoders: ["stats": ByteStatisticsEncoder(calls: calls, version: 2)])
        await #expect(throws: FusionError.encoderMismatch(
            block: "photo", expected: "byte-statistics-v1", found: "byte-statistics-v2")) {
            _ = try await loaded.placingItems(newItems, images: other)
        }
        await #expect(throws: FusionError.missingEncoder(block: "photo", name: "stats")) {
            _ = try await loaded.placingItems(newItems)
        }
    }
}
