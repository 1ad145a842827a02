import AudioEmbedding
import Foundation
import FusionRec
import ImageDecoding
import ImageEmbedding

/// The folder `Scripts/fetch-minilm.sh` fills by default: `$FUSIONREC_MODEL_DIR`, else
/// `${XDG_CACHE_HOME:-$HOME/.cache}/fusionrec/all-MiniLM-L6-v2`.
func defaultMiniLMDirectory() -> String { modelDirectory(variable: "FUSIONREC_MODEL_DIR", folder: "all-MiniLM-L6-v2") }

/// `$variable` when set, else `${XDG_CACHE_HOME:-$HOME/.cache}/fusionrec/folder`.
private func modelDirectory(variable: String, folder: String) -> String {
    let environment = ProcessInfo.processInfo.environment
    if let directory = environment[variable], !directory.isEmpty { return directory }
    let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
        ?? (NSHomeDirectory() as NSString).appendingPathComponent(".cache")
    return (cache as NSString).appendingPathComponent("fusionrec/" + folder)
}

/// The folder `Scripts/fetch-efficientnet-lite0.sh` fills by default:
/// `$FUSIONREC_IMAGE_MODEL_DIR`, else `${XDG_CACHE_HOME:-$HOME/.cache}/fusionrec/efficientnet-lite0`.
func defaultEfficientNetDirectory() -> String {
    modelDirectory(variable: "FUSIONREC_IMAGE_MODEL_DIR", folder: "efficientnet-lite0")
}

/// The folder `Scripts/fetch-musicnn.sh` fills by default: `$FUSIONREC_MUSICNN_DIR`, else
/// `${XDG_CACHE_HOME:-$HOME/.cache}/fusionrec/musicnn`.
func defaultMusicnnDirectory() -> String { modelDirectory(variable: "FUSIONREC_MUSICNN_DIR", folder: "musicnn") }

/// Prints to standard error, per image or audio block, how many cells named a file that
/// was missing, unreadable or undecodable, and how many files were encoded or read from
/// the disk cache.
func reportMedia(_ options: MediaColumnOptions, table: String) async {
    let kinds = await options.report.kinds
    for (block, counts) in await options.report.blocks.sorted(by: { $0.key < $1.key }) {
        let kind = kinds[block]?.rawValue ?? "media"
        let cache = options.diskCache.map { " (cache \($0.directory))" } ?? ""
        FileHandle.standardError.write(Data(
            "fusionrec: \(kind) column \(block) of \(table): \(counts.missing) cells missing or unreadable, \(counts.undecodable) undecodable (absent rows); \(counts.encoded) files encoded, \(counts.cached) from the cache\(cache)\n".utf8))
    }
}

/// Whether `directory` holds the files a `SentenceEncoder` loads.
func hasMiniLMFiles(_ directory: String) -> Bool {
    ["config.json", "vocab.txt", "model.safetensors"].allSatisfy {
        FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent($0))
    }
}

/// Sentence, image and audio encoders and text vectors, loaded and computed once per
/// process: the demo fits several models over the same titles, and each fit builds its
/// blocks again.
actor TextEncoderCache {
    static let shared = TextEncoderCache()
    private var encoders: [EncoderKey: any Sendable] = [:]
    /// Vectors by encoder identifier and text, shared by every block built in this process.
    let vectors = EncodingCache<String>()

    /// An encoder by its type and the folder its weights come from.
    private struct EncoderKey: Hashable {
        var type: ObjectIdentifier
        var directory: String
    }

    /// The sentence encoder of `directory`, loaded on first use.
    func sentenceEncoder(_ directory: String) throws -> SentenceEncoder {
        try encoder(directory) { try SentenceEncoder(modelDirectory: $0) }
    }

    /// The EfficientNet-Lite0 encoder of `directory`, loaded on first use.
    func efficientNet(_ directory: String) throws -> EfficientNetLiteEncoder {
        try encoder(directory) { try EfficientNetLiteEncoder(modelDirectory: $0) }
    }

    /// The musicnn encoder (penultimate features) of `directory`, loaded on first use.
    func musicnn(_ directory: String) throws -> MusicnnEncoder {
        try encoder(directory) { try MusicnnEncoder(modelDirectory: $0) }
    }

    /// The `Encoder` that `load` reads from `directory`, loaded on first use.
    private func encoder<Encoder: Sendable>(
        _ directory: String, _ load: (String) throws -> Encoder
    ) rethrows -> Encoder {
        let key = EncoderKey(type: ObjectIdentifier(Encoder.self), directory: directory)
        if let encoder = encoders[key] as? Encoder { return encoder }
        let encoder = try load(directory)
        encoders[key] = encoder
        return encoder
    }
}
