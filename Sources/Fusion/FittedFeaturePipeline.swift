import Factorization
import FeatureEncoding
import LinearAlgebra

/// A ``FeaturePipeline`` with every encoder fitted: TF-IDF weights and n-gram settings,
/// vocabularies, bucket edges, means and deviations, and the identifiers of the encoders
/// the host supplies. It encodes any rows — the fitting table's, or rows it never saw —
/// with exactly that state.
///
/// A joint model fitted through a pipeline keeps it (and saves it in its model file), so
/// that after loading, new items and users are placed from their raw attributes.
public struct FittedFeaturePipeline: Sendable {
    /// The description the pipeline was fitted from.
    public let specification: FeaturePipeline
    /// Each block's fitted encoder, parallel to `specification.blocks`.
    let encoders: [FittedEncoder]

    /// A block's fitted encoder.
    enum FittedEncoder: Sendable {
        case hashing(HashingTextEncoder)
        /// A host encoder, known by the name it is supplied under and its identifier.
        case provided(name: String, identifier: String, dimension: Int)
        case categorical(CategoricalEncoder)
        case numeric(NumericEncoder)
        /// The vocabulary of `category@bucket` tokens and the bucket width.
        case cross(CategoricalEncoder, width: Double)
        /// A host image or audio encoder over file paths, known by its name and identifier.
        case media(MediaKind, name: String, identifier: String, dimension: Int)

        var identifier: String {
            switch self {
            case let .hashing(encoder): encoder.identifier
            case let .provided(_, identifier, _), let .media(_, _, identifier, _): identifier
            case let .categorical(encoder), let .cross(encoder, _): encoder.identifier
            case let .numeric(encoder): encoder.identifier
            }
        }

        var dimension: Int {
            switch self {
            case let .hashing(encoder): encoder.dimension
            case let .provided(_, _, dimension), let .media(_, _, _, dimension): dimension
            case let .categorical(encoder), let .cross(encoder, _): encoder.dimension
            case let .numeric(encoder): encoder.dimension
            }
        }
    }

    init(specification: FeaturePipeline, encoders: [FittedEncoder]) {
        precondition(specification.blocks.count == encoders.count, "one fitted encoder per block")
        self.specification = specification
        self.encoders = encoders
    }

    /// The identifier of the encoder behind each block, by block name, as recorded in the
    /// blocks this pipeline builds.
    public var encoderIdentifiers: [String: String] {
        Dictionary(uniqueKeysWithValues: zip(specification.blocks, encoders).map { ($0.name, $1.identifier) })
    }

    /// The number of columns of each block, by block name.
    public var blockDimensions: [String: Int] {
        Dictionary(uniqueKeysWithValues: zip(specification.blocks, encoders).map { ($0.name, $1.dimension) })
    }

    /// Builds the blocks of the rows of `table`, encoded with the fitted state; each block's
    /// preprocessing is fitted on these rows (as for training).
    ///
    /// Hashing text, categorical, bucketed numeric and cross blocks are built sparse (unless
    /// their preprocessing centres columns, which makes them dense); standardised numbers
    /// and host encoders' blocks dense. Image and audio paths are read relative to the
    /// folder of the table's file (the working directory for in-memory rows); empty cells,
    /// missing, unreadable and (unless `media.strict`) undecodable files are absent rows,
    /// counted in `media.report`.
    ///
    /// - Parameters:
    ///   - table: the rows; it must have every column the pipeline reads.
    ///   - encoders: the host's text encoders for the ``FeaturePipeline/TextEncoding/provided(_:)`` blocks, by name.
    ///   - media: the host's image and audio encoders, strictness, disk cache and report
    ///     for the image and audio blocks.
    ///   - cache: vectors the host's text encoders computed before.
    ///   - scalarType: the scalar of the blocks.
    /// - Throws: ``FusionError/invalidColumn(table:column:reason:)`` for a missing column or an
    ///   unreadable value (naming the row's id), ``FusionError/missingEncoder(block:name:)``,
    ///   ``FusionError/encoderMismatch(block:expected:found:)`` when a supplied encoder is
    ///   not the one the pipeline was fitted with, ``FusionError/unreadableImage(block:file:reason:)``
    ///   or ``FusionError/unreadableAudio(block:file:reason:)`` in strict mode, and what the encoders throw.
    public func blocks<ID, Scalar: BLASScalar>(
        for table: AttributeTable<ID>, encoders: [String: any TextEncoder] = [:],
        media: MediaColumnOptions = MediaColumnOptions(), cache: EncodingCache<String>? = nil,
        as scalarType: Scalar.Type = Scalar.self
    ) async throws -> [SideInformationBlock<ID, Scalar>] {
        var blocks: [SideInformationBlock<ID, Scalar>] = []
        for encoded in try await encodedColumns(
            of: table, encoders: encoders, media: media, cache: cache, mediaFolder: Self.mediaFolder(of: table))
        {
            blocks.append(try SideInformationBlock(
                name: encoded.block.name, ids: table.ids, features: encoded.features.converted(to: Scalar.self),
                presence: encoded.presence, weight: Scalar(encoded.block.weight), preprocessing: encoded.block.preprocessing,
                encoderIdentifier: encoded.identifier))
        }
        return blocks
    }

