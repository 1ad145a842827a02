import Factorization
import FeatureEncoding

extension FeaturePipeline {
    /// Fits every block's encoder on the rows of `table`.
    ///
    /// Hashing text blocks learn their TF-IDF weights from the column's non-empty cells,
    /// categorical blocks their vocabulary, numeric blocks their mean and deviation or
    /// bucket edges (empty cells are missing and left out), crosses the vocabulary of their
    /// (category, bucket) pairs. A ``TextEncoding/provided(_:)`` block records the
    /// identifier and dimension of the encoder supplied under its name, and so do image and
    /// audio blocks (``FeaturePipeline/Block/image(_:encoder:weight:)``,
    /// ``FeaturePipeline/Block/audio(_:encoder:weight:)``) of the encoders in `media`.
    ///
    /// - Parameters:
    ///   - table: the fitting rows, usually the training catalogue.
    ///   - encoders: the host's text encoders, by the names the pipeline's blocks use.
    ///   - media: the host's image and audio encoders over file paths, by the names the blocks use.
    /// - Throws: the errors of ``validate()``; ``FusionError/invalidColumn(table:column:reason:)``
    ///   for a missing column, a column with nothing to fit (all cells empty, no category)
    ///   or a value that is not a number; ``FusionError/missingEncoder(block:name:)``;
    ///   ``FusionError/invalidParameter(name:value:reason:)`` for a fitted size above
    ///   ``maximumDimension``.
    /// - Complexity: one pass over each column read.
    public func fitted<ID>(
        on table: AttributeTable<ID>, encoders: [String: any TextEncoder] = [:],
        media: MediaColumnOptions = MediaColumnOptions()
    ) throws(FusionError) -> FittedFeaturePipeline {
        try validate()
        var fitted: [FittedFeaturePipeline.FittedEncoder] = []
        // Choices left to the fit (an automatic representation, a cross's width) are
        // written into the fitted specification, so that it describes exactly what is encoded.
        var resolved = self
        for (index, block) in blocks.enumerated() {
            let encoder: FittedFeaturePipeline.FittedEncoder
            switch block.source {
            case let .text(column, .hashing(dimension, wordNGrams, characterNGrams)):
                let texts = try FittedFeaturePipeline.column(column, of: table).filter { !$0.isEmpty }
                guard !texts.isEmpty else { throw .invalidColumn(table: table.source, column: column, reason: "every cell is empty: no text to fit") }
                encoder = .hashing(try HashingTextEncoder(
                    fittingOn: texts, dimension: dimension, wordNGrams: wordNGrams, characterNGrams: characterNGrams))
            case let .text(column, .provided(name)):
                guard let host = encoders[name] else { throw .missingEncoder(block: block.name, name: name) }
                _ = try FittedFeaturePipeline.column(column, of: table)
                guard (1...Self.maximumDimension).contains(host.dimension) else {
                    throw .invalidParameter(name: "dimension of encoder '\(name)'", value: "\(host.dimension)",
                                            reason: "must be in 1...\(Self.maximumDimension)")
                }
                encoder = .provided(name: name, identifier: host.identifier, dimension: host.dimension)
            case let .image(column, name), let .audio(column, name):
                let kind: MediaKind = if case .audio = block.source { .audio } else { .image }
                guard let host = media.encoder(kind, named: name) else { throw .missingEncoder(block: block.name, name: name) }
                _ = try FittedFeaturePipeline.column(column, of: table)
                guard (1...Self.maximumDimension).contains(host.dimension) else {
                    throw .invalidParameter(name: "dimension of encoder '\(name)'", value: "\(host.dimension)",
                                            reason: "must be in 1...\(Self.maximumDimension)")
                }
                encoder = .media(kind, name: name, identifier: host.identifier, dimension: host.dimension)
            case let .categorical(column, separator, ignoring):
                let values = try FittedFeaturePipeline.column(column, of: table)
                let categorical = CategoricalEncoder(fittingOn: values, separator: separator, ignoring: ignoring)
                try Self.checkVocabulary(categorical, column: column, of: table.source)
                encoder = .categorical(categorical)
            case let .numeric(column, representation):
                let values = try FittedFeaturePipeline.numbers(column, of: table).compactMap { $0 }
                guard !values.isEmpty else { throw .invalidColumn(table: table.source, column: column, reason: "every cell is empty: no number to fit") }
                let numeric: NumericEncoder
                do {
                    numeric = try NumericEncoder(fittingOn: values, representation: representation)
                } catch {
                    throw .invalidColumn(table: table.source, column: column, reason: error.description)
                }
                encoder = .numeric(numeric)
                resolved.blocks[index].source = .numeric(column: column, representation: numeric.representation)
            case let .cross(categoryColumn, numericColumn, givenWidth, separator):
                let width: Double
                if let givenWidth {
                    width = givenWidth
                } else {
                    let values = try FittedFeaturePipeline.numbers(numericColumn, of: table).compactMap { $0 }
                    guard let low = values.min(), let high = values.max() else {
                        throw .invalidColumn(table: table.source, column: numericColumn,
                                             reason: "every cell is empty: no number to fit")
                    }
                    width = NumericEncoder.coarseBucketWidth(from: low, to: high)
                    resolved.blocks[index].source = .cross(
                        categoryColumn: categoryColumn, numericColumn: numericColumn, bucketWidth: width,
                        separator: separator)
                }
                let tokens = try FittedFeaturePipeline.crossTokens(
                    categoryColumn, numericColumn, width: width, separator: separator, of: table)
                let categorical = CategoricalEncoder(fittingOn: tokens.compactMap { $0 }, separator: separator)
                try Self.checkVocabulary(categorical, column: "\(categoryColumn)×\(numericColumn)", of: table.source)
                encoder = .cross(categorical, width: width)
            }
            fitted.append(encoder)
        }
        return FittedFeaturePipeline(specification: resolved, encoders: fitted)
    }

    private static func checkVocabulary(_ encoder: CategoricalEncoder, column: String, of table: String) throws(FusionError) {
        guard encoder.dimension > 0 else { throw .invalidColumn(table: table, column: column, reason: "holds no category to fit") }
        guard encoder.dimension <= maximumDimension else {
            throw .invalidColumn(table: table, column: column,
                                 reason: "\(encoder.dimension) categories, at most \(maximumDimension) are supported")
        }
    }
}
