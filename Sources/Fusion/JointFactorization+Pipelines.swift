import Factorization
import FeatureEncoding
import LinearAlgebra

/// Side information given as raw attributes: a table and the pipeline that turns its
/// columns into blocks.
public struct Attributes<ID: Hashable & Sendable & LosslessStringConvertible>: Sendable {
    /// The rows, one per user or item (ids the interactions lack are allowed: they are
    /// the cold ones).
    public var table: AttributeTable<ID>
    /// How the columns become blocks.
    public var pipeline: FeaturePipeline

    /// Attributes from `table` through `pipeline`.
    public init(_ table: AttributeTable<ID>, pipeline: FeaturePipeline) {
        self.table = table
        self.pipeline = pipeline
    }
}

extension JointFactorization {
    /// Fits the pipelines on the attribute tables, builds the blocks, fits the joint model
    /// and keeps the fitted pipelines in it, so that the model — in this process or loaded
    /// from its file — places new users and items from their raw attributes
    /// (``JointFactorizationModel/placingItems(_:encoders:media:cache:)``).
    ///
    /// - Parameters:
    ///   - interactions: the training interactions.
    ///   - users: user attributes and their pipeline, if any.
    ///   - items: item attributes and their pipeline, or `nil` for user attributes alone
    ///     (no default, so that this call never reads as the block-based `fit`).
    ///   - encoders: the host's text encoders, by the names the pipelines' provided blocks use.
    ///   - media: the host's image and audio encoders, strictness, disk cache and report for the
    ///     pipelines' image and audio blocks.
    ///   - cache: vectors the host's text encoders computed before.
    ///   - scalarType: the scalar of the model.
    ///   - progress: called after each sweep.
    /// - Throws: the errors of ``FeaturePipeline/fitted(on:encoders:media:)``, of encoding, and of
    ///   ``fit(_:userBlocks:itemBlocks:as:progress:)``.
    public func fit<Scalar: BLASScalar, UserID, ItemID>(
        _ interactions: Interactions<UserID, ItemID>, users: Attributes<UserID>? = nil, items: Attributes<ItemID>?,
        encoders: [String: any TextEncoder] = [:], media: MediaColumnOptions = MediaColumnOptions(),
        cache: EncodingCache<String>? = nil, as scalarType: Scalar.Type = Scalar.self,
        progress: TrainingProgressHandler? = nil
    ) async throws -> JointFactorizationModel<Scalar, UserID, ItemID> {
        var userPipeline: FittedFeaturePipeline?, itemPipeline: FittedFeaturePipeline?
        var userBlocks: [SideInformationBlock<UserID, Scalar>] = [], itemBlocks: [SideInformationBlock<ItemID, Scalar>] = []
        if let users {
            let fitted = try users.pipeline.fitted(on: users.table, encoders: encoders, media: media)
            userBlocks = try await fitted.blocks(for: users.table, encoders: encoders, media: media, cache: cache)
            userPipeline = fitted
        }
        if let items {
            let fitted = try items.pipeline.fitted(on: items.table, encoders: encoders, media: media)
            itemBlocks = try await fitted.blocks(for: items.table, encoders: encoders, media: media, cache: cache)
            itemPipeline = fitted
        }
        return try fit(interactions, userBlocks: userBlocks, itemBlocks: itemBlocks, userPipeline: userPipeline,
                       itemPipeline: itemPipeline, as: scalarType, progress: progress)
    }

    /// ``fit(_:userBlocks:itemBlocks:as:progress:)`` on blocks that fitted pipelines built
    /// (``FittedFeaturePipeline/blocks(for:encoders:media:cache:as:)``), keeping the pipelines in
    /// the model. Use it to build (and time, or reuse) the blocks yourself.
    ///
    /// - Throws: the errors of ``fit(_:userBlocks:itemBlocks:as:progress:)``, and
    ///   ``FusionError/blockShape(block:reason:)`` when a pipeline does not build exactly its
    ///   side's blocks.
    public func fit<Scalar: BLASScalar, UserID, ItemID>(
        _ interactions: Interactions<UserID, ItemID>, userBlocks: [SideInformationBlock<UserID, Scalar>] = [],
        itemBlocks: [SideInformationBlock<ItemID, Scalar>] = [], userPipeline: FittedFeaturePipeline?,
        itemPipeline: FittedFeaturePipeline?, as scalarType: Scalar.Type = Scalar.self,
        progress: TrainingProgressHandler? = nil
    ) throws(FusionError) -> JointFactorizationModel<Scalar, UserID, ItemID> {
        var model = try fit(interactions, userBlocks: userBlocks, itemBlocks: itemBlocks, as: scalarType, progress: progress)
        try model.attach(userPipeline: userPipeline, itemPipeline: itemPipeline)
        return model
    }
}

