import AudioEmbedding
import LinearAlgebra
import Testing

@Suite("AudioClip.wavBytes")
struct AudioClipWAVTests {
    @Test("known bytes: 16-bit levels, clamping, a non-finite sample written as 0, and the decoder reads them back")
    func knownAnswer() throws {
        let bytes = try AudioClip(samples: [0.5, -1, 2, .nan], sampleRate: 8_000).wavBytes()
        #expect(bytes.count == 44 + 8)
        #expect(Array(bytes.prefix(4)) == Array("RIFF".utf8) && bytes[4] == 44 && Array(bytes[8..<16]) == Array("WAVEfmt ".utf8))
        // PCM, mono, 8,000 Hz, 16,000 bytes a second, block align 2, 16 bits.
        #expect(Array(bytes[20..<36]) == [1, 0, 1, 0, 0x40, 0x1F, 0, 0, 0x80, 0x3E, 0, 0, 2, 0, 16, 0])
        #expect(Array(bytes[36..<44]) == Array("data".utf8) + [8, 0, 0, 0])
        #expect(Array(bytes[44...]) == [0x00, 0x40, 0x01, 0x80, 0xFF, 0x7F, 0x00, 0x00])
        let clip = try WAVDecoder().decode(bytes)
        #expect(clip.sampleRate == 8_000 && clip.samples == [0.5, -32_767.0 / 32_768, 32_767.0 / 32_768, 0])
    }

    /// The writer scales by 32,767 and the decoder divides by 32,768 (as soundfile does), so
    /// a sample comes back within half a level of rounding plus one level of scale.
    @Test("a seeded clip survives writing and decoding to within two 16-bit levels")
    func roundTrip() throws {
        var random = SplitMix64(seed: 9)
        let samples = (0..<5_000).map { _ in Float.random(in: -1...1, using: &random) }
        let decoded = try WAVDecoder().decode(try AudioClip(samples: samples, sampleRate: 22_050).wavBytes())
        #expect(decoded.sampleRate == 22_050 && decoded.samples.count == samples.count)
        #expect(zip(decoded.samples, samples).allSatisfy { abs($0 - $1) <= 2.0 / 32_767 })
    }

    @Test("a sample rate a WAV header cannot hold is an error naming the clip")
    func badRate() {
        #expect(throws: AudioEmbeddingError.unsupportedEncoding(source: "c", reason: "a sample rate of 2147483648 Hz")) {
            _ = try AudioClip(samples: [0], sampleRate: 1 << 31).wavBytes(source: "c")
        }
    }
}
