import Foundation
import FusionRecTestSupport
import Testing

/// `--image-column` with the real EfficientNet-Lite0 weights: paths relative to the
/// table's folder, missing and corrupt files reported, the disk cache, strict mode, and
/// `place` through the saved model's image block.
@Suite("Command line: image columns")
struct ImageColumnCommandTests {
    /// The folder `Scripts/fetch-efficientnet-lite0.sh` fills.
    static var weights: String { ModelDirectory.efficientNetLite0.path }

    /// Whether the test runs: the weights are present, or CI requires them (and the test
    /// then fails without them).
    static var runs: Bool {
        ModelDirectory.efficientNetLite0.isAvailable || ProcessInfo.processInfo.environment["FUSIONREC_REQUIRE_MODEL"] == "1"
    }

    static let photos = ["coffee.jpg", "chelsea.jpg", "rocket.jpg", "astronaut.jpg", "camera-gray.png"]

    /// The media catalogue of the fixture photos.
    static func scratch() throws -> Scratch {
        try mediaCatalogue(column: "photo", folder: "images", fixtures: "Tests/ImageEmbeddingTests/Fixtures/images", files: photos)
    }

    @Test("fit with --image-column: absent rows reported, a second fit served from the cache, strict mode names the file, place reads the images",
          .enabled(if: runs))
    func imageColumn() throws {
        let scratch = try Self.scratch()
        let fit = ["recommend", "--train", "r.csv", "--items", "catalogue/items.csv", "--model", "fusion", "--factors", "2",
                   "--iterations", "3", "--categorical-column", "genres", "--image-column", "photo",
                   "--image-model-dir", Self.weights, "--embedding-cache", "cache", "--k", "5"]
        let first = try scratch.run(fit + ["--output", "first.csv", "--save", "m.frm"])
        expectSuccess(first)
        #expect(first.standardError.contains(
            "image column photo of catalogue/items.csv: 1 cells missing or unreadable, 1 undecodable (absent rows); 5 files encoded, 0 from the cache"),
            "stderr: \(first.standardError)")
        let second = try scratch.run(fit + ["--output", "second.csv"])
        expectSuccess(second)
        #expect(second.standardError.contains("0 files encoded, 5 from the cache"), "stderr: \(second.standardError)")
        #expect(scratch.text("second.csv") == scratch.text("first.csv"))

        expectFailure(try scratch.run(fit + ["--output", "strict.csv", "--strict-images"]), status: 1,
                      "catalogue/images/broken.jpg")

        // recommend --load places the bigger table's new items through the saved image block, from the cache.
        let loaded = try scratch.run(["recommend", "--train", "r.csv", "--items", "catalogue/bigger.csv", "--load", "m.frm",
                                      "--model", "fusion", "--image-model-dir", Self.weights, "--embedding-cache", "cache",
                                      "--output", "loaded.csv", "--k", "5"])
        expectSuccess(loaded)
        #expect(loaded.standardError.contains("0 undecodable (absent rows); 0 files encoded, 2 from the cache"),
                "stderr: \(loaded.standardError)")

        let placed = try scratch.run(["place", "--load", "m.frm", "--items", "catalogue/new.csv", "--users", "2",
                                      "--similar", "1", "--image-model-dir", Self.weights, "--embedding-cache", "none"])
        expectSuccess(placed)
        #expect(placed.standardError.contains("placed 2 of the 2 rows"), "stderr: \(placed.standardError)")
        #expect(placed.standardError.contains("0 cells missing or unreadable, 0 undecodable (absent rows); 2 files encoded"),
                "stderr: \(placed.standardError)")
    }
}
