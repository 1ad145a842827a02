import Foundation
import AudioEmbedding
import FeatureEncoding
import Testing

/// Tolerances against librosa 0.11 (float32 FFT and mel projection there, float32 FFT
/// with a double-precision logarithm and statistics here).
private let embeddingTolerance: Float = 5e-4  // dB, every mean and deviation, clips at 22,050 Hz
private let frameTolerance: Float = 2e-3  // dB, every log-mel value of the sweep

@Suite("LogMelEncoder")
struct LogMelEncoderTests {
    @Test("embeddings equal librosa's at 22,050 Hz within 5e-4 dB", arguments: AudioReference.nativeRateClips)
    func nativeRate(_ clip: AudioReference.Clip) throws {
        let decoded = try WAVDecoder().decode(contentsOf: clip.path)
        let embedding = try LogMelEncoder().embedding(of: decoded)
        #expect(embedding.count == clip.embedding.count)
        let worst = zip(embedding, clip.embedding).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= embeddingTolerance, "\(clip.file): largest difference \(worst) dB")
    }

    @Test("every log-mel value of the sweep equals librosa's within 2e-3 dB")
    func sweepFrames() throws {
        let clip = try #require(AudioReference.shared.clips.first { $0.log_mel != nil })
        let expected = try #require(clip.log_mel)
        let frames = try LogMelEncoder().spectrogram.frames(of: WAVDecoder().decode(contentsOf: clip.path))
        #expect(frames.count == expected.count)
        #expect(frames.count == 1 + clip.frame_count / 512)
        var worst: Float = 0
        for (row, reference) in zip(frames, expected) {
            #expect(row.count == 128)
            for (value, target) in zip(row, reference) { worst = max(worst, abs(value - target)) }
        }
        #expect(worst <= frameTolerance, "largest difference \(worst) dB")
    }

    /// FusionRec's windowed-sinc resampler is not soxr's (librosa's default), so a 16 kHz
    /// clip is compared loosely: band means within 0.1 dB on average, cosine ≥ 0.9998.
    @Test("a 16 kHz clip resampled to 22,050 Hz stays close to librosa's soxr_hq path", arguments: AudioReference.resampledClips)
    func resampled(_ clip: AudioReference.Clip) throws {
        let decoded = try WAVDecoder().decode(contentsOf: clip.path)
        #expect(decoded.sampleRate == 16_000)
        let embedding = try LogMelEncoder().embedding(of: decoded)
        let meanDifference = zip(embedding.prefix(128), clip.embedding.prefix(128)).map { Double(abs($0 - $1)) }
            .reduce(0, +) / 128
        let dot = zip(embedding, clip.embedding).map { Double($0) * Double($1) }.reduce(0, +)
        let norms = embedding.map { Double($0) * Double($0) }.reduce(0, +).squareRoot()
            * clip.embedding.map { Double($0) * Double($0) }.reduce(0, +).squareRoot()
        #expect(meanDifference <= 0.1, "mean band difference \(meanDifference) dB")
        #expect(dot / norms >= 0.9998, "cosine \(dot / norms)")
    }

    @Test("silence is −100 dB in every band with no deviation")
    func silence() throws {
        let embedding = try LogMelEncoder().embedding(of: AudioClip(samples: [Float](repeating: 0, count: 5_000), sampleRate: 22_050))
        #expect(embedding.prefix(128).allSatisfy { abs($0 + 100) < 1e-4 })
        #expect(embedding.suffix(128).allSatisfy { $0 == 0 })
    }

    @Test("a pure tone is loudest in the band around its frequency")
    func tonePeak() throws {
        let samples = (0..<22_050).map { Float(0.5 * sin(2 * Double.pi * 1_000 * Double($0) / 22_050)) }
        let means = try LogMelEncoder().embedding(of: AudioClip(samples: samples, sampleRate: 22_050)).prefix(128)
        let loudest = means.indices.max { means[$0] < means[$1] }!
        // Slaney's scale puts 1 kHz at mel 15 and 11,025 Hz at 15 + 27 ln(11.025) / ln 6.4;
        // band b is centred at mel (b + 1) / 129 of that range.
        let top = 15 + 27 * log(11.025) / log(6.4)
        let nearest = Int((15 / top * 129).rounded()) - 1
        #expect(nearest == 38)
        #expect(loudest == nearest, "loudest band \(loudest)")
    }

    @Test("encode gives one 256-column row per clip, in order, and names a bad clip by index")
    func batches() async throws {
        let encoder = LogMelEncoder()
        let a = AudioClip(samples: (0..<4_000).map { Float(sin(Double($0) * 0.3)) }, sampleRate: 22_050)
        let b = AudioClip(samples: [Float](repeating: 0.1, count: 3_000), sampleRate: 22_050)
        let matrix = try await encoder.encode([a, b, a])
        #expect(matrix.rowCount == 3 && matrix.columnCount == 256)
        let first = try encoder.embedding(of: a), second = try encoder.embedding(of: b)
        for column in 0..<256 {
            #expect(matrix[0, column] == first[column] && matrix[2, column] == first[column])
            #expect(matrix[1, column] == second[column])
        }
        let empty = try await encoder.encode([])
        #expect(empty.rowCount == 0 && empty.columnCount == 256)
        await #expect(throws: AudioEmbeddingError.emptyAudio(source: "clip 1")) {
            try await encoder.encode([a, AudioClip(samples: [], sampleRate: 22_050)])
        }
        await #expect(throws: AudioEmbeddingError.nonFiniteSample(source: "clip 0", index: 2)) {
            try await encoder.encode([AudioClip(samples: [0, 0, .nan, 0], sampleRate: 22_050)])
        }
    }

    @Test("the identifier names every setting that changes the vectors")
    func identifier() {
        #expect(LogMelEncoder().identifier
            == "log-mel-mean-std@sr22050-nfft2048-hop512-mels128-fmin0.0-fmax11025.0-slaney-power2-amin1e-10-top80.0-sinc32")
        var configuration = LogMelSpectrogram.Configuration()
        configuration.melBandCount = 64
        let encoder = LogMelEncoder(configuration: configuration)
        #expect(encoder.dimension == 128)
        #expect(encoder.identifier != LogMelEncoder().identifier)
    }

    @Test("AudioFileEncoder decodes WAV paths and names a missing file")
    func files() async throws {
        let clip = AudioReference.shared.clips[0]
        let encoder = AudioFileEncoder(LogMelEncoder())
        let matrix = try await encoder.encode([clip.path])
        let direct = try LogMelEncoder().embedding(of: WAVDecoder().decode(contentsOf: clip.path))
        #expect((0..<256).allSatisfy { matrix[0, $0] == direct[$0] })
        #expect(encoder.identifier == LogMelEncoder().identifier)
        await #expect(throws: AudioEmbeddingError.fileNotFound(path: "/nonexistent/clip.wav")) {
            try await encoder.encode([clip.path, "/nonexistent/clip.wav"])
        }
    }
}

