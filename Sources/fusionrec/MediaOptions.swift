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
        case musicnn
    }

    @Option(help: "The image encoder for --image-column: efficientnet-lite0 (the 1,280 pooled features of EfficientNet-Lite0; see Scripts/fetch-efficientnet-lite0.sh).")
    var imageEncoder: ImageEncoderName = .efficientnetLite0
    @Option(help: "The EfficientNet-Lite0 weights folder for image columns (default: FUSIONREC_IMAGE_MODEL_DIR or ~/.cache/fusionrec/efficientnet-lite0).")
    var imageModelDir: String?
    @Option(help: "The audio encoder for --audio-column: log-mel (the mean and standard deviation of 128 log-mel bands of each WAV file, librosa's settings; no weights) or musicnn (the 200 penultimate features of musicnn's Million Song Dataset model, averaged over 3-second patches; clips shorter than 2.976 s are undecodable; see Scripts/fetch-musicnn.sh).")
    var audioEncoder: AudioEncoderName = .logMel
    @Option(help: "The musicnn weights folder for audio columns (default: FUSIONREC_MUSICNN_DIR or ~/.cache/fusionrec/musicnn).")
    var audioModelDir: String?
    @Flag(name: [.customLong("strict-media"), .customLong("strict-images")],
          help: "Stop with an error naming the file when a file of an --image-column or --audio-column cannot be decoded, instead of leaving its row absent.")
    var strict = false
    @Option(help: "The folder of image and audio embeddings cached by file content, so that a second fit decodes nothing (default: FUSIONREC_EMBEDDING_CACHE or ~/.cache/fusionrec/embeddings; none for no cache).")
    var embeddingCache: String?

    /// Image and audio encoders, by the names media blocks give them.
    struct EncoderNames {
        var images: Set<ImageEncoderName> = []
        var audio: Set<AudioEncoderName> = []
    }

    /// The encoders the image and audio blocks of `pipeline` name, among those the command
    /// line offers; a block naming another is left to the fit's or the placement's
    /// `FusionError.missingEncoder`.
    static func encoderNames(of pipeline: FeaturePipeline?) -> EncoderNames {
        var names = EncoderNames()
        for block in pipeline?.blocks ?? [] {
            switch block.source {
            case let .image(_, encoder): if let name = ImageEncoderName(rawValue: encoder) { names.images.insert(name) }
            case let .audio(_, encoder): if let name = AudioEncoderName(rawValue: encoder) { names.audio.insert(name) }
            case .text, .categorical, .numeric, .cross: break
            }
        }
        return names
    }

    /// Strictness, the disk cache and the encoders over file paths that `names` lists:
    /// EfficientNet-Lite0 of `--image-model-dir` and musicnn of `--audio-model-dir` (each
    /// loaded once per process), log-mel.
    func mediaOptions(loading names: EncoderNames) async throws -> MediaColumnOptions {
        let directory = embeddingCache ?? DiskEncodingCache.defaultDirectory
        var options = MediaColumnOptions(
            strict: strict, diskCache: directory == "none" ? nil : DiskEncodingCache(directory: directory))
        for name in names.images {
            switch name {
            case .efficientnetLite0:
                let folder = imageModelDir ?? defaultEfficientNetDirectory()
                options.images[name.rawValue] = ImageFileEncoder(try await TextEncoderCache.shared.efficientNet(folder))
            }
        }
        for name in names.audio {
            switch name {
            case .logMel:
                options.audio[name.rawValue] = AudioFileEncoder(LogMelEncoder())
            case .musicnn:
                let folder = audioModelDir ?? defaultMusicnnDirectory()
                options.audio[name.rawValue] = AudioFileEncoder(try await TextEncoderCache.shared.musicnn(folder))
            }
        }
        return options
    }
}