extension JointFactorizationModel where ItemID: LosslessStringConvertible {
    /// The pipeline that builds the item blocks from raw attributes, when the model was
    /// fitted (or saved) with one.
    public var itemPipeline: FittedFeaturePipeline? { itemSide.pipeline }

    /// A model in which every item of `attributes` the model does not know is placed from
    /// its raw attributes through the model's own item pipeline — the fitted encoders and
    /// the training blocks' preprocessing — and appended; known items keep their factors.
    /// Nothing of the training data is needed and the catalogue is not encoded again.
    ///
    /// Items with none of the blocks' attributes (every cell empty) cannot be placed and
    /// are left out; ``placeableItems(in:)`` says which rows those are.
    ///
    /// - Parameters:
    ///   - attributes: rows with the columns the pipeline reads (other columns are ignored).
    ///   - encoders: the host's text encoders, by the names the pipeline's provided blocks use.
    ///   - media: the host's image and audio encoders and options for the pipeline's media blocks
    ///     (relative paths are read from the folder of `attributes`' file).
    ///   - cache: vectors the host's text encoders computed before.
    /// - Throws: ``FusionError/invalidParameter(name:value:reason:)`` when the model has no
    ///   item pipeline; the pipeline's errors (``FusionError/invalidColumn(table:column:reason:)``,
    ///   ``FusionError/missingEncoder(block:name:)``,
    ///   ``FusionError/encoderMismatch(block:expected:found:)``); and those of
    ///   ``placingItems(_:from:foldingIn:)``.
    /// - Complexity: encoding the new rows, then one k×k solve per new item (offset side:
    ///   a product with the map).
    public func placingItems(
        _ attributes: AttributeTable<ItemID>, encoders: [String: any TextEncoder] = [:],
        media: MediaColumnOptions = MediaColumnOptions(), cache: EncodingCache<String>? = nil
    ) async throws -> Self {
        let placed = try await itemFactors(placing: attributes, encoders: encoders, media: media, cache: cache)
        return placed.ids.isEmpty ? self : try addingItems(placed.ids, factors: placed.factors)
    }

    /// The rows ``placingItems(_:encoders:media:cache:)`` would append, without growing the model:
    /// the new placeable items of `attributes` and their factors from side information
    /// alone (an explicit model's bias for them is 0). A host that keeps its own storage
    /// (a live model) adds them there instead of copying the model's matrices.
    ///
    /// - Throws: as ``placingItems(_:encoders:media:cache:)``.
    /// - Complexity: encoding the new rows, then one k×k solve per new item.
    public func itemFactors(
        placing attributes: AttributeTable<ItemID>, encoders: [String: any TextEncoder] = [:],
        media: MediaColumnOptions = MediaColumnOptions(), cache: EncodingCache<String>? = nil
    ) async throws -> (ids: [ItemID], factors: Matrix<Scalar>) {
        let (ids, blocks) = try await Self.placementBlocks(
            attributes, known: itemIDs, side: itemSide, kind: "item", encoders: encoders, media: media, cache: cache)
        return (ids, ids.isEmpty ? Matrix(rowCount: 0, columnCount: factorCount) : try itemFactors(for: ids, from: blocks))
    }

    /// The ids of `attributes` that ``placingItems(_:encoders:media:cache:)`` would place: new to
    /// the model, with at least one cell the item pipeline reads.
    ///
    /// - Throws: ``FusionError/invalidColumn(table:column:reason:)`` for a column the pipeline needs.
    public func placeableItems(in attributes: AttributeTable<ItemID>) throws(FusionError) -> [ItemID] {
        guard let pipeline = itemSide.pipeline else { return [] }
        return try Self.placeable(attributes, known: itemIDs, pipeline: pipeline)
    }
}

extension JointFactorizationModel where UserID: LosslessStringConvertible {
    /// The pipeline that builds the user blocks from raw attributes, if any.
    public var userPipeline: FittedFeaturePipeline? { userSide.pipeline }

    /// A model in which every user of `attributes` the model does not know (a sign-up form:
    /// an age bracket, a country, stated interests) is placed from its raw attributes
    /// through the model's user pipeline; see ``placingItems(_:encoders:media:cache:)``.
    public func placingUsers(
        _ attributes: AttributeTable<UserID>, encoders: [String: any TextEncoder] = [:],
        media: MediaColumnOptions = MediaColumnOptions(), cache: EncodingCache<String>? = nil
    ) async throws -> Self {
        let placed = try await userFactors(placing: attributes, encoders: encoders, media: media, cache: cache)
        return placed.ids.isEmpty ? self : try addingUsers(placed.ids, factors: placed.factors)
    }

