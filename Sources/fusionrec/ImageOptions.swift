import ArgumentParser
import FusionRec
import ImageDecoding

/// How the image columns of a pipeline are encoded: the encoder and its weights, strict
/// decoding, and the disk cache of embeddings.
struct ImageOptions: ParsableArguments {
    enum EncoderName: String, ExpressibleByArgument, CaseIterable {
        case efficientnetLite0 = "efficientnet-lite0"
    }

    @Option(help: "The image encoder for --image-column: efficientnet-lite0 (the 1,280 pooled features of EfficientNet-Lite0; see Scripts/fetch-efficientnet-lite0.sh).")
    var imageEncoder: EncoderName = .efficientnetLite0
    @Option(help: "The EfficientNet-Lite0 weights folder for image columns (default: FUSIONREC_IMAGE_MODEL_DIR or ~/.cache/fusionrec/efficientnet-lite0).")
    var imageModelDir: String?
    @Flag(help: "Stop with an error naming the file when an image of an image column cannot be decoded, instead of leaving its row absent.")
    var strictImages = false
    @Option(help: "The folder of image embeddings cached by file content, so that a second fit decodes nothing (default: FUSIONREC_EMBEDDING_CACHE or ~/.cache/fusionrec/embeddings; none for no cache).")
    var embeddingCache: String?

    /// Whether `pipeline` has an image block.
    static func hasImageBlocks(_ pipeline: FeaturePipeline?) -> Bool {
        (pipeline?.blocks ?? []).contains { if case .image = $0.source { true } else { false } }
    }

    /// Strictness, the disk cache and, when `loading`, the EfficientNet-Lite0 encoder of
    /// `--image-model-dir` over file paths (loaded once per process).
    func imageOptions(loading: Bool) async throws -> ImageColumnOptions {
        let directory = embeddingCache ?? DiskEncodingCache.defaultDirectory
        var options = ImageColumnOptions(
            strict: strictImages, diskCache: directory == "none" ? nil : DiskEncodingCache(directory: directory))
        guard loading else { return options }
        let folder = imageModelDir ?? defaultEfficientNetDirectory()
        options.encoders[imageEncoder.rawValue] = ImageFileEncoder(try await TextEncoderCache.shared.efficientNet(folder))
        return options
    }
}
