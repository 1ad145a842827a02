import AudioEmbedding
import Testing

/// A WAV file built byte by byte, for malformed cases.
private func wav(
    format: UInt16 = 1, channels: UInt16 = 1, rate: UInt32 = 8_000, bits: UInt16 = 16, blockAlign: UInt16? = nil,
    extraChunks: [UInt8] = [], data: [UInt8], dataSize: UInt32? = nil, fmtFirst: Bool = true
) -> [UInt8] {
    func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
    let align = blockAlign ?? channels * bits / 8
    let fmt = Array("fmt ".utf8) + le32(16) + le16(format) + le16(channels) + le32(rate)
        + le32(rate * UInt32(align)) + le16(align) + le16(bits)
    let dataChunk = Array("data".utf8) + le32(dataSize ?? UInt32(data.count)) + data
    let body = Array("WAVE".utf8) + (fmtFirst ? fmt + extraChunks + dataChunk : dataChunk + fmt)
    return Array("RIFF".utf8) + le32(UInt32(body.count)) + body
}

@Suite("WAVDecoder")
struct WAVDecoderTests {
    @Test("decodes every fixture to the samples soundfile gives", arguments: AudioReference.shared.clips)
    func fixtures(_ clip: AudioReference.Clip) throws {
        let decoded = try WAVDecoder().decode(contentsOf: clip.path)
        #expect(decoded.sampleRate == clip.sample_rate)
        #expect(decoded.samples.count == clip.frame_count)
        #expect(Array(decoded.samples.prefix(64)) == clip.first_samples)
        let sum = decoded.samples.map(Double.init).reduce(0, +)
        let squares = decoded.samples.map { Double($0) * Double($0) }.reduce(0, +)
        #expect(abs(sum - clip.sample_sum) <= 1e-9 * max(1, abs(clip.sample_sum)))
        #expect(abs(squares - clip.sample_square_sum) <= 1e-9 * max(1, clip.sample_square_sum))
    }

    @Test("16-bit little-endian samples, an odd-sized chunk with its pad byte skipped")
    func handBuilt() throws {
        let list = Array("LIST".utf8) + [3, 0, 0, 0] + [1, 2, 3] + [0]
        let bytes = wav(extraChunks: list, data: [0x00, 0x40, 0x00, 0xC0, 0xFF, 0x7F])
        let clip = try WAVDecoder().decode(bytes)
        #expect(clip.sampleRate == 8_000)
        #expect(clip.samples == [0.5, -0.5, 32_767.0 / 32_768])
    }

    @Test("stereo is mixed to the mean of the channels; a partial last frame is dropped")
    func stereo() throws {
        let clip = try WAVDecoder().decode(wav(channels: 2, data: [0x00, 0x40, 0x00, 0x20, 0x00, 0x10]))
        #expect(clip.samples == [0.375])
    }

    @Test("malformed and unsupported files throw errors that name the source", arguments: [
        (Array("RIFX....WAVE".utf8), AudioEmbeddingError.notWAV(source: "x.wav")),
        ([UInt8](), .notWAV(source: "x.wav")),
        (wav(data: [0, 0], dataSize: 1_000), .malformedWAV(source: "x.wav", offset: 36, reason: "the data chunk declares 1000 bytes but only 2 follow")),
        (wav(data: [0, 0], fmtFirst: false), .malformedWAV(source: "x.wav", offset: 12, reason: "the data chunk comes before the fmt chunk")),
        (wav(blockAlign: 4, data: [0, 0]), .malformedWAV(source: "x.wav", offset: 12, reason: "block align 4 does not match 1 channels of 16 bits")),
        (wav(channels: 0, data: [0, 0]), .malformedWAV(source: "x.wav", offset: 12, reason: "0 channels")),
        (wav(rate: 0, data: [0, 0]), .malformedWAV(source: "x.wav", offset: 12, reason: "a sample rate of 0")),
        (wav(format: 7, bits: 8, data: [0, 0]), .unsupportedEncoding(source: "x.wav", reason: "format code 7 (only PCM and IEEE float are read)")),
        (wav(bits: 12, blockAlign: 2, data: [0, 0]), .unsupportedEncoding(source: "x.wav", reason: "12-bit integer PCM samples")),
        (wav(data: []), .emptyAudio(source: "x.wav")),
        (wav(format: 3, bits: 32, data: [0, 0, 0, 0, 0, 0, 0xC0, 0x7F]), .nonFiniteSample(source: "x.wav", index: 1)),
        (wav(format: 3, channels: 2, bits: 32, data: [0xFF, 0xFF, 0x7F, 0x7F, 0xFF, 0xFF, 0x7F, 0x7F]), .nonFiniteSample(source: "x.wav", index: 0)),
        (Array(wav(data: [0, 0]).prefix(30)), .malformedWAV(source: "x.wav", offset: 12, reason: "chunk 'fmt ' declares 16 bytes but only 10 follow")),
        (Array(wav(data: [0, 0]).prefix(36)), .malformedWAV(source: "x.wav", offset: 36, reason: "no data chunk")),
    ])
    func malformed(_ bytes: [UInt8], _ error: AudioEmbeddingError) {
        #expect(throws: error) { try WAVDecoder().decode(bytes, source: "x.wav") }
    }

    @Test("a clip longer than the frame limit is refused before decoding")
    func frameLimit() {
        #expect(throws: AudioEmbeddingError.tooLong(source: "x.wav", frameCount: 3, limit: 2)) {
            try WAVDecoder(maximumFrameCount: 2).decode(wav(data: [0, 0, 0, 0, 0, 0]), source: "x.wav")
        }
    }

    @Test("missing files and folders are named")
    func files() {
        #expect(throws: AudioEmbeddingError.fileNotFound(path: "/nonexistent.wav")) {
            try WAVDecoder().decode(contentsOf: "/nonexistent.wav")
        }
        #expect(throws: AudioEmbeddingError.unreadableFile(path: "/tmp", reason: "is a folder, not a file")) {
            try WAVDecoder().decode(contentsOf: "/tmp")
        }
    }
}
