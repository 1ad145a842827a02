import Factorization
import LinearAlgebra

extension JointFactorizationModel {
    /// A joint model made from its parts, for example read back from a file.
    ///
    /// - Throws: ``FusionError/blockShape(block:reason:)`` when the factors do not have one
    ///   row per id and `configuration.factorCount` columns, biases are not one per id, or a side's loadings do not
    ///   fit its blocks (see ``SideInformationLoadings/init(model:blocks:loadings:factorRegularization:offsetRegularization:factorCount:)``),
    ///   and ``FusionError/nonFiniteFeature(block:row:column:)`` for NaN or infinite factors or biases.
    static func restored(
        userIDs: IDMap<UserID>, itemIDs: IDMap<ItemID>, userFactors: Matrix<Scalar>, itemFactors: Matrix<Scalar>,
        globalBias: Scalar = 0, userBiases: [Scalar]? = nil, itemBiases: [Scalar]? = nil,
        configuration: JointFactorization.Configuration, userSide: SideInformationLoadings<Scalar>,
        itemSide: SideInformationLoadings<Scalar>
    ) throws(FusionError) -> Self {
        let k = configuration.factorCount
        for (name, ids, factors) in [("user factors", userIDs.count, userFactors), ("item factors", itemIDs.count, itemFactors)] {
            guard factors.rowCount == ids, factors.columnCount == k else {
                throw .blockShape(block: name, reason: "\(factors.rowCount)×\(factors.columnCount) for \(ids) ids and k = \(k)")
            }
            if let (row, column) = factors.firstNonFiniteIndex() { throw .nonFiniteFeature(block: name, row: row, column: column) }
        }
        for side in [userSide, itemSide] { try side.validate(factorCount: k) }
        guard globalBias.isFinite else { throw .nonFiniteFeature(block: "global bias", row: 0, column: 0) }
        for (name, biases, count) in [("user biases", userBiases, userIDs.count), ("item biases", itemBiases, itemIDs.count)] {
            guard let biases else { continue }
            guard biases.count == count else { throw .blockShape(block: name, reason: "\(biases.count) biases for \(count) ids") }
            if let row = biases.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteFeature(block: name, row: row, column: 0) }
        }
        return Self(userIDs: userIDs, itemIDs: itemIDs, userFactors: userFactors, itemFactors: itemFactors,
                    globalBias: globalBias, userBiases: userBiases, itemBiases: itemBiases,
                    configuration: configuration, userSide: userSide, itemSide: itemSide)
    }
}

extension SideInformationLoadings {
    /// Creates a side's trained loadings from their parts, for example read back from a file.
    ///
    /// - Parameters:
    ///   - model: the side's formulation.
    ///   - blocks: the side's blocks, in training order.
    ///   - loadings: collective: one `dⱼ × k` matrix per block; offset: one
    ///     `(Σdⱼ + 1) × k` map, or none when there are no blocks.
    ///   - factorRegularization: λ on the factors.
    ///   - offsetRegularization: λₒ on the offsets.
    ///   - factorCount: k, which the loadings must have as columns.
    /// - Throws: ``FusionError/blockShape(block:reason:)`` when the loadings do not fit the
    ///   blocks, block names repeat or are empty, or a weight or regularisation is not
    ///   positive and finite; ``FusionError/nonFiniteFeature(block:row:column:)`` for
    ///   NaN or infinite loadings or statistics.
    public init(
        model: SideInformationModel, blocks: [BlockSummary<Scalar>], loadings: [Matrix<Scalar>],
        factorRegularization: Scalar, offsetRegularization: Scalar, factorCount: Int
    ) throws(FusionError) {
        self.init(model: model, blocks: blocks, loadings: loadings, factorRegularization: factorRegularization,
                  offsetRegularization: offsetRegularization)
        try validate(factorCount: factorCount)
    }

    /// Checks that the loadings fit the blocks and every number is usable.
    func validate(factorCount k: Int) throws(FusionError) {
        for (name, value) in [("factor regularization", factorRegularization), ("offset regularization", offsetRegularization)]
        where !(value > 0 && value.isFinite) {
            throw .blockShape(block: name, reason: "\(value) is not positive and finite")
        }
        var names = Set<String>()
        for block in blocks {
            guard !block.name.isEmpty, names.insert(block.name).inserted else {
                throw .blockShape(block: block.name, reason: "block names must be unique and non-empty")
            }
            guard block.weight > 0, block.weight.isFinite else {
                throw .blockShape(block: block.name, reason: "weight \(block.weight) is not positive and finite")
            }
            for (column, (mean, scale)) in zip(block.normalization.columnMeans, block.normalization.columnScales).enumerated()
            where !mean.isFinite || !scale.isFinite || scale == 0 {
                throw .nonFiniteFeature(block: block.name, row: 0, column: column)
            }
        }
        let expected: [(rows: Int, name: String)]
        switch model {
        case .collective: expected = blocks.map { ($0.dimension, $0.name) }
        case .offset: expected = blocks.isEmpty ? [] : [(blocks.reduce(1) { $0 + $1.dimension }, "offset map")]
        }
        guard loadings.count == expected.count else {
            throw .blockShape(block: "loadings", reason: "\(loadings.count) loading matrices for \(expected.count) expected")
        }
        for (loading, (rows, name)) in zip(loadings, expected) {
            guard loading.rowCount == rows, loading.columnCount == k else {
                throw .blockShape(block: name, reason: "loadings \(loading.rowCount)×\(loading.columnCount), expected \(rows)×\(k)")
            }
            if let (row, column) = loading.firstNonFiniteIndex() { throw .nonFiniteFeature(block: name, row: row, column: column) }
        }
    }
}

extension BlockSummary {
    /// A block summary made from its parts, for example read back from a file.
    static func restored(
        name: String, weight: Scalar, normalization: BlockNormalization<Scalar>, encoderIdentifier: String?
    ) -> Self {
        Self(name: name, weight: weight, normalization: normalization, encoderIdentifier: encoderIdentifier)
    }
}
