import Foundation

/// The clips of `Fixtures/clips` and their librosa reference values in
/// `Fixtures/reference.json`, written by `Benchmarks/Compare/audio_reference.py fixtures`.
struct AudioReference: Decodable, Sendable {
    struct Clip: Decodable, Sendable, CustomStringConvertible {
        let file: String
        let description: String
        let sample_rate: Int
        let frame_count: Int
        let first_samples: [Float]
        let sample_sum: Double
        let sample_square_sum: Double
        let resampled: Bool
        let embedding: [Float]
        let log_mel: [[Float]]?

        var path: String { AudioReference.directory + "/clips/" + file }
    }

    let librosa: String
    let clips: [Clip]

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    /// The fixture, decoded once.
    static let shared: AudioReference = {
        let data = try! Data(contentsOf: URL(fileURLWithPath: directory + "/reference.json"))
        return try! JSONDecoder().decode(AudioReference.self, from: data)
    }()

    /// The clips at 22,050 Hz (compared value for value) and the resampled ones.
    static var nativeRateClips: [Clip] { shared.clips.filter { !$0.resampled } }
    static var resampledClips: [Clip] { shared.clips.filter(\.resampled) }
}
