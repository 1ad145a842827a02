import Factorization
import FeatureEncoding
import Fusion
import LinearAlgebra
import Ranking

/// Cold-item placement on a ``PlantedMultimodalCatalogue`` from each modality alone and
/// together, against popularity: the table of `fusionrec demo --multimodal`.
///
/// The item blocks — the hashed title, the picture through the host's image encoder, the
/// sound through its audio encoder — are built once for the whole catalogue (picture and
/// sound blocks centred and scaled to unit row norm, so that their weights compare).
/// Each row then fits a `JointFactorization` on the training interactions with a
/// subset of the blocks, places the cold items from those blocks alone, and ranks the
/// cold items for every user with a cold test item (`Ranker.evaluate(test:k:includingPerUser:blockSize:)`'s
/// cold-item metrics). Popularity has no counts for cold items, so it ranks them by
/// catalogue order: chance.
public struct MultimodalComparison: Sendable {
    /// One row: a model and its cold-item metrics.
    public struct Row: Sendable {
        /// `popularity`, or the blocks joined by ` + `.
        public var label: String
        /// The item blocks of the fit (empty for popularity).
        public var blocks: [String]
        /// Ranking metrics over the cold items.
        public var metrics: RankingMetrics
        /// Seconds to fit, place and evaluate (encoding excluded).
        public var seconds: Double
    }

    /// The rows, popularity first.
    public var rows: [Row]
    /// Seconds spent building the blocks (decoding and embedding every file, or reading
    /// the disk cache).
    public var encodingSeconds: Double
    /// The cut-off of the metrics.
    public var k: Int

    /// The block names of the title, picture and sound blocks.
    public static let textBlock = "title", imageBlock = "image", audioBlock = "audio"

    /// The joint model's settings for the demo: 32 factors, λ = 5, 15 iterations, the
    /// defaults otherwise (implicit feedback, offset item side).
    public static let defaultConfiguration = JointFactorization.Configuration(factorCount: 32, regularization: 5)

    /// Runs the comparison.
    ///
    /// - Parameters:
    ///   - catalogue: the planted catalogue.
    ///   - media: the host's encoders; `imageEncoder` must be in `media.images` when
    ///     `kinds` holds `.image`, `audioEncoder` in `media.audio` when it holds `.audio`.
    ///     Its report counts the absent rows (none for an intact catalogue).
    ///   - imageEncoder: the name of the image encoder in `media.images`.
    ///   - audioEncoder: the name of the audio encoder in `media.audio`.
    ///   - kinds: the modalities compared; rows needing another are left out.
    ///   - configuration: the joint model's settings.
    ///   - k: the cut-off.
    /// - Returns: rows for popularity, text, each media kind, the media kinds together and
    ///   (with both) all three blocks.
    /// - Throws: ``MultimodalDemoError/missingEncoder(kind:name:)``; the errors of the
    ///   pipeline (`FusionError`), of the fits and of the evaluation.
    public static func run(
        on catalogue: PlantedMultimodalCatalogue, media: MediaColumnOptions, imageEncoder: String = "image",
        audioEncoder: String = "audio", kinds: Set<MediaKind> = [.image, .audio],
        configuration: JointFactorization.Configuration = defaultConfiguration, k: Int = 10
    ) async throws -> MultimodalComparison {
        if kinds.contains(.image), media.images[imageEncoder] == nil {
            throw MultimodalDemoError.missingEncoder(kind: "image", name: imageEncoder)
        }
        if kinds.contains(.audio), media.audio[audioEncoder] == nil {
            throw MultimodalDemoError.missingEncoder(kind: "audio", name: audioEncoder)
        }
        let mediaPreprocessing = BlockPreprocessing(centerColumns: true, normalizeRows: true)
        var specification: [FeaturePipeline.Block] = [
            FeaturePipeline.Block(name: textBlock, .text(column: "title", encoder: .hashing())),
        ]
        if kinds.contains(.image) {
            specification.append(FeaturePipeline.Block(
                name: imageBlock, .image(column: "image", encoder: imageEncoder), preprocessing: mediaPreprocessing))
        }
        if kinds.contains(.audio) {
            specification.append(FeaturePipeline.Block(
                name: audioBlock, .audio(column: "audio", encoder: audioEncoder), preprocessing: mediaPreprocessing))
        }
        let start = ContinuousClock.now
        let pipeline = try FeaturePipeline(specification).fitted(on: catalogue.items, media: media)
        let blocks: [SideInformationBlock<String, Float>] = try await pipeline.blocks(for: catalogue.items, media: media)
        let encodingSeconds = Self.seconds(since: start)

        var rows: [Row] = []
        let popularityStart = ContinuousClock.now
        let popularity = try Ranker(model: Popularity<Float, String, String>(fitting: catalogue.training),
                                    training: catalogue.training, additionalItems: catalogue.coldItems)
        rows.append(Row(label: "popularity", blocks: [], metrics: try coldMetrics(popularity, catalogue, k: k),
                        seconds: Self.seconds(since: popularityStart)))
        let mediaBlocks = specification.dropFirst().map(\.name)
        var variants = [[textBlock]] + mediaBlocks.map { [$0] }
        if mediaBlocks.count > 1 { variants += [mediaBlocks, [textBlock] + mediaBlocks] }
        let trainer = JointFactorization(configuration)
        for names in variants {
            let fitStart = ContinuousClock.now
            let chosen = blocks.filter { names.contains($0.name) }
            let model = try trainer.fit(catalogue.training, itemBlocks: chosen, as: Float.self)
            let placed = try model.placingItems(catalogue.coldItems, from: chosen)
            let ranker = try Ranker(model: placed, training: catalogue.training)
            rows.append(Row(label: names.joined(separator: " + "), blocks: names,
                            metrics: try coldMetrics(ranker, catalogue, k: k), seconds: Self.seconds(since: fitStart)))
        }
        return MultimodalComparison(rows: rows, encodingSeconds: encodingSeconds, k: k)
    }

    /// The row labelled `label`, if any.
    public func row(_ label: String) -> Row? { rows.first { $0.label == label } }

    private static func coldMetrics(
        _ ranker: Ranker<Float, String, String>, _ catalogue: PlantedMultimodalCatalogue, k: Int
    ) throws -> RankingMetrics {
        let report = try ranker.evaluate(test: catalogue.test, k: k)
        guard let cold = report.coldItems else {
            throw MultimodalDemoError.invalidConfiguration(
                parameter: "coldShare", value: "\(catalogue.configuration.coldShare)",
                reason: "no user interacted with a cold item")
        }
        return cold
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}
