import Factorization
import LinearAlgebra

/// One modality of side information for users or for items: a named matrix of features
/// (dense, or sparse rows) with one row per entity, a weight, a presence mask and
/// preprocessing.
///
/// Rows are keyed by external id, so a block may cover entities the interaction data
/// lacks (cold items that can be ranked from their features) and may miss entities it
/// has (their rows are absent). A row whose entity lacks the modality altogether (no
/// image, an empty year) is marked absent with the presence mask rather than filled
/// with a fake value.
///
/// ```swift
/// let genres = try SideInformationBlock<Int, Float>(
///     name: "genres", ids: movieIDs, features: multiHot, weight: 1,
///     preprocessing: .init(normalizeRows: true))
/// ```
public struct SideInformationBlock<ID: Hashable & Sendable, Scalar: BLASScalar>: Sendable {
    /// The block's name, unique among the blocks of a model.
    public let name: String
    /// The weight of the block's term in the objective (or its prior strength).
    public var weight: Scalar
    /// The preprocessing applied to the rows.
    public let preprocessing: BlockPreprocessing
    /// The entities the rows describe; index `r` is row `r` of ``features``.
    public let ids: IDMap<ID>
    /// The preprocessed features, one row per id, dense or sparse as the block was
    /// built; absent rows are zero (empty).
    public let storage: BlockFeatures<Scalar>
    /// Whether each row holds the modality.
    public let presence: [Bool]
    /// The preprocessing fitted on the block's present rows, to replay on new rows.
    public let normalization: BlockNormalization<Scalar>
    /// The identifier of the encoder that produced the features, if one did.
    public let encoderIdentifier: String?

    /// Creates a block from a feature matrix whose row `r` describes `ids[r]`.
    ///
    /// - Parameters:
    ///   - name: the block's name, unique on its side of a model.
    ///   - ids: the entities, one per row of `features`.
    ///   - features: the raw feature rows.
    ///   - presence: whether each row holds the modality; `nil` means every row does.
    ///     Values in absent rows are ignored.
    ///   - weight: the block's weight in the joint objective.
    ///   - preprocessing: column and row transformations, fitted on the present rows.
    ///   - encoderIdentifier: the identifier of the encoder that produced `features`, if any.
    /// - Throws: ``FusionError/blockShape(block:reason:)`` when the ids, rows and mask
    ///   disagree in count or an id repeats; ``FusionError/nonFiniteFeature(block:row:column:)``
    ///   for NaN or infinity in a present row; ``FusionError/invalidParameter(name:value:reason:)``
    ///   for an empty name or a weight that is not positive and finite.
    public init(
        name: String, ids: [ID], features: Matrix<Scalar>, presence: [Bool]? = nil, weight: Scalar = 1,
        preprocessing: BlockPreprocessing = .none, encoderIdentifier: String? = nil
    ) throws(FusionError) {
        let (map, presence) = try Self.checked(
            name: name, ids: ids, rowCount: features.rowCount, presence: presence, weight: weight)
        let normalization = try BlockNormalization.fitted(
            to: features, presence: presence, preprocessing: preprocessing, block: name)
        self.init(name: name, weight: weight, preprocessing: preprocessing, ids: map, presence: presence,
                  normalization: normalization, encoderIdentifier: encoderIdentifier,
                  storage: .dense(normalization.apply(to: features, presence: presence)))
    }

    /// Creates a block from sparse feature rows (hashed text, multi-hot categories,
    /// buckets): row `r` describes `ids[r]`, and the block stays sparse through the fit,
    /// cold start and placement. It fits exactly as the dense block of the same rows.
    ///
    /// Column scaling and row normalisation keep rows sparse; centring does not, so it is
    /// refused (build a dense block to centre).
    ///
    /// - Parameters: as ``init(name:ids:features:presence:weight:preprocessing:encoderIdentifier:)``.
    /// - Throws: the errors of the dense initialiser, and
    ///   ``FusionError/invalidParameter(name:value:reason:)`` when `preprocessing` centres columns.
    /// - Complexity: O(rows + non-zero entries + dimension).
    public init(
        name: String, ids: [ID], features: SparseMatrix<Scalar>, presence: [Bool]? = nil, weight: Scalar = 1,
        preprocessing: BlockPreprocessing = .none, encoderIdentifier: String? = nil
    ) throws(FusionError) {
        let (map, presence) = try Self.checked(
            name: name, ids: ids, rowCount: features.rowCount, presence: presence, weight: weight)
        let normalization = try BlockNormalization.fitted(
            toSparse: features, presence: presence, preprocessing: preprocessing, block: name)
        let rows = try normalization.apply(toSparse: features, presence: presence, block: name)
        self.init(name: name, weight: weight, preprocessing: preprocessing, ids: map, presence: presence,
                  normalization: normalization, encoderIdentifier: encoderIdentifier, storage: .sparse(rows))
    }

