import Foundation
import FusionRec

/// The folder `Scripts/fetch-minilm.sh` fills by default: `$FUSIONREC_MODEL_DIR`, else
/// `${XDG_CACHE_HOME:-$HOME/.cache}/fusionrec/all-MiniLM-L6-v2`.
func defaultMiniLMDirectory() -> String {
    let environment = ProcessInfo.processInfo.environment
    if let directory = environment["FUSIONREC_MODEL_DIR"], !directory.isEmpty { return directory }
    let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
        ?? (NSHomeDirectory() as NSString).appendingPathComponent(".cache")
    return (cache as NSString).appendingPathComponent("fusionrec/all-MiniLM-L6-v2")
}

/// Whether `directory` holds the files a `SentenceEncoder` loads.
func hasMiniLMFiles(_ directory: String) -> Bool {
    ["config.json", "vocab.txt", "model.safetensors"].allSatisfy {
        FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent($0))
    }
}

/// Sentence encoders and their vectors, loaded and computed once per process: the demo fits
/// several models over the same titles, and each fit builds its blocks again.
actor TextEncoderCache {
    static let shared = TextEncoderCache()
    private var encoders: [String: SentenceEncoder] = [:]
    /// Vectors by encoder identifier and text, shared by every block built in this process.
    let vectors = EncodingCache<String>()

    /// The sentence encoder of `directory`, loaded on first use.
    func sentenceEncoder(_ directory: String) throws -> SentenceEncoder {
        if let encoder = encoders[directory] { return encoder }
        let encoder = try SentenceEncoder(modelDirectory: directory)
        encoders[directory] = encoder
        return encoder
    }
}
