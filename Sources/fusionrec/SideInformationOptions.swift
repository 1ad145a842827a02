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

    /// The item blocks for `--model fusion`, which needs `--items` and at least one block.
    func blocks<Scalar: BLASScalar>(
        _ table: AttributeTable<String>?, as scalarType: Scalar.Type = Scalar.self
    ) async throws -> [SideInformationBlock<String, Scalar>] {
        guard let table else { throw ValidationError("--model fusion and fusion-explicit need --items, the table its blocks come from") }
        guard !isEmpty else {
            throw ValidationError("--model fusion needs at least one block: --text-column, --categorical-column, --numeric-column or --cross-column")
        }
        return try await itemBlocks(from: table, as: scalarType)
    }

    /// Builds the item blocks from the columns of `table`.
    ///
    /// Encoders are fitted on `table` alone; `extraItems` (an id and its fields by column
    /// name, a missing column an empty field) are encoded with those same encoders and
    /// appended, so their rows can place new items in a model fitted on the table's blocks.
    func itemBlocks<Scalar: BLASScalar>(
        from table: AttributeTable<String>, extraItems: [(id: String, fields: [String: String])] = [],
        as scalarType: Scalar.Type = Scalar.self
    ) async throws -> [SideInformationBlock<String, Scalar>] {
        let ids = table.ids + extraItems.map(\.id)
        func extra(_ name: String) -> [String] { extraItems.map { $0.fields[name] ?? "" } }
        var weights: [String: Double] = [:]
        for entry in blockWeights {
            if let (name, weight) = split(entry) { weights[name] = Double(weight) }
        }
        var blocks: [SideInformationBlock<String, Scalar>] = []
        for name in textColumns {
            let texts = try column(name, of: table)
            let inputs = (texts + extra(name)).map { $0.isEmpty ? nil : $0 }
            switch textEncoder {
            case .hashing:
                let encoder = try HashingTextEncoder(
                    fittingOn: texts, dimension: hashingDimension,
                    wordNGrams: nGramRange(hashingWordNgrams, option: "--hashing-word-ngrams"),
                    characterNGrams: hashingCharacterNgrams == "none"
                        ? nil : nGramRange(hashingCharacterNgrams, option: "--hashing-character-ngrams"))
                blocks.append(try await .encoding(name: name, ids: ids, inputs: inputs, using: encoder,
                                                  weight: Scalar(weights[name] ?? 1)))
            case .minilm:
                let encoder = try await TextEncoderCache.shared.sentenceEncoder(modelDir ?? defaultMiniLMDirectory())
                blocks.append(try await .encoding(
                    name: name, ids: ids, inputs: inputs, using: encoder, cache: TextEncoderCache.shared.vectors,
                    batchSize: 4_096, weight: Scalar(weights[name] ?? 1)))
            }
        }
        for name in categoricalColumns {
            let values = try column(name, of: table)
            let encoder = CategoricalEncoder(fittingOn: values, ignoring: ["(no genres listed)"])
            guard encoder.dimension > 0 else {
                throw ValidationError("--categorical-column \(name): --items column \(name) has no categories (every cell is empty)")
            }
            blocks.append(try await .encoding(
                name: name, ids: ids, inputs: (values + extra(name)).map { $0.isEmpty ? nil : $0 }, using: encoder,
                weight: Scalar(weights[name] ?? 1)))
        }
        for entry in numericColumns {
            let (name, width) = try numericSpecification(entry, option: "--numeric-column")
            let values = try numbers(name, of: table)
            let present = values.compactMap { $0 }
            guard !present.isEmpty else { throw ValidationError("--items column \(name) has no numbers (every cell is empty)") }
            let encoder: NumericEncoder
            do {
                encoder = try NumericEncoder(
                    fittingOn: present, representation: width.map { .buckets(width: $0) } ?? .standardized)
            } catch {
                throw ValidationError("--numeric-column \(entry): --items column \(name) spans \(present.min()!) to \(present.max()!), "
                                      + "more than \(NumericEncoder.maximumBucketCount) buckets of width \(width ?? 0); choose a wider bucket")
            }
            let inputs = try values + numbers(extra(name), column: name, ids: extraItems.map(\.id))
            blocks.append(try await .encoding(name: name, ids: ids, inputs: inputs, using: encoder, weight: Scalar(weights[name] ?? 1)))
        }
        for entry in crossColumns {
            let (categoryColumn, numberColumn, width) = try crossSpecification(entry)
            func cross(_ categories: [String], _ values: [Double?]) throws -> [String?] {
                try zip(categories, values).map { text, value -> String? in
                    guard let value, !text.isEmpty else { return nil }
                    let bucket: String
                    do { bucket = try NumericEncoder.bucketName(of: value, width: width) } catch {
                        throw ValidationError("--cross-column \(entry): --items column \(numberColumn) value \(value) has no bucket of width \(width)")
                    }
                    return text.split(separator: "|").map { "\($0)@\(bucket)" }.joined(separator: "|")
                }
            }
            let crossed = try cross(column(categoryColumn, of: table), numbers(numberColumn, of: table))
            let extraCrossed = try cross(
                extra(categoryColumn), numbers(extra(numberColumn), column: numberColumn, ids: extraItems.map(\.id)))
            let name = "\(categoryColumn)×\(numberColumn)"
            let encoder = CategoricalEncoder(fittingOn: crossed.compactMap { $0 })
            blocks.append(try await .encoding(
                name: name, ids: ids, inputs: crossed + extraCrossed, using: encoder, weight: Scalar(weights[name] ?? 1)))
        }
        let names = Set(blocks.map(\.name))
        for name in weights.keys where !names.contains(name) {
            throw ValidationError("--block-weight names \(name), but there is no such block (blocks: \(names.sorted().joined(separator: ", ")))")
        }
        return blocks
    }

    /// `FROM-TO` (or a single length) as a range of n-gram lengths of at least 1.
    private func nGramRange(_ text: String, option: String) throws -> ClosedRange<Int> {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard (1...2).contains(parts.count), let low = parts.first!, let high = parts.last!, low >= 1, low <= high else {
            throw ValidationError("\(option) expects FROM-TO with 1 ≤ FROM ≤ TO, got \(text)")
        }
        return low...high
    }

    private func column(_ name: String, of table: AttributeTable<String>) throws -> [String] {
        guard let values = table.column(named: name) else {
            throw ValidationError("--items has no column \(name) (columns: \(table.columnNames.joined(separator: ", ")))")
        }
        return values
    }

    /// The column's values as numbers; empty cells are missing, anything else unparsable is an error.
    private func numbers(_ name: String, of table: AttributeTable<String>) throws -> [Double?] {
        try numbers(column(name, of: table), column: name, ids: table.ids)
    }

    /// `texts` (the fields of `column` for `ids`) as numbers.
    private func numbers(_ texts: [String], column name: String, ids: [String]) throws -> [Double?] {
        try zip(texts, ids).map { text, id in
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { return nil }
            guard let value = _decimalNumber(trimmed), value.isFinite else {
                throw ValidationError("--items column \(name), item \(id): \"\(text)\" is not a finite decimal number")
            }
            return value
        }
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
