import ArgumentParser
import Foundation
import FusionRec

/// Item side information for `--model fusion`: which columns of the `--items` table become
/// blocks, how they are encoded and weighted, and the joint model's side settings.
struct SideInformationOptions: ParsableArguments {
    enum TextEncoderName: String, ExpressibleByArgument, CaseIterable {
        case hashing
        case minilm
    }

    @Option(name: .customLong("text-column"), help: "A text column of --items, encoded by --text-encoder (repeatable).")
    var textColumns: [String] = []
    @Option(name: .customLong("categorical-column"),
            help: "A column of |-separated categories of --items, multi-hot encoded (repeatable).")
    var categoricalColumns: [String] = []
    @Option(name: .customLong("numeric-column"),
            help: "A numeric column of --items: NAME (one-hot when its values are whole numbers spanning at most 256, such as years; standardised otherwise), NAME=WIDTH (one-hot buckets of WIDTH, e.g. year=10 for decades) or NAME=standardized. Empty cells are missing (repeatable; a later one for the same column replaces the representation).")
    var numericColumns: [String] = []
    @Option(name: .customLong("cross-column"),
            help: "A cross of a category column and a bucketed numeric column, CATEGORIES,NUMBER=WIDTH (e.g. genres,year=10: one category per genre and decade) (repeatable).")
    var crossColumns: [String] = []
    @Option(name: .customLong("image-column"),
            help: "A column of --items holding JPEG or PNG file paths (relative to the folder of the --items file, or absolute), encoded by --image-encoder; empty cells, missing and unreadable files are absent rows, counted on standard error (repeatable).")
    var imageColumns: [String] = []
    @Option(name: .customLong("audio-column"),
            help: "A column of --items holding WAV file paths (relative to the folder of the --items file, or absolute), encoded by --audio-encoder; empty cells, missing and unreadable files are absent rows, counted on standard error (repeatable).")
    var audioColumns: [String] = []
    @OptionGroup
    var media: MediaOptions
    @Flag(inversion: .prefixedNo,
          help: "Cross every --categorical-column with every --numeric-column in coarse buckets chosen from its values (genres × decade); a --cross-column of the same pair replaces its bucket width.")
    var crosses = true
    @Option(name: .customLong("block-weight"),
            help: "The weight of a block, NAME=W (default 0.3 for categorical columns and crosses, 1 for the others; repeatable).")
    var blockWeights: [String] = []
    @Option(help: "User attribute table (CSV; first column the user id unless --user-id-column) for the --user-…-column blocks; its users without training interactions are placed from their attributes (cold users).")
    var userTable: String?
    @Option(help: "The user id column of --user-table (default: the first column).")
    var userIdColumn: String?
    @Option(name: .customLong("user-text-column"), help: "A text column of --user-table, encoded by --text-encoder (repeatable).")
    var userTextColumns: [String] = []
    @Option(name: .customLong("user-categorical-column"), help: "A column of |-separated categories of --user-table (repeatable).")
    var userCategoricalColumns: [String] = []
    @Option(name: .customLong("user-numeric-column"), help: "A numeric column of --user-table, as --numeric-column (repeatable).")
    var userNumericColumns: [String] = []
    @Option(name: .customLong("user-block-weight"), help: "The weight of a user block, NAME=W (defaults as --block-weight; repeatable).")
    var userBlockWeights: [String] = []
    @Option(help: "How user blocks enter the user factors: offset (default) or collective.")
    var userSideModel: SideInformationModel = .offset
    @Option(help: "The text encoder for --text-column: hashing (TF-IDF of hashed word and character n-grams) or minilm (the all-MiniLM-L6-v2 sentence encoder; see Scripts/fetch-minilm.sh).")
    var textEncoder: TextEncoderName = .hashing
    @Option(help: "The MiniLM model folder (config.json, vocab.txt, model.safetensors) for --text-encoder minilm (default: FUSIONREC_MODEL_DIR or ~/.cache/fusionrec/all-MiniLM-L6-v2).")
    var modelDir: String?
    @Option(parsing: .unconditional, help: "The dimension of the hashing text encoder (1 to 16,777,216).")
    var hashingDimension: Int = 256
    @Option(help: "Word n-gram lengths of the hashing text encoder, FROM-TO (default 1-2).")
    var hashingWordNgrams: String = "1-2"
    @Option(help: "Character n-gram lengths (within words) of the hashing text encoder, FROM-TO, or none (default 3-5).")
    var hashingCharacterNgrams: String = "3-5"
    @Option(help: "The item id column of --items (default: the first column, movieId for MovieLens).")
    var itemIdColumn: String?
    @Option(help: "How item blocks enter the item factors: offset (default) or collective.")
    var itemSideModel: SideInformationModel = .offset
    @Option(parsing: .unconditional, help: "λ on the block loadings or the offset map (default 10).")
    var loadingRegularization: Double?
    @Option(parsing: .unconditional, help: "λ on the item offsets of the offset model (default: the factors' λ).")
    var offsetRegularization: Double?
    @Flag(help: "Also refit with each block removed in turn and report the change of every metric.")
    var ablateBlocks = false

