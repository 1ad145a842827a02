import FeatureEncoding
import FusionRecTestSupport
import Foundation
import LinearAlgebra
import Testing

@testable import AudioEmbedding

/// Tolerances against the NumPy reference (which matches musicnn's TensorFlow graph to
/// 3.4·10⁻⁶ on the penultimate features; Docs/AudioEmbedding.md). The network input is
/// float16, so a mel power that lands on the other side of a float16 rounding boundary
/// (single-precision FFT rounding here and in librosa) moves one input value by one
/// float16 step; those flips dominate the differences.
private let inputFlipShare = 0.002  // of the compared input values, each off by one float16 rounding
// Measured at 16 kHz: features within 7.9·10⁻⁶, tags within 6·10⁻⁷; the clip resampled from
// 22,050 Hz (FusionRec's sinc against soxr_hq), 4.9·10⁻⁵ and 2.7·10⁻⁶. The bounds leave room
// for other BLAS kernels while still catching a changed layer or preprocessing step.
private let featureTolerance: Float = 2e-4  // largest |difference| of a penultimate feature (values up to ≈3)
private let tagTolerance: Float = 2e-5  // largest |difference| of a tag probability

@Suite("musicnn preprocessing")
struct MusicnnPreprocessingTests {
    @Test("rounding to float16 follows IEEE 754 binary16, ties to even")
    func halfRounding() {
        #expect(_roundedToHalf(1 / 3) == 0.333251953125)
        #expect(_roundedToHalf(65_504) == 65_504)
        #expect(_roundedToHalf(65_519) == 65_504)
        #expect(_roundedToHalf(65_520) == .infinity)
        #expect(_roundedToHalf(-70_000) == -.infinity)
        #expect(_roundedToHalf(0x1p-25) == 0)  // halfway to the smallest subnormal: ties to even
        #expect(_roundedToHalf(0x1.8p-24) == 0x1p-23)  // 1.5 quanta: ties to even (2)
        #expect(_roundedToHalf(1 + 0x1p-11) == 1)  // halfway between 1 and 1 + 2⁻¹⁰
        #expect(_roundedToHalf(1 + 0x1.8p-10) == 1 + 0x1p-9)
        #expect(_roundedToHalf(2049) == 2048)
    }

    @Test("log compression is NumPy's float16 arithmetic, kept finite where float16 overflows")
    func compression() {
        #expect(MusicnnEncoder.compressed(0) == 0)
        // half(1e-3) = 1049·2⁻²⁰; ·10000 = 10.00404 → half 10.0078125; + 1 = 11.0078125;
        // log₁₀ = 1.04170 → half 1.0419921875 (NumPy gives the same).
        #expect(MusicnnEncoder.compressed(1e-3) == 1.0419921875)
        // 7 · 10000 overflows float16: log₁₀(70001) = 4.845 → half 4.84375, where musicnn gives infinity.
        #expect(MusicnnEncoder.compressed(7) == 4.84375)
        #expect(MusicnnEncoder.compressed(1e30).isFinite)
    }

    @Test("the network input equals librosa's mel values compressed by NumPy in float16")
    func networkInput() throws {
        let clip = try #require(MusicnnReference.shared.clips.first { $0.first_frames_input != nil })
        let expected = try #require(clip.first_frames_input)
        let input = try MusicnnEncoder.networkInput(of: WAVDecoder().decode(contentsOf: clip.path), source: clip.file)
        #expect(input.count == (1 + clip.frame_count / 256) * 96)
        var flips = 0, compared = 0
        for (frame, row) in expected.enumerated() {
            for (band, target) in row.enumerated() {
                let value = input[frame * 96 + band]
                compared += 1
                if value != target {
                    flips += 1
                    // One float16 step of the output, or of 10000·x + 1 near 1 (2⁻¹⁰, which moves
                    // the logarithm by up to 4.3·10⁻⁴).
                    let step = Float(sign: .plus, exponent: max(target, value).exponent - 10, significand: 1)
                    #expect(abs(value - target) <= max(step, 5e-4), "frame \(frame) band \(band): \(value) vs \(target)")
                }
            }
        }
        #expect(Double(flips) <= inputFlipShare * Double(compared), "\(flips) of \(compared) values differ")
    }

    @Test("clips shorter than one patch, empty clips and NaN samples throw")
    func badInput() {
        let short = AudioClip(samples: [Float](repeating: 0.1, count: MusicnnEncoder.minimumSampleCount - 1), sampleRate: 16_000)
        #expect(throws: AudioEmbeddingError.tooShort(source: "s", sampleCount: 47_615, minimum: 47_616)) {
            try MusicnnEncoder.networkInput(of: short, source: "s")
        }
        #expect(throws: AudioEmbeddingError.emptyAudio(source: "e")) {
            try MusicnnEncoder.networkInput(of: AudioClip(samples: [], sampleRate: 16_000), source: "e")
        }
        var samples = [Float](repeating: 0.1, count: 50_000)
        samples[123] = .nan
        #expect(throws: AudioEmbeddingError.nonFiniteSample(source: "n", index: 123)) {
            try MusicnnEncoder.networkInput(of: AudioClip(samples: samples, sampleRate: 16_000), source: "n")
        }
        let exact = AudioClip(samples: [Float](repeating: 0.1, count: MusicnnEncoder.minimumSampleCount), sampleRate: 16_000)
        #expect((try? MusicnnEncoder.networkInput(of: exact, source: "x"))?.count == 187 * 96)
    }
}

