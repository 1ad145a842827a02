import AudioEmbedding

/// Decodes the input as a WAV file (bytes 0–3 and 8–11 are forced to "RIFF" and "WAVE",
/// so every input reaches the chunk parser): any failure must be a thrown
/// `AudioEmbeddingError`, and a decoded clip must be non-empty, finite and within the
/// frame limit. Clips short enough to analyse quickly (at most 4,096 samples after
/// resampling, rates 8–96 kHz) are embedded too, which must give 256 finite values or,
/// for float samples beyond ±2²⁰, `sampleOutOfRange`.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzWAV(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: count))
    if bytes.count >= 12 {
        bytes.replaceSubrange(0..<4, with: Array("RIFF".utf8))
        bytes.replaceSubrange(8..<12, with: Array("WAVE".utf8))
    }
    guard let clip = try? WAVDecoder(maximumFrameCount: 1_000_000).decode(bytes, source: "fuzz.wav") else { return 0 }
    precondition(!clip.samples.isEmpty && clip.samples.count <= 1_000_000, "decoded \(clip.samples.count) frames")
    precondition(clip.samples.allSatisfy(\.isFinite), "decoded a non-finite sample")
    let resampled = clip.samples.count * 22_050 / clip.sampleRate
    if (8_000...96_000).contains(clip.sampleRate), resampled <= 4_096 {
        do {
            let embedding = try LogMelEncoder().embedding(of: clip, source: "fuzz.wav")
            precondition(embedding.count == 256 && embedding.allSatisfy(\.isFinite), "bad embedding")
        } catch {
            guard case .sampleOutOfRange = error else { preconditionFailure("a decoded clip failed to embed: \(error)") }
        }
    }
    return 0
}