    var isEmpty: Bool {
        textColumns.isEmpty && categoricalColumns.isEmpty && numericColumns.isEmpty && crossColumns.isEmpty
            && imageColumns.isEmpty && audioColumns.isEmpty
    }
    var hasUserColumns: Bool {
        !(userTextColumns.isEmpty && userCategoricalColumns.isEmpty && userNumericColumns.isEmpty)
    }

    /// The largest block weight, 10⁶: a weight is relative to the interactions' term, and
    /// far larger ones overflow the normal equations (`--block-weight title=1e308`).
    static let maximumBlockWeight = 1e6

    /// The side-information options given on the command line that only the fusion
    /// models use, for the usage error when another model is chosen.
    var fusionOnlyOptionsGiven: [String] {
        var given: [String] = []
        if !textColumns.isEmpty { given.append("--text-column") }
        if !categoricalColumns.isEmpty { given.append("--categorical-column") }
        if !numericColumns.isEmpty { given.append("--numeric-column") }
        if !crossColumns.isEmpty { given.append("--cross-column") }
        if !imageColumns.isEmpty { given.append("--image-column") }
        if !audioColumns.isEmpty { given.append("--audio-column") }
        if media.strict { given.append("--strict-media") }
        if !crosses { given.append("--no-crosses") }
        if !blockWeights.isEmpty { given.append("--block-weight") }
        if loadingRegularization != nil { given.append("--loading-regularization") }
        if offsetRegularization != nil { given.append("--offset-regularization") }
        if ablateBlocks { given.append("--ablate-blocks") }
        if userTable != nil { given.append("--user-table") }
        if hasUserColumns { given.append("--user-…-column") }
        if !userBlockWeights.isEmpty { given.append("--user-block-weight") }
        return given
    }

    /// Throws a usage error when `model` takes no side information but an option that
    /// only the fusion models use was given.
    func checkApplies(to model: ModelName) throws {
        guard model != .fusion, model != .fusionExplicit, let first = fusionOnlyOptionsGiven.first else { return }
        throw ValidationError("\(first) needs --model fusion or fusion-explicit; --model \(model.rawValue) takes no side information")
    }

    func validate() throws {
        guard (1...HashingTextEncoder.maximumDimension).contains(hashingDimension) else {
            throw ValidationError(
                "--hashing-dimension must be from 1 to \(HashingTextEncoder.maximumDimension), got \(hashingDimension)")
        }
        _ = try nGramRange(hashingWordNgrams, option: "--hashing-word-ngrams")
        if hashingCharacterNgrams != "none" { _ = try nGramRange(hashingCharacterNgrams, option: "--hashing-character-ngrams") }
        for (option, entries) in [("--block-weight", blockWeights), ("--user-block-weight", userBlockWeights)] {
            for entry in entries {
                guard let (_, weight) = split(entry), let value = _decimalNumber(weight), value > 0,
                      value <= Self.maximumBlockWeight
                else {
                    throw ValidationError("\(option) expects NAME=W with 0 < W ≤ \(Self.maximumBlockWeight), got \(entry)")
                }
            }
        }
        for entry in numericColumns { _ = try numericSpecification(entry, option: "--numeric-column") }
        for entry in userNumericColumns { _ = try numericSpecification(entry, option: "--user-numeric-column") }
        if hasUserColumns, userTable == nil {
            throw ValidationError("--user-text-column, --user-categorical-column and --user-numeric-column need --user-table")
        }
        for entry in crossColumns { _ = try crossSpecification(entry) }
        try checkPositive(loadingRegularization, "--loading-regularization")
        try checkPositive(offsetRegularization, "--offset-regularization")
    }

    /// The interaction part of the joint model: implicit (`fusion`) or explicit (`fusion-explicit`).
    enum Feedback {
        case implicit, explicit
    }

