import FeatureEncoding

/// A declarative description of how the raw columns of an attribute table become
/// side-information blocks: which column, which encoder, what weight and preprocessing.
///
/// A pipeline is a plain value. ``fitted(on:encoders:media:)`` learns every encoder's state from
/// a table (TF-IDF weights, vocabularies, bucket edges, means and deviations); the
/// ``FittedFeaturePipeline`` it returns encodes any rows with exactly that state, rows
/// the fit never saw included, and is saved with the joint model so that a loaded model
/// places new items and users from their raw attributes.
///
/// ```swift
/// let pipeline = FeaturePipeline([
///     .text("title"),
///     .categorical("genres", weight: 0.3),
///     .numeric("year", .buckets(width: 1)),
///     .cross("genres", "year", bucketWidth: 10, weight: 0.3),
/// ])
/// // The same blocks, with the settings that measured best (see `standard(text:categorical:numeric:)`):
/// let standard = FeaturePipeline.standard(text: ["title"], categorical: ["genres"], numeric: ["year"])
/// ```
public struct FeaturePipeline: Sendable, Hashable {
    /// The blocks, in the order they are built.
    public var blocks: [Block]

    /// A pipeline of `blocks`.
    public init(_ blocks: [Block] = []) {
        self.blocks = blocks
    }

    /// The most columns a block of a pipeline may have (a vocabulary, a host encoder's
    /// dimension): 2²⁴, as `HashingTextEncoder.maximumDimension`. Larger sizes throw
    /// instead of allocating; so does a block of more than
    /// `SideInformationBlock.maximumElementCount` values.
    public static let maximumDimension = HashingTextEncoder.maximumDimension

    /// One block: its name, where its features come from, its weight and preprocessing.
    public struct Block: Sendable, Hashable {
        /// The block's name, unique on its side of a model.
        public var name: String
        /// The column(s) and the encoding.
        public var source: Source
        /// The block's weight in the joint objective.
        public var weight: Double
        /// Column and row transformations, fitted on the fitting table's present rows.
        public var preprocessing: BlockPreprocessing

        /// A block; `name` defaults to the column (or `CATEGORIES×NUMBER` for a cross).
        public init(name: String? = nil, _ source: Source, weight: Double = 1, preprocessing: BlockPreprocessing = .none) {
            self.name = name ?? source.defaultName
            self.source = source
            self.weight = weight
            self.preprocessing = preprocessing
        }

        /// A text column through `encoder`.
        public static func text(_ column: String, encoder: TextEncoding = .hashing(), weight: Double = 1) -> Block {
            Block(.text(column: column, encoder: encoder), weight: weight)
        }

        /// A column of `separator`-separated categories, multi-hot encoded; categories in
        /// `ignoring` (such as `"(no genres listed)"`) are left out of the vocabulary.
        public static func categorical(
            _ column: String, separator: Character = "|", ignoring: Set<String> = [], weight: Double = 1
        ) -> Block {
            Block(.categorical(column: column, separator: separator, ignoring: ignoring), weight: weight)
        }

        /// A numeric column: standardised, one-hot buckets, or (the default) chosen by the
        /// fit from the column's values. Empty cells are missing.
        public static func numeric(
            _ column: String, _ representation: NumericEncoder.Representation = .automatic, weight: Double = 1
        ) -> Block {
            Block(.numeric(column: column, representation: representation), weight: weight)
        }

        /// The cross of a category column and a bucketed numeric column: one category per
        /// (category, bucket) pair, such as a genre in a decade. A `nil` width is chosen by
        /// the fit: ``NumericEncoder/coarseBucketWidth(from:to:)`` of the column's values
        /// (decades for years from 1902 to 2016).
        public static func cross(
            _ categoryColumn: String, _ numericColumn: String, bucketWidth: Double? = nil, separator: Character = "|",
            weight: Double = 1
        ) -> Block {
            Block(.cross(categoryColumn: categoryColumn, numericColumn: numericColumn, bucketWidth: bucketWidth,
                         separator: separator), weight: weight)
        }

        /// A column of image file paths (relative to the table file's folder, or absolute)
        /// through the image encoder the host supplies under `encoder` in
        /// ``MediaColumnOptions/images``. Empty cells, missing and unreadable files are
        /// absent rows.
        public static func image(_ column: String, encoder: String, weight: Double = 1) -> Block {
            Block(.image(column: column, encoder: encoder), weight: weight)
        }

