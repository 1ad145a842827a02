import Foundation
import FusionRecTestSupport
import Testing

/// The images of `Fixtures/images` and their PyTorch reference values in
/// `Fixtures/reference.json`, written by `Benchmarks/Compare/efficientnet_reference.py
/// fixtures` on the same weights.
struct ReferenceFixture: Decodable, Sendable {
    struct Model: Decodable, Sendable {
        let pth_sha256: String
        let safetensors_sha256: String
        let torch: String
    }

    struct Tolerance: Decodable, Sendable {
        let min_cosine: Double
    }

    struct Image: Decodable, Sendable, CustomTestStringConvertible {
        let file: String
        let kind: String
        let description: String
        let width: Int
        let height: Int
        let pixels_fnv1a: String
        let features: [Float]
        let top5: [Int]
        let top5_logits: [Float]

        var path: String { ReferenceFixture.directory + "/images/" + file }
        var testDescription: String { "\(file) (\(description))" }
    }

    let model: Model
    let tolerance: Tolerance
    let images: [Image]

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    /// The fixture, decoded once.
    static let shared: ReferenceFixture = {
        let path = directory + "/reference.json"
        do {
            return try JSONDecoder().decode(ReferenceFixture.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            fatalError("Cannot read the reference fixture at \(path): \(error)")
        }
    }()

    /// FNV-1a over bytes, as the reference script hashes Pillow's decoded pixels.
    static func fnv1a(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        let text = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}

/// Where the weight-dependent tests look for `model.safetensors` (see ``ModelDirectory``).
enum ImageModelFiles {
    static var directory: String { ModelDirectory.efficientNetLite0.path }
    static var available: Bool { ModelDirectory.efficientNetLite0.isAvailable }
}

@Suite("Image model files")
struct ImageModelFilesTests {
    /// CI sets `FUSIONREC_REQUIRE_MODEL=1` after running the fetch scripts, so a failed
    /// download fails the run instead of skipping the weight tests.
    @Test(
        "the EfficientNet-Lite0 weights are present when FUSIONREC_REQUIRE_MODEL is set",
        .enabled(if: ProcessInfo.processInfo.environment["FUSIONREC_REQUIRE_MODEL"] == "1"))
    func required() {
        #expect(ImageModelFiles.available, "model.safetensors missing in \(ImageModelFiles.directory)")
    }
}