    /// The joint-factorization trainer for these options and the factorisation options:
    /// the interaction part takes implicit ALS's settings (`fusion`) or explicit ALS's
    /// (`fusion-explicit`).
    func trainer(_ factorization: FactorizationOptions, feedback: Feedback = .implicit) -> JointFactorization {
        var configuration: JointFactorization.Configuration
        switch feedback {
        case .implicit:
            // The joint model's own defaults (k, λ, α), not implicit ALS's: they were chosen
            // for it on warm and cold validation splits (Docs/Fusion.md).
            let interaction = factorization.implicitALS.configuration
            var implicit = JointFactorization.ImplicitFeedback(values: interaction.values, solver: interaction.solver)
            if let alpha = factorization.alpha { implicit.alpha = alpha }
            configuration = .init(
                feedback: .implicit(implicit), factorCount: factorization.factors,
                regularization: factorization.regularization, userModel: userSideModel, itemModel: itemSideModel,
                seed: interaction.seed)
            if let iterations = factorization.iterations { configuration.iterationCount = iterations }
        case .explicit:
            let interaction = factorization.explicitALS.configuration
            configuration = .init(
                feedback: .explicit(.init(biasRegularization: interaction.biasRegularization)),
                factorCount: interaction.factorCount, regularization: interaction.regularization,
                iterationCount: interaction.iterationCount, userModel: userSideModel, itemModel: itemSideModel,
                seed: interaction.seed)
        }
        if let loadingRegularization { configuration.loadingRegularization = loadingRegularization }
        if let offsetRegularization { configuration.offsetRegularization = offsetRegularization }
        return JointFactorization(configuration)
    }

    /// The item pipeline the column options describe: `FeaturePipeline.standard` of the
    /// columns — text through the hashing encoder or MiniLM (a provided encoder named
    /// `minilm`), categorical columns, numeric columns (automatic unless a representation
    /// is given), and their crosses unless `--no-crosses` — with the `--cross-column`s and
    /// `--block-weight`s applied.
    ///
    /// - Throws: a usage error when no block is named or a weight names no block.
    func pipeline() throws -> FeaturePipeline {
        guard !isEmpty else {
            throw ValidationError("--model fusion needs at least one block: --text-column, --categorical-column, --numeric-column, --cross-column, --image-column or --audio-column")
        }
        return try columnPipeline(
            text: textColumns, categorical: categoricalColumns, numeric: numericColumns, crosses: crossColumns,
            images: imageColumns, audio: audioColumns, weights: blockWeights, prefix: "")
    }

    /// The user pipeline of the `--user-…-column` options, built as ``pipeline()`` is, or
    /// `nil` when none is given.
    func userPipeline() throws -> FeaturePipeline? {
        guard hasUserColumns else { return nil }
        return try columnPipeline(
            text: userTextColumns, categorical: userCategoricalColumns, numeric: userNumericColumns, crosses: [],
            images: [], audio: [], weights: userBlockWeights, prefix: "user-")
    }

    /// The `--user-table`, read once.
    func readUserTable() throws -> AttributeTable<String>? {
        try userTable.map { try AttributeTable<String>(csvPath: $0, idColumn: userIdColumn) }
    }

    /// `FeaturePipeline.standard` of one side's columns with its crosses and weights
    /// (`prefix` is `user-` in the option names of the user side).
    private func columnPipeline(
        text textColumns: [String], categorical: [String], numeric numericEntries: [String], crosses crossEntries: [String],
        images: [String], audio: [String], weights: [String], prefix: String
    ) throws -> FeaturePipeline {
        let text: FeaturePipeline.TextEncoding
        switch textEncoder {
        case .hashing:
            text = .hashing(
                dimension: hashingDimension, wordNGrams: try nGramRange(hashingWordNgrams, option: "--hashing-word-ngrams"),
                characterNGrams: hashingCharacterNgrams == "none"
                    ? nil : try nGramRange(hashingCharacterNgrams, option: "--hashing-character-ngrams"))
        case .minilm:
            text = .provided(Self.miniLMEncoderName)
        }
        // A later entry for the same numeric column replaces the representation of an
        // earlier one (so that `tune`'s flags can follow the column options).
        let numeric = try numericEntries.map { try numericSpecification($0, option: "--\(prefix)numeric-column") }
        var numericNames: [String] = []
        for (name, _) in numeric where !numericNames.contains(name) { numericNames.append(name) }
        var blocks = FeaturePipeline.standard(
            text: textColumns, categorical: categorical, numeric: numericNames, textEncoding: text,
            crossing: self.crosses
        ).blocks
        for (name, representation) in numeric {
            guard let index = blocks.firstIndex(where: { $0.name == name }) else { continue }
            blocks[index].source = .numeric(column: name, representation: representation)
        }
        for entry in crossEntries {
            let (categoryColumn, numberColumn, width) = try crossSpecification(entry)
            let cross = FeaturePipeline.Block.cross(
                categoryColumn, numberColumn, bucketWidth: width, weight: FeaturePipeline.standardCategoricalWeight)
            if let index = blocks.firstIndex(where: { $0.name == cross.name }) {
                blocks[index] = cross
            } else {
                blocks.append(cross)
            }
        }
        for column in images where !blocks.contains(where: { $0.name == column }) {
            blocks.append(.image(column, encoder: media.imageEncoder.rawValue))
        }
        for column in audio where !blocks.contains(where: { $0.name == column }) {
            blocks.append(.audio(column, encoder: media.audioEncoder.rawValue))
        }
        for entry in weights {
            guard let (name, weight) = split(entry), let value = _decimalNumber(weight) else { continue }
            guard let index = blocks.firstIndex(where: { $0.name == name }) else {
                throw ValidationError("--\(prefix)block-weight names \(name), but there is no such block (blocks: \(blocks.map(\.name).joined(separator: ", ")))")
            }
            blocks[index].weight = value
        }
        return FeaturePipeline(blocks)
    }

