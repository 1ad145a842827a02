import Foundation
import Fusion
import FusionRecTestSupport
import Persistence
import Testing

/// `--audio-column` with the log-mel encoder (no weights, so it always runs): paths
/// relative to the table's folder, missing and corrupt files reported, the disk cache,
/// strict mode, and `place` through the saved model's audio block; with musicnn when its
/// weights are present.
@Suite("Command line: audio columns")
struct AudioColumnCommandTests {
    static let clips = ["tone-pcm24.wav", "sweep-pcm16.wav", "clicks-float32.wav", "noisy-tone-float64.wav", "stereo-pcm16.wav"]

    /// musicnn's reference clips, each at least one 3-second patch long.
    static let musicnnClips = ["speech-16k.wav", "chord-16k.wav", "beat-16k.wav", "sweep-16k.wav", "tone-22050.wav"]

    /// The media catalogue of the log-mel fixture clips.
    static func scratch() throws -> Scratch {
        try mediaCatalogue(column: "sound", folder: "sounds", fixtures: "Tests/AudioEmbeddingTests/Fixtures/clips", files: clips)
    }

    /// The item pipeline of the fusion model saved at `path` in `scratch`.
    static func itemPipeline(_ path: String, in scratch: Scratch) throws -> FittedFeaturePipeline? {
        try JointFactorizationModel<Double, String, String>(contentsOfFile: scratch.path(path)).itemPipeline
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

    @Test("--audio-encoder musicnn: a 200-wide block saved under musicnn's name, cached apart from log-mel, placed with musicnn whatever --audio-encoder says, refused with other weights",
          .enabled(if: ModelDirectory.musicnn.isAvailable, "weights missing: run Scripts/fetch-musicnn.sh"))
    func musicnn() throws {
        let scratch = try mediaCatalogue(column: "sound", folder: "sounds",
                                         fixtures: "Tests/AudioEmbeddingTests/Fixtures/musicnn/clips", files: Self.musicnnClips)
        let fit = ["recommend", "--train", "r.csv", "--items", "catalogue/items.csv", "--model", "fusion", "--factors", "2",
                   "--iterations", "3", "--categorical-column", "genres", "--audio-column", "sound",
                   "--embedding-cache", "cache", "--k", "5"]
        let musicnn = try scratch.run(fit + ["--audio-encoder", "musicnn", "--audio-model-dir", ModelDirectory.musicnn.path,
                                             "--output", "musicnn.csv", "--save", "musicnn.frm"])
        expectSuccess(musicnn)
        #expect(musicnn.standardError.contains(
            "audio column sound of catalogue/items.csv: 1 cells missing or unreadable, 1 undecodable (absent rows); 5 files encoded, 0 from the cache"),
            "stderr: \(musicnn.standardError)")
        let pipeline = try #require(try Self.itemPipeline("musicnn.frm", in: scratch))
        #expect(pipeline.specification.blocks.map(\.source).contains(.audio(column: "sound", encoder: "musicnn")))
        #expect(pipeline.blockDimensions["sound"] == 200)
        let identifier = try #require(pipeline.encoderIdentifiers["sound"])
        #expect(identifier.hasPrefix("musicnn-msd-penultimate@"))

        // The disk cache keys vectors by encoder: log-mel encodes the same files again.
        let logMel = try scratch.run(fit + ["--output", "log-mel.csv", "--save", "log-mel.frm"])
        expectSuccess(logMel)
        #expect(logMel.standardError.contains("5 files encoded, 0 from the cache"), "stderr: \(logMel.standardError)")
        #expect(try Self.itemPipeline("log-mel.frm", in: scratch)?.blockDimensions["sound"] == 256)

        // place loads the encoder the saved block names, not --audio-encoder's default.
        let place = ["place", "--load", "musicnn.frm", "--items", "catalogue/new.csv", "--users", "2", "--similar", "1",
                     "--embedding-cache", "cache"]
        let placed = try scratch.run(place + ["--audio-model-dir", ModelDirectory.musicnn.path])
        expectSuccess(placed)
        #expect(placed.standardError.contains("placed 2 of the 2 rows"), "stderr: \(placed.standardError)")
        #expect(placed.standardError.contains("0 undecodable (absent rows); 0 files encoded, 2 from the cache"),
                "stderr: \(placed.standardError)")

        // Weights differing in one bit of the last tag-layer weight are another encoder.
        var weights = try #require(FileManager.default.contents(atPath: ModelDirectory.musicnn.path + "/model.safetensors"))
        weights[weights.count - 4] ^= 1
        try FileManager.default.createDirectory(atPath: scratch.path("other"), withIntermediateDirectories: true)
        scratch.write("other/model.safetensors", Array(weights))
        expectFailure(try scratch.run(place + ["--audio-model-dir", "other"]), status: 1,
                      "block 'sound' was built with encoder '\(identifier)', not 'musicnn-msd-penultimate@")
    }

    @Test("--audio-encoder musicnn with a missing --audio-model-dir names the folder and the fetch script")
    func musicnnWithoutWeights() throws {
        let scratch = try Self.scratch()
        expectFailure(try scratch.run(["recommend", "--train", "r.csv", "--items", "catalogue/items.csv", "--model", "fusion",
                                       "--audio-column", "sound", "--audio-encoder", "musicnn", "--audio-model-dir", "nowhere",
                                       "--output", "out.csv"]),
                      status: 1, "audio model not found: nowhere/model.safetensors (run Scripts/fetch-musicnn.sh)")
        #expect(!scratch.exists("out.csv"))
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