    /// A block from features of either storage; see the dense and sparse initialisers.
    public init(
        name: String, ids: [ID], features: BlockFeatures<Scalar>, presence: [Bool]? = nil, weight: Scalar = 1,
        preprocessing: BlockPreprocessing = .none, encoderIdentifier: String? = nil
    ) throws(FusionError) {
        switch features {
        case .dense(let x):
            try self.init(name: name, ids: ids, features: x, presence: presence, weight: weight,
                          preprocessing: preprocessing, encoderIdentifier: encoderIdentifier)
        case .sparse(let x):
            try self.init(name: name, ids: ids, features: x, presence: presence, weight: weight,
                          preprocessing: preprocessing, encoderIdentifier: encoderIdentifier)
        }
    }

    private init(
        name: String, weight: Scalar, preprocessing: BlockPreprocessing, ids: IDMap<ID>, presence: [Bool],
        normalization: BlockNormalization<Scalar>, encoderIdentifier: String?, storage: BlockFeatures<Scalar>
    ) {
        self.name = name
        self.weight = weight
        self.preprocessing = preprocessing
        self.ids = ids
        self.presence = presence
        self.normalization = normalization
        self.encoderIdentifier = encoderIdentifier
        self.storage = storage
    }

    /// Checks the name, weight, row count and mask; returns the id map and the mask.
    private static func checked(
        name: String, ids: [ID], rowCount: Int, presence: [Bool]?, weight: Scalar
    ) throws(FusionError) -> (IDMap<ID>, [Bool]) {
        guard !name.isEmpty else { throw .invalidParameter(name: "block name", value: "\"\"", reason: "must not be empty") }
        guard weight > 0, weight.isFinite else {
            throw .invalidParameter(name: "weight of block '\(name)'", value: "\(weight)", reason: "must be positive and finite")
        }
        guard rowCount == ids.count else {
            throw .blockShape(block: name, reason: "\(rowCount) feature rows for \(ids.count) ids")
        }
        let presence = presence ?? [Bool](repeating: true, count: ids.count)
        guard presence.count == ids.count else {
            throw .blockShape(block: name, reason: "presence mask of \(presence.count) rows for \(ids.count) ids")
        }
        var map = IDMap<ID>()
        for (row, id) in ids.enumerated() {
            guard map.index(of: id) == nil else { throw .blockShape(block: name, reason: "id '\(id)' repeats at row \(row)") }
            _ = map.append(id)
        }
        return (map, presence)
    }

    /// The preprocessed features as a dense matrix, one row per id; absent rows are zero.
    ///
    /// - Complexity: O(1) for a dense block; a sparse block is expanded, O(rows × dimension)
    ///   time and memory — read ``storage`` instead.
    public var features: Matrix<Scalar> { storage.dense() }

    /// Whether the block stores its rows sparsely.
    public var isSparse: Bool { storage.isSparse }

    /// The number of feature columns.
    public var dimension: Int { storage.columnCount }

    /// Applies this block's fitted preprocessing to new raw rows (for example the
    /// features of a cold-start item), exactly as it was applied to the block's rows.
    ///
    /// - Throws: ``FusionError/blockShape(block:reason:)`` for the wrong column count and
    ///   ``FusionError/nonFiniteFeature(block:row:column:)``.
    public func preprocessed(_ rows: Matrix<Scalar>) throws(FusionError) -> Matrix<Scalar> {
        try normalization.validatedApply(to: rows, block: name)
    }

    /// Applies this block's fitted preprocessing to new raw sparse rows; see
    /// ``preprocessed(_:)-(Matrix<Scalar>)``.
    ///
    /// - Throws: ``FusionError/blockShape(block:reason:)`` for the wrong column count, and
    ///   ``FusionError/invalidParameter(name:value:reason:)`` when the block centres its
    ///   columns (the rows would no longer be sparse).
    public func preprocessed(_ rows: SparseMatrix<Scalar>) throws(FusionError) -> SparseMatrix<Scalar> {
        try normalization.validatedApply(toSparse: rows, block: name)
    }
}