    /// The name under which the MiniLM sentence encoder is supplied to the pipeline.
    static let miniLMEncoderName = "minilm"

    /// The host encoders the pipeline may name: MiniLM from `--model-dir` when
    /// `--text-encoder minilm` is chosen, loaded once per process.
    func encoders() async throws -> [String: any TextEncoder] {
        guard textEncoder == .minilm, !textColumns.isEmpty else { return [:] }
        return [Self.miniLMEncoderName: try await TextEncoderCache.shared.sentenceEncoder(modelDir ?? defaultMiniLMDirectory())]
    }

    /// The image and audio encoders and settings for the `--image-column`s and
    /// `--audio-column`s, or for the media blocks of `pipeline` (a loaded model's); see
    /// ``MediaOptions/mediaOptions(loading:)``.
    func mediaOptions(for pipeline: FeaturePipeline? = nil) async throws -> MediaColumnOptions {
        var names = MediaOptions.encoderNames(of: pipeline)
        if !imageColumns.isEmpty { names.images.insert(media.imageEncoder) }
        if !audioColumns.isEmpty { names.audio.insert(media.audioEncoder) }
        return try await media.mediaOptions(loading: names)
    }

    /// `FROM-TO` (or a single length) as a range of n-gram lengths of at least 1.
    private func nGramRange(_ text: String, option: String) throws -> ClosedRange<Int> {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard (1...2).contains(parts.count), let low = parts.first!, let high = parts.last!, low >= 1, low <= high else {
            throw ValidationError("\(option) expects FROM-TO with 1 ≤ FROM ≤ TO, got \(text)")
        }
        return low...high
    }

    /// `NAME` (automatic), `NAME=standardized` or `NAME=WIDTH` with a positive finite decimal width.
    private func numericSpecification(
        _ entry: String, option: String
    ) throws -> (name: String, representation: NumericEncoder.Representation) {
        guard let (name, value) = split(entry) else { return (entry, .automatic) }
        if !name.isEmpty, value == "standardized" { return (name, .standardized) }
        guard !name.isEmpty, let width = _decimalNumber(value), width > 0, width.isFinite else {
            throw ValidationError(
                "\(option) expects NAME, NAME=standardized or NAME=WIDTH with a positive finite WIDTH, got \(entry)")
        }
        return (name, .buckets(width: width))
    }

    /// `CATEGORIES,NUMBER=WIDTH`.
    private func crossSpecification(_ entry: String) throws -> (String, String, Double) {
        guard let (categoryColumn, numeric) = split(entry, separator: ","), !categoryColumn.isEmpty,
              let (numberColumn, value) = split(numeric), !numberColumn.isEmpty,
              let width = _decimalNumber(value), width > 0, width.isFinite
        else {
            throw ValidationError("--cross-column expects CATEGORIES,NUMBER=WIDTH with a positive finite WIDTH, got \(entry)")
        }
        return (categoryColumn, numberColumn, width)
    }

    private func split(_ entry: String, separator: Character = "=") -> (String, String)? {
        guard let index = entry.firstIndex(of: separator) else { return nil }
        return (String(entry[..<index]), String(entry[entry.index(after: index)...]))
    }
}

extension SideInformationModel: ExpressibleByArgument {}