    /// One block's raw (not yet preprocessed) features for the rows of a table.
    struct EncodedColumn {
        var block: FeaturePipeline.Block
        var features: BlockFeatures<Float>
        var presence: [Bool]
        var identifier: String
    }

    /// Every block's raw features for the rows of `table`; relative image and audio paths are read
    /// from `mediaFolder`.
    func encodedColumns<ID>(
        of table: AttributeTable<ID>, encoders hostEncoders: [String: any TextEncoder],
        media: MediaColumnOptions = MediaColumnOptions(), cache: EncodingCache<String>?, mediaFolder: String? = nil
    ) async throws -> [EncodedColumn] {
        let mediaFolder = mediaFolder ?? Self.mediaFolder(of: table)
        var result: [EncodedColumn] = []
        for (block, encoder) in zip(specification.blocks, encoders) {
            let sparse = !block.preprocessing.centerColumns
            let features: BlockFeatures<Float>, presence: [Bool]
            switch (block.source, encoder) {
            case let (.text(column, _), .hashing(hashing)):
                let texts = try Self.column(column, of: table)
                presence = texts.map { !$0.isEmpty }
                features = sparse
                    ? .sparse(try await _sparseRows(zip(texts, presence).map { $1 ? $0 : nil }, using: hashing))
                    : .dense(try await Self.rows(texts, presence, hashing, cache: nil, block: block.name, count: table.count))
            case let (.text(column, _), .provided(name, identifier, _)):
                guard let host = hostEncoders[name] else { throw FusionError.missingEncoder(block: block.name, name: name) }
                guard host.identifier == identifier else {
                    throw FusionError.encoderMismatch(block: block.name, expected: identifier, found: host.identifier)
                }
                let texts = try Self.column(column, of: table)
                presence = texts.map { !$0.isEmpty }
                features = .dense(try await Self.rows(texts, presence, host, cache: cache, block: block.name, count: table.count))
            case let (.categorical(column, _, _), .categorical(categorical)):
                let values = try Self.column(column, of: table)
                presence = values.map { !$0.isEmpty }
                features = sparse
                    ? .sparse(try await _sparseRows(zip(values, presence).map { $1 ? $0 : nil }, using: categorical))
                    : .dense(try await Self.rows(values, presence, categorical, cache: nil, block: block.name, count: table.count))
            case let (.numeric(column, _), .numeric(numeric)):
                let values = try Self.numbers(column, of: table)
                presence = values.map { $0 != nil }
                if case .buckets = numeric.representation, sparse {
                    features = .sparse(try await _sparseRows(values, using: numeric))
                } else {
                    features = .dense(try await numeric.encode(values.map { $0 ?? 0 }))
                }
            case let (.cross(categoryColumn, numericColumn, _, separator), .cross(categorical, width)):
                let tokens = try Self.crossTokens(categoryColumn, numericColumn, width: width, separator: separator, of: table)
                presence = tokens.map { $0 != nil }
                features = sparse
                    ? .sparse(try await _sparseRows(tokens, using: categorical))
                    : .dense(try await Self.rows(tokens.map { $0 ?? "" }, presence, categorical, cache: nil,
                                                 block: block.name, count: table.count))
            case let (.image(column, _), .media(kind, name, identifier, _)),
                 let (.audio(column, _), .media(kind, name, identifier, _)):
                guard let host = media.encoder(kind, named: name) else {
                    throw FusionError.missingEncoder(block: block.name, name: name)
                }
                guard host.identifier == identifier else {
                    throw FusionError.encoderMismatch(block: block.name, expected: identifier, found: host.identifier)
                }
                let rows = try await Self.mediaRows(
                    try Self.column(column, of: table), kind: kind, folder: mediaFolder, encoder: host, options: media,
                    block: block.name)
                features = .dense(rows.features)
                presence = rows.presence
            default:
                preconditionFailure("block '\(block.name)': the fitted encoder does not match its source")
            }
            result.append(EncodedColumn(block: block, features: features, presence: presence, identifier: encoder.identifier))
        }
        return result
    }

