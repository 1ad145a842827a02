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
            help: "A numeric column of --items: NAME (standardised) or NAME=WIDTH (one-hot buckets of WIDTH, e.g. year=10 for decades). Empty cells are missing (repeatable).")
    var numericColumns: [String] = []
    @Option(name: .customLong("cross-column"),
            help: "A cross of a category column and a bucketed numeric column, CATEGORIES,NUMBER=WIDTH (e.g. genres,year=10: one category per genre and decade) (repeatable).")
    var crossColumns: [String] = []
    @Option(name: .customLong("block-weight"), help: "The weight of a block, NAME=W (default 1; repeatable).")
    var blockWeights: [String] = []
    @Option(help: "The text encoder for --text-column: hashing (TF-IDF of hashed word and character n-grams) or minilm (the all-MiniLM-L6-v2 sentence encoder; see Scripts/fetch-minilm.sh).")
    var textEncoder: TextEncoderName = .hashing
    @Option(help: "The MiniLM model folder (config.json, vocab.txt, model.safetensors) for --text-encoder minilm (default: FUSIONREC_MODEL_DIR or ~/.cache/fusionrec/all-MiniLM-L6-v2).")
    var modelDir: String?
    @Option(parsing: .unconditional, help: "The dimension of the hashing text encoder (1 to 16,777,216).")
    var hashingDimension: Int = 512
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

    var isEmpty: Bool { textColumns.isEmpty && categoricalColumns.isEmpty && numericColumns.isEmpty && crossColumns.isEmpty }

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
        if !blockWeights.isEmpty { given.append("--block-weight") }
        if loadingRegularization != nil { given.append("--loading-regularization") }
        if offsetRegularization != nil { given.append("--offset-regularization") }
        if ablateBlocks { given.append("--ablate-blocks") }
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
        for entry in blockWeights {
            guard let (_, weight) = split(entry), let value = _decimalNumber(weight), value > 0,
                  value <= Self.maximumBlockWeight
            else {
                throw ValidationError("--block-weight expects NAME=W with 0 < W ≤ \(Self.maximumBlockWeight), got \(entry)")
            }
        }
        for entry in numericColumns { _ = try numericSpecification(entry, option: "--numeric-column") }
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
            let interaction = factorization.implicitALS.configuration
            configuration = .init(
                feedback: .implicit(.init(alpha: interaction.alpha, values: interaction.values, solver: interaction.solver)),
                factorCount: interaction.factorCount, regularization: interaction.regularization,
                iterationCount: interaction.iterationCount, itemModel: itemSideModel, seed: interaction.seed)
        case .explicit:
            let interaction = factorization.explicitALS.configuration
            configuration = .init(
                feedback: .explicit(.init(biasRegularization: interaction.biasRegularization)),
                factorCount: interaction.factorCount, regularization: interaction.regularization,
                iterationCount: interaction.iterationCount, itemModel: itemSideModel, seed: interaction.seed)
        }
        if let loadingRegularization { configuration.loadingRegularization = loadingRegularization }
        if let offsetRegularization { configuration.offsetRegularization = offsetRegularization }
        return JointFactorization(configuration)
    }

    /// The item pipeline the column options describe: text columns through the hashing
    /// encoder or MiniLM (a provided encoder named `minilm`), categorical columns (with
    /// MovieLens' `(no genres listed)` left out of the vocabulary), numeric columns
    /// standardised or bucketed, crosses, and the `--block-weight`s.
    ///
    /// - Throws: a usage error when no block is named or a weight names no block.
    func pipeline() throws -> FeaturePipeline {
        guard !isEmpty else {
            throw ValidationError("--model fusion needs at least one block: --text-column, --categorical-column, --numeric-column or --cross-column")
        }
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
        var blocks: [FeaturePipeline.Block] = textColumns.map { .text($0, encoder: text) }
        blocks += categoricalColumns.map { .categorical($0, ignoring: ["(no genres listed)"]) }
        for entry in numericColumns {
            let (name, width) = try numericSpecification(entry, option: "--numeric-column")
            blocks.append(.numeric(name, width.map { .buckets(width: $0) } ?? .standardized))
        }
        for entry in crossColumns {
            let (categoryColumn, numberColumn, width) = try crossSpecification(entry)
            blocks.append(.cross(categoryColumn, numberColumn, bucketWidth: width))
        }
        for entry in blockWeights {
            guard let (name, weight) = split(entry), let value = _decimalNumber(weight) else { continue }
            guard let index = blocks.firstIndex(where: { $0.name == name }) else {
                throw ValidationError("--block-weight names \(name), but there is no such block (blocks: \(blocks.map(\.name).joined(separator: ", ")))")
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

    /// `FROM-TO` (or a single length) as a range of n-gram lengths of at least 1.
    private func nGramRange(_ text: String, option: String) throws -> ClosedRange<Int> {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard (1...2).contains(parts.count), let low = parts.first!, let high = parts.last!, low >= 1, low <= high else {
            throw ValidationError("\(option) expects FROM-TO with 1 ≤ FROM ≤ TO, got \(text)")
        }
        return low...high
    }

    /// `NAME` or `NAME=WIDTH` with a positive finite decimal width.
    private func numericSpecification(_ entry: String, option: String) throws -> (String, Double?) {
        guard let (name, width) = split(entry) else { return (entry, nil) }
        guard !name.isEmpty, let value = _decimalNumber(width), value > 0, value.isFinite else {
            throw ValidationError("\(option) expects NAME or NAME=WIDTH with a positive finite WIDTH, got \(entry)")
        }
        return (name, value)
    }

    /// `CATEGORIES,NUMBER=WIDTH`.
    private func crossSpecification(_ entry: String) throws -> (String, String, Double) {
        guard let (categoryColumn, numeric) = split(entry, separator: ","), !categoryColumn.isEmpty,
              case let (numberColumn, width?) = try numericSpecification(numeric, option: "--cross-column")
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
