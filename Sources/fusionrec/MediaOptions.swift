import ArgumentParser
import AudioEmbedding
import FusionRec
import ImageDecoding

/// How the image and audio columns of a pipeline are encoded: the encoders and their
/// weights, strict decoding, and the disk cache of embeddings.
struct MediaOptions: ParsableArguments {
    enum ImageEncoderName: String, ExpressibleByArgument, CaseIterable {
        case efficientnetLite0 = "efficientnet-lite0"
    }

    enum AudioEncoderName: String, ExpressibleByArgument, CaseIterable {
        case logMel = "log-mel"
    }

    @Option(help: "The image encoder for --image-column: efficientnet-lite0 (the 1,280 pooled features of EfficientNet-Lite0; see Scripts/fetch-efficientnet-lite0.sh).")
    var imageEncoder: ImageEncoderName = .efficientnetLite0
    @Option(help: "The EfficientNet-Lite0 weights folder for image columns (default: FUSIONREC_IMAGE_MODEL_DIR or ~/.cache/fusionrec/efficientnet-lite0).")
    var imageModelDir: String?
    @Option(help: "The audio encoder for --audio-column: log-mel (the mean and standard deviation of 128 log-mel bands of each WAV file, librosa's settings; no weights).")
    var audioEncoder: AudioEncoderName = .logMel
    @Flag(name: [.customLong("strict-media"), .customLong("strict-images")],
          help: "Stop with an error naming the file when a file of an --image-column or --audio-column cannot be decoded, instead of leaving its row absent.")
    var strict = false
    @Option(help: "The folder of image and audio embeddings cached by file content, so that a second fit decodes nothing (default: FUSIONREC_EMBEDDING_CACHE or ~/.cache/fusionrec/embeddings; none for no cache).")
    var embeddingCache: String?

    /// The media kinds of the blocks of `pipeline`.
    static func kinds(of pipeline: FeaturePipeline?) -> Set<MediaKind> {
        Set((pipeline?.blocks ?? []).compactMap(\.source.mediaKind))
    }

    /// Strictness, the disk cache and the encoders over file paths of the `kinds` given:
    /// EfficientNet-Lite0 of `--image-model-dir` (loaded once per process), log-mel.
    func mediaOptions(loading kinds: Set<MediaKind>) async throws -> MediaColumnOptions {
        let directory = embeddingCache ?? DiskEncodingCache.defaultDirectory
        var options = MediaColumnOptions(
            strict: strict, diskCache: directory == "none" ? nil : DiskEncodingCache(directory: directory))
        if kinds.contains(.image) {
            let folder = imageModelDir ?? defaultEfficientNetDirectory()
            options.images[imageEncoder.rawValue] = ImageFileEncoder(try await TextEncoderCache.shared.efficientNet(folder))
        }
        if kinds.contains(.audio) {
            options.audio[audioEncoder.rawValue] = AudioFileEncoder(LogMelEncoder())
        }
        return options
    }
}