    /// Rows of `encoder` for the present texts, zero rows for the absent ones, each
    /// distinct text encoded once and every batch validated.
    ///
    /// - Throws: ``FusionError/invalidParameter(name:value:reason:)`` when the dense block
    ///   would hold more than `SideInformationBlock.maximumElementCount` values, and what
    ///   encoding throws.
    private static func rows<Encoder: TextEncoder>(
        _ texts: [String], _ presence: [Bool], _ encoder: Encoder, cache: EncodingCache<String>?, block: String,
        count: Int
    ) async throws -> Matrix<Float> {
        let (elements, overflow) = count.multipliedReportingOverflow(by: encoder.dimension)
        guard !overflow, elements <= SideInformationBlock<Int, Float>.maximumElementCount else {
            throw FusionError.invalidParameter(
                name: "size of block '\(block)'", value: "\(count) rows × \(encoder.dimension) columns",
                reason: "dense blocks hold at most \(SideInformationBlock<Int, Float>.maximumElementCount) values")
        }
        let present = zip(texts, presence).compactMap { $1 ? $0 : nil }
        let vectors = try await encoder.encodedVectors(for: present, cache: cache)
        return Matrix<Float>._fromFloatRows(
            zip(texts, presence).map { $1 ? vectors[$0] : nil }, dimension: encoder.dimension)
    }

    /// The cells of `column`.
    static func column<ID>(_ column: String, of table: AttributeTable<ID>) throws(FusionError) -> [String] {
        guard let values = table.column(named: column) else {
            throw .invalidColumn(
                table: table.source, column: column, reason: "the table has no such column (columns: \(table.columnNames.joined(separator: ", ")))")
        }
        return values
    }

    /// The cells of `column` as numbers: `nil` for an empty cell, an error naming the row's
    /// id for anything else that is not a finite decimal number.
    package static func numbers<ID>(_ column: String, of table: AttributeTable<ID>) throws(FusionError) -> [Double?] {
        let cells = try Self.column(column, of: table)
        var result: [Double?] = []
        result.reserveCapacity(cells.count)
        for (row, cell) in cells.enumerated() {
            let text = cell.trimmingSpaces()
            if text.isEmpty {
                result.append(nil)
                continue
            }
            guard let value = _decimalNumber(text), value.isFinite else {
                throw .invalidColumn(table: table.source, column: column, reason: "id \(table.ids[row]): \"\(cell)\" is not a finite number")
            }
            result.append(value)
        }
        return result
    }

    /// `category@bucket` tokens joined by `separator`, `nil` where either column is missing.
    static func crossTokens<ID>(
        _ categoryColumn: String, _ numericColumn: String, width: Double, separator: Character, of table: AttributeTable<ID>
    ) throws(FusionError) -> [String?] {
        let categories = try column(categoryColumn, of: table)
        let values = try numbers(numericColumn, of: table)
        var result: [String?] = []
        for (row, (text, value)) in zip(categories, values).enumerated() {
            guard let value, !text.isEmpty else {
                result.append(nil)
                continue
            }
            let bucket: String
            do {
                bucket = try NumericEncoder.bucketName(of: value, width: width)
            } catch {
                throw .invalidColumn(table: table.source, column: numericColumn,
                                     reason: "id \(table.ids[row]): \(value) has no bucket of width \(width)")
            }
            result.append(text.split(separator: separator).map { "\($0)@\(bucket)" }.joined(separator: String(separator)))
        }
        return result
    }
}

extension Matrix where Scalar == Float {
    /// The matrix with every element converted to `Target`.
    func converted<Target: BLASScalar>(to _: Target.Type) -> Matrix<Target> {
        if let same = self as? Matrix<Target> { return same }
        var result = Matrix<Target>(rowCount: rowCount, columnCount: columnCount)
        withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                for index in source.indices { target[index] = Target(source[index]) }
            }
        }
        return result
    }
}

extension BlockFeatures where Scalar == Float {
    /// The features with every value converted to `Target`.
    func converted<Target: BLASScalar>(to _: Target.Type) -> BlockFeatures<Target> {
        switch self {
        case .dense(let x): .dense(x.converted(to: Target.self))
        case .sparse(let x): .sparse(x.converted(to: Target.self))
        }
    }
}