/// Agreement with the NumPy reference on the same weights: decoding, the frontend and the
/// network together, WAV file in, 200 features and 50 tag probabilities out.
@Suite(
    "MusicnnEncoder against the reference", .serialized,
    .enabled(if: ModelDirectory.musicnn.isAvailable, "weights missing: run Scripts/fetch-musicnn.sh"))
struct MusicnnEncoderTests {
    static let encoder: MusicnnEncoder? = try? MusicnnEncoder(modelDirectory: ModelDirectory.musicnn.path)
    static let tagger: MusicnnEncoder? = try? MusicnnEncoder(
        modelDirectory: ModelDirectory.musicnn.path, output: .tagProbabilities)
    static let clips: [AudioClip] = MusicnnReference.shared.clips.map { try! WAVDecoder().decode(contentsOf: $0.path) }

    static func largestDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
    }

    @Test("the encoder loads, names its weights and output, and has the right widths")
    func loads() throws {
        let encoder = try #require(Self.encoder), tagger = try #require(Self.tagger)
        #expect(encoder.dimension == 200)
        #expect(tagger.dimension == 50)
        #expect(MusicnnEncoder.tags.count == 50)
        #expect(encoder.identifier.hasPrefix("musicnn-msd-penultimate@"))
        #expect(tagger.identifier.hasPrefix("musicnn-msd-tags@"))
        #expect(encoder.identifier.dropFirst("musicnn-msd-penultimate@".count) == tagger.identifier.dropFirst("musicnn-msd-tags@".count))
    }

    @Test("every clip's embedding and tag probabilities match the reference")
    func embeddings() async throws {
        let encoder = try #require(Self.encoder), tagger = try #require(Self.tagger)
        let features = try await encoder.encode(Self.clips)
        let tags = try await tagger.encode(Self.clips)
        for (index, clip) in MusicnnReference.shared.clips.enumerated() {
            let featureError = Self.largestDifference(features.row(index), clip.embedding)
            let tagError = Self.largestDifference(tags.row(index), clip.tags)
            #expect(featureError <= featureTolerance, "\(clip.file): features off by \(featureError)")
            #expect(tagError <= tagTolerance, "\(clip.file): tags off by \(tagError)")
        }
    }

    @Test("per-patch rows: patch counts and the first patch's features", arguments: MusicnnReference.shared.clips)
    func patches(_ clip: MusicnnReference.Clip) throws {
        let encoder = try #require(Self.encoder)
        let rows = try encoder.patchRows(of: WAVDecoder().decode(contentsOf: clip.path), source: clip.file)
        #expect(rows.rowCount == clip.patch_count)
        #expect(rows.columnCount == 200)
        let error = Self.largestDifference(rows.row(0), clip.first_patch_penultimate)
        #expect(error <= featureTolerance, "\(clip.file): first patch off by \(error)")
    }

    @Test("a clip's row does not depend on its batch or on the thread count")
    func determinism() throws {
        let encoder = try #require(Self.encoder)
        withThreadCountLocked {
            Parallel.threadCount = 1
            let alone = try? encoder.embedding(of: Self.clips[0])
            Parallel.threadCount = 2
            let batched = try? encoder.rows(Self.clips, sources: Self.clips.map { _ in "" }, shouldStop: { false })
            #expect(alone != nil && alone! == Array(batched!.elements.prefix(200)))
        }
    }

    @Test("encode names the failing clip")
    func failingClip() async throws {
        let encoder = try #require(Self.encoder)
        let short = AudioClip(samples: [Float](repeating: 0, count: 16_000), sampleRate: 16_000)
        await #expect(throws: AudioEmbeddingError.tooShort(source: "clip 1", sampleCount: 16_000, minimum: 47_616)) {
            _ = try await encoder.encode([Self.clips[0], short])
        }
    }
}

@Suite("musicnn model files")
struct MusicnnModelFileTests {
    /// CI sets `FUSIONREC_REQUIRE_MODEL=1` after running the fetch scripts, so a failed
    /// download fails the run instead of skipping the weight tests.
    @Test(
        "the musicnn weights are present when FUSIONREC_REQUIRE_MODEL is set",
        .enabled(if: ProcessInfo.processInfo.environment["FUSIONREC_REQUIRE_MODEL"] == "1"))
    func required() {
        #expect(ModelDirectory.musicnn.isAvailable, "model.safetensors missing in \(ModelDirectory.musicnn.path)")
    }

    @Test("a missing directory and a file with a misshapen tensor throw typed errors")
    func badFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("musicnn-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: AudioEmbeddingError.modelNotFound(path: directory + "/missing/model.safetensors")) {
            try MusicnnEncoder(modelDirectory: directory + "/missing")
        }
        // One tensor, the input batch norm's gamma, with two elements instead of one.
        let header = #"{"batch_normalization/gamma":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian, Array.init) + Array(header.utf8)
        bytes += withUnsafeBytes(of: Float(1).bitPattern.littleEndian, Array.init)
        bytes += withUnsafeBytes(of: Float(1).bitPattern.littleEndian, Array.init)
        #expect(FileManager.default.createFile(atPath: directory + "/model.safetensors", contents: Data(bytes)))
        do {
            _ = try MusicnnEncoder(modelDirectory: directory)
            Issue.record("a misshapen tensor was accepted")
        } catch {
            guard case .invalidWeights(let path, let reason) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(path == directory + "/model.safetensors")
            #expect(reason.contains("batch_normalization/gamma"))
        }
    }
}
