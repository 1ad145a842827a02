import FeatureEncoding
import ImageDecoding
import LinearAlgebra
import Testing

@testable import ImageEmbedding

/// Agreement with PyTorch on the same weights: decoding, preprocessing and the network
/// together, image file in, 1,280 features and the ImageNet top-1 out.
@Suite(
    "EfficientNet-Lite0 against PyTorch", .serialized,
    .enabled(if: ImageModelFiles.available, "weights missing: run Scripts/fetch-efficientnet-lite0.sh"))
struct EfficientNetLiteEncoderTests {
    static let encoder: EfficientNetLiteEncoder? = try? EfficientNetLiteEncoder(
        modelDirectory: ImageModelFiles.directory)
    static let images: [RGBImage] = ReferenceFixture.shared.images.map {
        try! ImageDecoder().decode(contentsOf: $0.path)
    }
    /// Every fixture image embedded in one batch (a forward pass is slow in debug builds,
    /// so the tests share it).
    static let features: Matrix<Float>? = encoder.map { $0.embed(images) }

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var (dot, na, nb) = (0.0, 0.0, 0.0)
        for (x, y) in zip(a, b) {
            dot += Double(x) * Double(y)
            na += Double(x) * Double(x)
            nb += Double(y) * Double(y)
        }
        return dot / (na.squareRoot() * nb.squareRoot())
    }

    @Test("the encoder loads, names its weights, and is 1,280 wide")
    func loads() throws {
        let encoder = try #require(Self.encoder)
        #expect(encoder.dimension == 1280)
        #expect(encoder.identifier.hasPrefix("efficientnet-lite0-224@"))
        #expect(encoder.identifier.count == "efficientnet-lite0-224@".count + 16)
    }

    @Test("every fixture image embeds within the reference cosine")
    func embeddings() throws {
        let features = try #require(Self.features)
        let fixture = ReferenceFixture.shared
        for (index, image) in fixture.images.enumerated() {
            let row = features.row(index)
            let cosine = Self.cosine(row, image.features)
            #expect(cosine >= fixture.tolerance.min_cosine, "\(image.file): cosine \(cosine)")
            // Measured: at most 8e-6 of the largest feature (Docs/ImageEmbedding.md); 1e-4 leaves room
            // for other BLAS kernels while still catching a changed preprocessing step.
            let scale = image.features.map(abs).max()!
            let largest = zip(row, image.features).map { abs($0 - $1) }.max()!
            #expect(largest <= 1e-4 * scale, "\(image.file): largest difference \(largest) of \(scale)")
        }
    }

    @Test("the ImageNet top-1 class agrees with PyTorch on every photograph")
    func topClass() throws {
        let encoder = try #require(Self.encoder)
        let logits = encoder.logits(fromFeatures: try #require(Self.features))
        for (index, image) in ReferenceFixture.shared.images.enumerated() {
            let row = logits.row(index)
            let top = row.indices.max { row[$0] < row[$1] }!
            if image.kind == "photo" {
                #expect(top == image.top5[0], "\(image.file): top-1 \(top), PyTorch \(image.top5[0])")
            }
            #expect(abs(row[image.top5[0]] - image.top5_logits[0]) < 0.05, "\(image.file): top logit differs")
        }
    }

    @Test("an image alone (layers spread over threads) gets its batched embedding, bit for bit")
    func batchIndependence() throws {
        let encoder = try #require(Self.encoder)
        let batch = try #require(Self.features)
        for index in [0, 5] {
            #expect(encoder.embed([Self.images[index]]).row(0) == batch.row(index))
        }
    }

    @Test("encode is embed, and an empty batch is 0 × 1280")
    func encodeMatchesEmbed() async throws {
        let encoder = try #require(Self.encoder)
        let images = Array(Self.images.prefix(2))
        let encoded = try await encoder.encode(images)
        #expect(encoded.row(0) == Self.features?.row(0) && encoded.row(1) == Self.features?.row(1))
        let empty = try await encoder.encode([])
        #expect(empty.rowCount == 0 && empty.columnCount == 1280)
    }
}

@Suite("EfficientNet-Lite0 loading errors")
struct EfficientNetLiteLoadingTests {
    @Test("a directory without weights throws modelNotFound naming the file")
    func missing() {
        #expect(throws: ImageEmbeddingError.modelNotFound(path: "/nonexistent/fusionrec/model.safetensors")) {
            try EfficientNetLiteEncoder(modelDirectory: "/nonexistent/fusionrec/")
        }
    }
}

@Suite(
    "Image files through ImageFileEncoder",
    .enabled(if: ImageModelFiles.available, "weights missing: run Scripts/fetch-efficientnet-lite0.sh"))
struct ImageFileEncoderTests {
    @Test("paths decode and embed to the rows of the decoded pixels; a missing file is named in the error")
    func paths() async throws {
        let encoder = try #require(EfficientNetLiteEncoderTests.encoder)
        let features = try #require(EfficientNetLiteEncoderTests.features)
        let files = ImageFileEncoder(encoder)
        #expect(files.dimension == 1280 && files.identifier == encoder.identifier)
        let fixture = ReferenceFixture.shared.images
        let rows = try await files.encode([fixture[1].path, fixture[0].path])
        #expect(rows.row(0) == features.row(1) && rows.row(1) == features.row(0))
        await #expect(throws: ImageDecodingError.fileNotFound(path: "/nonexistent/a.jpg")) {
            try await files.encode([fixture[0].path, "/nonexistent/a.jpg"])
        }
    }
}