        /// A column of audio file paths (relative to the table file's folder, or absolute)
        /// through the audio encoder the host supplies under `encoder` in
        /// ``MediaColumnOptions/audio``. Empty cells, missing and unreadable files are
        /// absent rows.
        public static func audio(_ column: String, encoder: String, weight: Double = 1) -> Block {
            Block(.audio(column: column, encoder: encoder), weight: weight)
        }
    }

    /// Where a block's features come from.
    public enum Source: Sendable, Hashable {
        /// A text column through a text encoder.
        case text(column: String, encoder: TextEncoding)
        /// A multi-hot column of separated categories.
        case categorical(column: String, separator: Character, ignoring: Set<String>)
        /// A numeric column.
        case numeric(column: String, representation: NumericEncoder.Representation)
        /// Categories crossed with the buckets of a numeric column; a `nil` width is chosen
        /// by the fit (a fitted pipeline's specification always holds the width chosen).
        case cross(categoryColumn: String, numericColumn: String, bucketWidth: Double?, separator: Character)
        /// A column of image file paths through the image encoder over paths that the
        /// host supplies under the name `encoder` (``MediaColumnOptions/images``), at fit
        /// time and again after loading a model. As for a provided text encoder, its
        /// weights are not saved; its identifier is, and a different encoder is refused.
        case image(column: String, encoder: String)
        /// A column of audio file paths through the audio encoder over paths that the host
        /// supplies under the name `encoder` (``MediaColumnOptions/audio``); otherwise as
        /// ``image(column:encoder:)``.
        case audio(column: String, encoder: String)

        /// The columns the source reads.
        public var columns: [String] {
            switch self {
            case let .text(column, _), let .categorical(column, _, _), let .numeric(column, _), let .image(column, _),
                 let .audio(column, _):
                [column]
            case let .cross(categoryColumn, numericColumn, _, _): [categoryColumn, numericColumn]
            }
        }

        var defaultName: String {
            switch self {
            case let .text(column, _), let .categorical(column, _, _), let .numeric(column, _), let .image(column, _),
                 let .audio(column, _):
                column
            case let .cross(categoryColumn, numericColumn, _, _): "\(categoryColumn)×\(numericColumn)"
            }
        }

        /// Whether the source is a column of image or audio files; `nil` for the others.
        public var mediaKind: MediaKind? {
            switch self {
            case .image: .image
            case .audio: .audio
            case .text, .categorical, .numeric, .cross: nil
            }
        }
    }

    /// How a text column is encoded.
    public enum TextEncoding: Sendable, Hashable {
        /// ``HashingTextEncoder``: TF-IDF weighted, hashed word and character n-grams,
        /// fitted on the table; its state is saved with the model.
        ///
        /// The default dimension, 256, measured as well as 512 and 1,024 on MovieLens titles
        /// at half the map's width (`Docs/Fusion.md`).
        case hashing(dimension: Int = 256, wordNGrams: ClosedRange<Int> = 1...2, characterNGrams: ClosedRange<Int>? = 3...5)
        /// An encoder the host supplies under this name, at fit time and again after
        /// loading a model (a MiniLM `SentenceEncoder`, a client of an embedding service).
        /// Its weights are not saved; its `FeatureEncoder.identifier` is, and a different
        /// encoder is refused.
        case provided(String)
    }

    /// Checks names, weights and sizes before anything is read or allocated.
    ///
    /// - Throws: ``FusionError/invalidParameter(name:value:reason:)`` naming the block.
    public func validate() throws(FusionError) {
        var names = Set<String>()
        for block in blocks {
            guard !block.name.isEmpty else { throw .invalidParameter(name: "block name", value: "\"\"", reason: "must not be empty") }
            guard names.insert(block.name).inserted else { throw .duplicateBlockName(block.name) }
            guard block.weight > 0, block.weight.isFinite else {
                throw .invalidParameter(name: "weight of block '\(block.name)'", value: "\(block.weight)",
                                        reason: "must be positive and finite")
            }
            switch block.source {
            case let .text(_, .hashing(dimension, wordNGrams, characterNGrams)):
                try HashingTextEncoder.checkSettings(
                    dimension: dimension, wordNGrams: wordNGrams, characterNGrams: characterNGrams, block: block.name)
            case .text(_, .provided), .categorical, .image, .audio:
                break
            case let .numeric(_, .buckets(width)), let .cross(_, _, width?, _):
                guard width > 0, width.isFinite else {
                    throw .invalidParameter(name: "bucket width of block '\(block.name)'", value: "\(width)",
                                            reason: "must be positive and finite")
                }
            case .numeric(_, .standardized), .numeric(_, .automatic), .cross(_, _, nil, _):
                break
            }
        }
    }
}
