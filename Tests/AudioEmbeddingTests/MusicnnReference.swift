import Foundation
import Testing

/// The clips of `Fixtures/musicnn/clips` and their NumPy reference values in
/// `Fixtures/musicnn/reference.json`, written by `Benchmarks/Compare/musicnn_reference.py
/// fixtures` on the weights `Scripts/fetch-musicnn.sh` installs.
struct MusicnnReference: Decodable, Sendable {
    struct Model: Decodable, Sendable {
        let safetensors_sha256: String
    }

    struct Clip: Decodable, Sendable, CustomTestStringConvertible {
        let file: String
        let description: String
        let sample_rate: Int
        let frame_count: Int
        let patch_count: Int
        let resampled: Bool
        let overflowing_inputs: Int
        let embedding: [Float]
        let tags: [Float]
        let first_patch_penultimate: [Float]
        let first_frames_input: [[Float]]?

        var path: String { MusicnnReference.directory + "/clips/" + file }
        var testDescription: String { "\(file) (\(description))" }
    }

    let model: Model
    let clips: [Clip]

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/musicnn").path

    /// The fixture, decoded once.
    static let shared: MusicnnReference = {
        let path = directory + "/reference.json"
        do {
            return try JSONDecoder().decode(MusicnnReference.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            fatalError("Cannot read the musicnn fixture at \(path): \(error)")
        }
    }()

    static var nativeRateClips: [Clip] { shared.clips.filter { !$0.resampled } }
    static var resampledClips: [Clip] { shared.clips.filter(\.resampled) }
}
