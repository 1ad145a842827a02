import AudioEmbedding
import Foundation
import Fusion
import FusionRecTestSupport
import ImageDecoding
import ImageEmbedding
import MultimodalDemo
import Testing

/// The EfficientNet-Lite0 weights `Scripts/fetch-efficientnet-lite0.sh` installs, as the
/// ImageEmbedding tests find them (see ``ModelDirectory``).
enum DemoModelFiles {
    static var directory: String { ModelDirectory.efficientNetLite0.path }
    static var available: Bool { ModelDirectory.efficientNetLite0.isAvailable }
}

@Suite("Multimodal comparison")
struct MultimodalComparisonTests {
    /// Small enough for a debug build: 100 items, 120 users, 4 categories, a fifth of
    /// the sounds showing a random category.
    static let configuration = PlantedMultimodalCatalogue.Configuration(
        itemCount: 100, userCount: 120, categoryCount: 4, interactionsPerUser: 16, mediaNoise: 0.2, imageSide: 32,
        clipSeconds: 0.25, seed: 11)

    static func expectBeatsPopularity(_ comparison: MultimodalComparison, _ label: String) {
        let popularity = comparison.row("popularity")!.metrics, row = comparison.row(label)!.metrics
        #expect(row.auc > popularity.auc + 0.15, "\(label) AUC \(row.auc) vs popularity \(popularity.auc)")
        #expect(row.ndcg > popularity.ndcg + 0.05, "\(label) NDCG \(row.ndcg) vs popularity \(popularity.ndcg)")
    }

    @Test("Audio-only placement beats popularity; the titles carry nothing")
    func audio() async throws {
        let scratch = ScratchFolder()
        defer { scratch.remove() }
        let catalogue = try PlantedMultimodalCatalogue.generate(Self.configuration, in: scratch.path)
        let media = MediaColumnOptions(audio: ["audio": AudioFileEncoder(LogMelEncoder())])
        let comparison = try await MultimodalComparison.run(on: catalogue, media: media, kinds: [.audio])
        #expect(comparison.rows.map(\.label) == ["popularity", "title", "audio"])
        Self.expectBeatsPopularity(comparison, "audio")
        #expect(abs(comparison.row("title")!.metrics.auc - 0.5) < 0.1)
        #expect(await media.report.absentCount == 0)
    }

    /// EfficientNet-Lite0 takes seconds per picture in a debug build: 20 items, 2
    /// categories, every picture and sound showing its own category, half the items cold,
    /// a 4-factor model.
    static let tiny = PlantedMultimodalCatalogue.Configuration(
        itemCount: 20, userCount: 40, categoryCount: 2, interactionsPerUser: 6, noise: 0.1, mediaNoise: 0,
        coldShare: 0.5, imageSide: 32, clipSeconds: 0.25, seed: 3)

    @Test("Image-only, audio-only and both beat popularity", .enabled(if: DemoModelFiles.available))
    func imagesAndAudio() async throws {
        let scratch = ScratchFolder()
        defer { scratch.remove() }
        let catalogue = try PlantedMultimodalCatalogue.generate(Self.tiny, in: scratch.path)
        let media = MediaColumnOptions(
            images: ["image": ImageFileEncoder(try EfficientNetLiteEncoder(modelDirectory: DemoModelFiles.directory))],
            audio: ["audio": AudioFileEncoder(LogMelEncoder())])
        let comparison = try await MultimodalComparison.run(
            on: catalogue, media: media, configuration: .init(factorCount: 4, regularization: 5))
        #expect(comparison.rows.map(\.label)
                == ["popularity", "title", "image", "audio", "image + audio", "title + image + audio"])
        for label in ["image", "audio", "image + audio"] { Self.expectBeatsPopularity(comparison, label) }
    }

    @Test("Without the image encoder the comparison names what is missing")
    func missingEncoder() async throws {
        let scratch = ScratchFolder()
        defer { scratch.remove() }
        let catalogue = try PlantedMultimodalCatalogue.generate(
            .init(itemCount: 20, userCount: 5, interactionsPerUser: 4, imageSide: 8, clipSeconds: 0.05), in: scratch.path)
        await #expect(throws: MultimodalDemoError.missingEncoder(kind: "image", name: "image")) {
            _ = try await MultimodalComparison.run(on: catalogue, media: MediaColumnOptions())
        }
    }
}

@Suite("Multimodal demo model files")
struct MultimodalDemoModelFilesTests {
    /// CI sets `FUSIONREC_REQUIRE_MODEL=1` after running the fetch scripts, so a failed
    /// download fails the run instead of skipping the image rows.
    @Test(
        "the EfficientNet-Lite0 weights are present when FUSIONREC_REQUIRE_MODEL is set",
        .enabled(if: ProcessInfo.processInfo.environment["FUSIONREC_REQUIRE_MODEL"] == "1"))
    func required() {
        #expect(DemoModelFiles.available, "model.safetensors missing in \(DemoModelFiles.directory)")
    }
}
