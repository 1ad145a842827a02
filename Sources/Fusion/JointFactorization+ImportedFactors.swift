import Factorization
import LinearAlgebra

extension JointFactorization {
    /// A joint model around factors trained elsewhere — Spark MLlib ALS on a cluster,
    /// `implicit`, an earlier FusionRec fit: the user and item factors are kept exactly as
    /// given, and only each side's side-information part is fitted, with the factors held
    /// fixed. With the offset item model that is the map D from blocks to factors,
    /// D = (ZᵀZ + (λ_D/λₒ)I)⁻¹·Zᵀ·V; with the collective model the loadings, each a ridge
    /// regression of its block on the factors. Neither needs the interactions, so the map
    /// fits on one machine however large the interaction data that trained the factors.
    ///
    /// The model then places cold items (and users) from their side information as a model
    /// fitted by ``fit(_:userBlocks:itemBlocks:as:progress:)`` does; with `itemPipeline`
    /// (the pipeline that built `itemBlocks`) it places them from raw attributes, also
    /// after saving and loading. Only the configuration's side-information settings
    /// (models, λ, λ_D, λₒ) and its factor count are used; the feedback must be implicit,
    /// since imported factors carry no biases.
    ///
    /// - Parameters:
    ///   - userIDs: the users, one per row of `userFactors`.
    ///   - userFactors: `users × k` factors.
    ///   - itemIDs: the items, one per row of `itemFactors`.
    ///   - itemFactors: `items × k` factors.
    ///   - userBlocks: side information of users (the map is fitted on the users it covers).
    ///   - itemBlocks: side information of items.
    ///   - userPipeline: the fitted pipeline that built `userBlocks`, if one did.
    ///   - itemPipeline: the fitted pipeline that built `itemBlocks`, if one did.
    /// - Throws: ``FusionError/invalidParameter(name:value:reason:)`` for explicit feedback or a
    ///   bad configuration, ``FusionError/blockShape(block:reason:)`` when the factors and ids
    ///   disagree in count, the factor counts differ from `configuration.factorCount`, or an
    ///   id repeats, ``FusionError/nonFiniteFeature(block:row:column:)`` for NaN or infinite
    ///   factors, and the errors of the blocks' alignment and the map's solve.
    /// - Complexity: O(non-zero block entries × k + (Σdⱼ)²·(Σdⱼ + k)) per side for the offset
    ///   model; no pass over interactions.
    public func fitSideInformation<Scalar: BLASScalar, UserID, ItemID>(
        userIDs: [UserID], userFactors: Matrix<Scalar>, itemIDs: [ItemID], itemFactors: Matrix<Scalar>,
        userBlocks: [SideInformationBlock<UserID, Scalar>] = [], itemBlocks: [SideInformationBlock<ItemID, Scalar>] = [],
        userPipeline: FittedFeaturePipeline? = nil, itemPipeline: FittedFeaturePipeline? = nil
    ) throws(FusionError) -> JointFactorizationModel<Scalar, UserID, ItemID> {
        let configuration = self.configuration
        try configuration.validate()
        guard configuration.implicitFeedback != nil else {
            throw .invalidParameter(name: "feedback", value: "explicit",
                                    reason: "imported factors carry no biases: fit the side information with implicit feedback")
        }
        let k = configuration.factorCount
        let users = try Self.importedTable(userIDs, userFactors, side: "user", factorCount: k)
        let items = try Self.importedTable(itemIDs, itemFactors, side: "item", factorCount: k)
        let lambda = Scalar(configuration.regularization)
        let loadingLambda = Scalar(configuration.loadingRegularization)
        let offsetLambda = Scalar(configuration.offsetRegularization ?? configuration.regularization)
        var userSide = try _SideTerms(
            userBlocks, ids: users, factorCount: k, model: configuration.userModel, factorRegularization: lambda,
            loadingRegularization: loadingLambda, offsetRegularization: offsetLambda)
        var itemSide = try _SideTerms(
            itemBlocks, ids: items, factorCount: k, model: configuration.itemModel, factorRegularization: lambda,
            loadingRegularization: loadingLambda, offsetRegularization: offsetLambda)
        try userSide.updateLoadings(userFactors)
        try itemSide.updateLoadings(itemFactors)
        var model = JointFactorizationModel<Scalar, UserID, ItemID>(
            userIDs: users, itemIDs: items, userFactors: userFactors, itemFactors: itemFactors,
            configuration: configuration, userSide: userSide.trained, itemSide: itemSide.trained)
        try model.attach(userPipeline: userPipeline, itemPipeline: itemPipeline)
        return model
    }

    /// The id map of imported factors, after checking their shape, uniqueness and values.
    private static func importedTable<ID, Scalar: BLASScalar>(
        _ ids: [ID], _ factors: Matrix<Scalar>, side: String, factorCount k: Int
    ) throws(FusionError) -> IDMap<ID> {
        guard factors.rowCount == ids.count, factors.columnCount == k else {
            throw .blockShape(block: "\(side) factors",
                              reason: "\(factors.rowCount) × \(factors.columnCount) factors for \(ids.count) ids and \(k) factors")
        }
        if let (row, column) = factors.firstNonFiniteIndex() {
            throw .nonFiniteFeature(block: "\(side) factors", row: row, column: column)
        }
        var map = IDMap<ID>()
        for (row, id) in ids.enumerated() {
            guard map.index(of: id) == nil else { throw .blockShape(block: "\(side) factors", reason: "id '\(id)' repeats at row \(row)") }
            _ = map.append(id)
        }
        return map
    }
}