@Suite("LogMelSpectrogram limits")
struct LogMelSpectrogramLimitTests {
    @Test("a clip whose resampled length exceeds the limit is refused before resampling")
    func resampledLength() {
        let clip = AudioClip(samples: [Float](repeating: 0.1, count: 1_000), sampleRate: 1)
        #expect(throws: AudioEmbeddingError.tooLong(source: "x.wav", frameCount: 22_050_000, limit: 1_000_000)) {
            var configuration = LogMelSpectrogram.Configuration()
            configuration.maximumSampleCount = 1_000_000
            _ = try LogMelSpectrogram(configuration: configuration).frames(of: clip, source: "x.wav")
        }
    }

    @Test("samples beyond ±2²⁰ are refused, so powers cannot overflow")
    func magnitude() {
        let clip = AudioClip(samples: [0, 0.5, 2e6, 0], sampleRate: 22_050)
        #expect(throws: AudioEmbeddingError.sampleOutOfRange(source: "x.wav", index: 2)) {
            _ = try LogMelSpectrogram().frames(of: clip, source: "x.wav")
        }
        let loud = AudioClip(samples: (0..<4_096).map { $0 % 2 == 0 ? 1_048_576 : -1_048_576 }, sampleRate: 22_050)
        #expect((try? LogMelEncoder().embedding(of: loud))?.allSatisfy(\.isFinite) == true)
    }
}