    /// The rows ``placingUsers(_:encoders:media:cache:)`` would append, without growing the
    /// model; see ``itemFactors(placing:encoders:media:cache:)``.
    public func userFactors(
        placing attributes: AttributeTable<UserID>, encoders: [String: any TextEncoder] = [:],
        media: MediaColumnOptions = MediaColumnOptions(), cache: EncodingCache<String>? = nil
    ) async throws -> (ids: [UserID], factors: Matrix<Scalar>) {
        let (ids, blocks) = try await Self.placementBlocks(
            attributes, known: userIDs, side: userSide, kind: "user", encoders: encoders, media: media, cache: cache)
        return (ids, ids.isEmpty ? Matrix(rowCount: 0, columnCount: factorCount) : try userFactors(for: ids, from: blocks))
    }

    /// The ids of `attributes` that ``placingUsers(_:encoders:media:cache:)`` would place: new to
    /// the model, with at least one cell the user pipeline reads.
    ///
    /// - Throws: ``FusionError/invalidColumn(table:column:reason:)`` for a column the pipeline needs.
    public func placeableUsers(in attributes: AttributeTable<UserID>) throws(FusionError) -> [UserID] {
        guard let pipeline = userSide.pipeline else { return [] }
        return try Self.placeable(attributes, known: userIDs, pipeline: pipeline)
    }
}

extension JointFactorizationModel {
    /// Keeps the pipelines that built the blocks of each side.
    mutating func attach(userPipeline: FittedFeaturePipeline?, itemPipeline: FittedFeaturePipeline?) throws(FusionError) {
        var users = userSide, items = itemSide
        if let userPipeline { try users.attach(userPipeline) }
        if let itemPipeline { try items.attach(itemPipeline) }
        self = Self(userIDs: userIDs, itemIDs: itemIDs, userFactors: userFactors, itemFactors: itemFactors,
                    globalBias: globalBias, userBiases: userBiases, itemBiases: itemBiases, configuration: configuration,
                    userSide: users, itemSide: items)
    }

    /// Rows of `attributes` new to `known` with at least one cell the pipeline reads.
    static func placeable<ID: LosslessStringConvertible>(
        _ attributes: AttributeTable<ID>, known: IDMap<ID>, pipeline: FittedFeaturePipeline
    ) throws(FusionError) -> [ID] {
        var columns: [[String]] = []
        for column in Set(pipeline.specification.blocks.flatMap(\.source.columns)).sorted() {
            columns.append(try FittedFeaturePipeline.column(column, of: attributes))
        }
        return attributes.ids.enumerated().compactMap { row, id in
            !known.contains(id) && columns.contains { !$0[row].trimmingSpaces().isEmpty } ? id : nil
        }
    }

    /// The new rows of `attributes`, encoded by the pipeline of `side` and preprocessed as
    /// its trained blocks were, as blocks the cold-start update reads.
    static func placementBlocks<ID: LosslessStringConvertible>(
        _ attributes: AttributeTable<ID>, known: IDMap<ID>, side: SideInformationLoadings<Scalar>, kind: String,
        encoders: [String: any TextEncoder], media: MediaColumnOptions, cache: EncodingCache<String>?
    ) async throws -> (ids: [ID], blocks: [SideInformationBlock<ID, Scalar>]) {
        guard let pipeline = side.pipeline else {
            throw FusionError.invalidParameter(name: "\(kind) pipeline", value: "none",
                                               reason: "the model was not fitted through a feature pipeline")
        }
        let ids = try placeable(attributes, known: known, pipeline: pipeline)
        guard !ids.isEmpty else { return ([], []) }
        let rows = ids.map { attributes.values[attributes.rowIndex(of: $0)!] }
        let table = try AttributeTable<ID>(columnNames: attributes.columnNames, rows: rows, idColumn: attributes.idColumn)
        var blocks: [SideInformationBlock<ID, Scalar>] = []
        // The rows are copied into an in-memory table: relative image paths stay relative
        // to the folder of the caller's file.
        for encoded in try await pipeline.encodedColumns(
            of: table, encoders: encoders, media: media, cache: cache,
            mediaFolder: FittedFeaturePipeline.mediaFolder(of: attributes))
        {
            guard let summary = side.block(named: encoded.block.name) else { throw FusionError.unknownBlock(encoded.block.name) }
            let features: BlockFeatures<Scalar>
            switch encoded.features.converted(to: Scalar.self) {
            case .sparse(let x) where summary.normalization.columnMeans.allSatisfy({ $0 == 0 }):
                features = .sparse(try summary.normalization.validatedApply(toSparse: x, block: summary.name))
            case let other:
                features = .dense(try summary.normalization.validatedApply(to: other.dense(), block: summary.name))
            }
            blocks.append(try SideInformationBlock(
                name: summary.name, ids: ids, features: features, presence: encoded.presence, weight: summary.weight,
                encoderIdentifier: encoded.identifier))
        }
        return (ids, blocks)
    }
}
