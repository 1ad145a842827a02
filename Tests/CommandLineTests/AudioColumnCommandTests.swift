import Foundation
import Testing

/// `--audio-column` with the log-mel encoder (no weights, so it always runs): paths
/// relative to the table's folder, missing and corrupt files reported, the disk cache,
/// strict mode, and `place` through the saved model's audio block.
@Suite("Command line: audio columns")
struct AudioColumnCommandTests {
    static let clips = ["tone-pcm24.wav", "sweep-pcm16.wav", "clicks-float32.wav", "noisy-tone-float64.wav", "stereo-pcm16.wav"]

    /// The media catalogue of the log-mel fixture clips.
    static func scratch() throws -> Scratch {
        try mediaCatalogue(column: "sound", folder: "sounds", fixtures: "Tests/AudioEmbeddingTests/Fixtures/clips", files: clips)
    }

    @Test("fit with --audio-column: absent rows reported, a second fit served from the cache, strict mode names the file, place reads the sounds")
    func audioColumn() throws {
        let scratch = try Self.scratch()
        let fit = ["recommend", "--train", "r.csv", "--items", "catalogue/items.csv", "--model", "fusion", "--factors", "2",
                   "--iterations", "3", "--categorical-column", "genres", "--audio-column", "sound",
                   "--embedding-cache", "cache", "--k", "5"]
        let first = try scratch.run(fit + ["--output", "first.csv", "--save", "m.frm"])
        expectSuccess(first)
        #expect(first.standardError.contains(
            "audio column sound of catalogue/items.csv: 1 cells missing or unreadable, 1 undecodable (absent rows); 5 files encoded, 0 from the cache"),
            "stderr: \(first.standardError)")
        let second = try scratch.run(fit + ["--output", "second.csv"])
        expectSuccess(second)
        #expect(second.standardError.contains("0 files encoded, 5 from the cache"), "stderr: \(second.standardError)")
        #expect(scratch.text("second.csv") == scratch.text("first.csv"))

        expectFailure(try scratch.run(fit + ["--output", "strict.csv", "--strict-media"]), status: 1,
                      "cannot encode audio catalogue/sounds/broken.wav")

        let placed = try scratch.run(["place", "--load", "m.frm", "--items", "catalogue/new.csv", "--users", "2",
                                      "--similar", "1", "--embedding-cache", "cache"])
        expectSuccess(placed)
        #expect(placed.standardError.contains("placed 2 of the 2 rows"), "stderr: \(placed.standardError)")
        #expect(placed.standardError.contains("audio column sound of catalogue/new.csv: 0 cells missing or unreadable, 0 undecodable (absent rows); 0 files encoded, 2 from the cache"),
                "stderr: \(placed.standardError)")
    }

    @Test("--audio-column needs a fusion model, and tune refuses it like --image-column")
    func usage() throws {
        let scratch = try Self.scratch()
        expectFailure(try scratch.run(["recommend", "--train", "r.csv", "--items", "catalogue/items.csv",
                                       "--model", "implicit-als", "--audio-column", "sound"]),
                      status: 64, "--audio-column needs --model fusion")
        expectFailure(try scratch.run(["tune", "--train", "r.csv", "--items", "catalogue/items.csv",
                                       "--audio-column", "sound"]),
                      status: 64, "tune does not search audio columns yet")
    }

    @Test("demo --multimodal without the EfficientNet-Lite0 weights says how to fetch them; its options need --multimodal")
    func demoWithoutWeights() throws {
        let scratch = Scratch()
        expectFailure(try scratch.run(["demo", "--multimodal", "--image-model-dir", scratch.path("nowhere")]), status: 1,
                      "bash Scripts/fetch-efficientnet-lite0.sh")
        expectFailure(try scratch.run(["demo", "--seed", "3"]), status: 64, "--seed needs --multimodal")
    }
}
