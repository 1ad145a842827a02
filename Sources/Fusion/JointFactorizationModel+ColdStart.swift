import Factorization
import LinearAlgebra

/// Growing a joint model uses the verbs of every FusionRec model: `foldingIn…` computes
/// new rows from interactions, `placing…` from side information (and optionally a few
/// interactions), `adding…` takes the rows as given.
extension JointFactorizationModel {
    /// Factors for items from their side information, optionally with a few interactions
    /// each — the item row update of the joint fit with the user factors fixed.
    ///
    /// With no interactions this is cold start: collective item side,
    /// f = (Σⱼ wⱼBⱼᵀBⱼ + λI)⁻¹ Σⱼ wⱼBⱼᵀyⱼ over the blocks the item has; offset item side,
    /// f = Dᵀz. With interactions it is the warm fold-in that also weighs what the users
    /// did (implicit confidences, or for an explicit model the ratings' residuals after μ
    /// and the user biases, solving for the item's bias too). Each block is looked up by
    /// the model's block name; an item missing from a block, or absent in it, lacks that
    /// modality. Known items may be given too (their factors are recomputed from this
    /// information alone).
    ///
    /// - Parameters:
    ///   - ids: the items.
    ///   - blocks: side-information blocks covering them, built like the training blocks
    ///     (same names and encoders); blocks the model does not know are rejected.
    ///   - interactions: per item, `(user, value)` pairs, or `nil` for cold start.
    /// - Returns: an `ids.count × k` matrix. ``placingItems(_:from:foldingIn:)`` also keeps
    ///   the biases an explicit fold-in solves for.
    /// - Throws: ``FusionError/unknownBlock(_:)``, ``FusionError/blockShape(block:reason:)``
    ///   (wrong dimension, or an interaction list of the wrong count),
    ///   ``FusionError/encoderMismatch(block:expected:found:)`` when a block's encoder differs from
    ///   training, and ``FusionError/factorization(_:)`` for unknown users or bad values.
    public func itemFactors(
        for ids: [ItemID], from blocks: [SideInformationBlock<ItemID, Scalar>],
        foldingIn interactions: [[(user: UserID, value: Double)]]? = nil
    ) throws(FusionError) -> Matrix<Scalar> {
        try placeItems(ids, from: blocks, foldingIn: interactions).factors
    }

    /// Factors for users from their side information, optionally with a few interactions
    /// each; see ``itemFactors(for:from:foldingIn:)``.
    public func userFactors(
        for ids: [UserID], from blocks: [SideInformationBlock<UserID, Scalar>],
        foldingIn interactions: [[(item: ItemID, value: Double)]]? = nil
    ) throws(FusionError) -> Matrix<Scalar> {
        try placeUsers(ids, from: blocks, foldingIn: interactions).factors
    }

    /// A model in which `ids` are placed as ``itemFactors(for:from:foldingIn:)`` places
    /// them — known items replaced, new ones appended — with, for an explicit model, the
    /// biases the fold-in solved for (0 for items placed from side information alone).
    ///
    /// - Throws: as ``itemFactors(for:from:foldingIn:)``.
    public func placingItems(
        _ ids: [ItemID], from blocks: [SideInformationBlock<ItemID, Scalar>],
        foldingIn interactions: [[(user: UserID, value: Double)]]? = nil
    ) throws(FusionError) -> Self {
        let placed = try placeItems(ids, from: blocks, foldingIn: interactions)
        return try addingItems(ids, factors: placed.factors, biases: placed.biases)
    }

    /// A model in which `ids` are placed as ``userFactors(for:from:foldingIn:)`` places
    /// them; see ``placingItems(_:from:foldingIn:)``.
    public func placingUsers(
        _ ids: [UserID], from blocks: [SideInformationBlock<UserID, Scalar>],
        foldingIn interactions: [[(item: ItemID, value: Double)]]? = nil
    ) throws(FusionError) -> Self {
        let placed = try placeUsers(ids, from: blocks, foldingIn: interactions)
        return try addingUsers(ids, factors: placed.factors, biases: placed.biases)
    }

    /// A model with the given items folded in from their interactions alone — known items
    /// replaced, new ones appended — as ``placingItems(_:from:foldingIn:)`` places items
    /// with no blocks. The same call as `MatrixFactorizationModel.foldingInItems(_:)`.
    ///
    /// - Throws: as ``itemFactors(for:from:foldingIn:)``.
    public func foldingInItems(_ items: [(id: ItemID, interactions: [(user: UserID, value: Double)])]) throws(FusionError) -> Self {
        try placingItems(items.map(\.id), from: [], foldingIn: items.map(\.interactions))
    }

    /// A model with the given users folded in from their interactions alone; see
    /// ``foldingInItems(_:)``. The same call as `MatrixFactorizationModel.foldingInUsers(_:)`.
    public func foldingInUsers(_ users: [(id: UserID, interactions: [(item: ItemID, value: Double)])]) throws(FusionError) -> Self {
        try placingUsers(users.map(\.id), from: [], foldingIn: users.map(\.interactions))
    }

    /// A model in which `ids` have the given factors (and, for an explicit model, biases;
    /// 0 when `nil`): known items' rows are replaced, new items are appended, so they are
    /// ranked and retrievable by id.
    ///
    /// - Throws: ``FusionError/blockShape(block:reason:)`` when `factors` is not
    ///   `ids.count × k` or `biases` is not `ids.count` long,
    ///   ``FusionError/nonFiniteFeature(block:row:column:)`` for NaN or infinite factors or biases.
    public func addingItems(_ ids: [ItemID], factors: Matrix<Scalar>, biases: [Scalar]? = nil) throws(FusionError) -> Self {
        try Self.validate(factors, biases, count: ids.count, k: itemFactors.columnCount)
        let grown = _grown(ids: itemIDs, factors: itemFactors, biases: itemBiases, newIDs: ids, newFactors: factors,
                           newBiases: biases)
        return Self(userIDs: userIDs, itemIDs: grown.ids, userFactors: userFactors, itemFactors: grown.factors,
                    globalBias: globalBias, userBiases: userBiases, itemBiases: grown.biases,
                    configuration: configuration, userSide: userSide, itemSide: itemSide)
    }

    /// A model in which `ids` have the given factors; see ``addingItems(_:factors:biases:)``.
    public func addingUsers(_ ids: [UserID], factors: Matrix<Scalar>, biases: [Scalar]? = nil) throws(FusionError) -> Self {
        try Self.validate(factors, biases, count: ids.count, k: userFactors.columnCount)
        let grown = _grown(ids: userIDs, factors: userFactors, biases: userBiases, newIDs: ids, newFactors: factors,
                           newBiases: biases)
        return Self(userIDs: grown.ids, itemIDs: itemIDs, userFactors: grown.factors, itemFactors: itemFactors,
                    globalBias: globalBias, userBiases: grown.biases, itemBiases: itemBiases,
                    configuration: configuration, userSide: userSide, itemSide: itemSide)
    }

    private func placeItems(
        _ ids: [ItemID], from blocks: [SideInformationBlock<ItemID, Scalar>],
        foldingIn interactions: [[(user: UserID, value: Double)]]?
    ) throws(FusionError) -> (factors: Matrix<Scalar>, biases: [Scalar]?) {
        try Self.placeRows(
            ids, blocks: blocks, interactions: interactions?.map { $0.map { (id: $0.user, value: $0.value) } },
            side: itemSide, otherIDs: userIDs, otherKind: "user",
            fixed: userFactors, fixedBiases: userBiases, globalBias: globalBias, configuration: configuration)
    }

    private func placeUsers(
        _ ids: [UserID], from blocks: [SideInformationBlock<UserID, Scalar>],
        foldingIn interactions: [[(item: ItemID, value: Double)]]?
    ) throws(FusionError) -> (factors: Matrix<Scalar>, biases: [Scalar]?) {
        try Self.placeRows(
            ids, blocks: blocks, interactions: interactions?.map { $0.map { (id: $0.item, value: $0.value) } },
            side: userSide, otherIDs: itemIDs, otherKind: "item", fixed: itemFactors, fixedBiases: itemBiases,
            globalBias: globalBias, configuration: configuration)
    }

    /// Throws when new factors are not `count × k`, biases not `count` long, or either
    /// holds NaN or infinity.
    private static func validate(_ factors: Matrix<Scalar>, _ biases: [Scalar]?, count: Int, k: Int) throws(FusionError) {
        switch _GrowthProblem(factors, biases, count: count, k: k) {
        case .shape(let what, let reason): throw .blockShape(block: what, reason: reason)
        case .nonFinite(let what, let row, let column): throw .nonFiniteFeature(block: what, row: row, column: column)
        case nil: return
        }
    }

    /// The row update shared by cold start and warm fold-in on either side; `interactions`
    /// hold ids of the other side (`otherIDs`).
    private static func placeRows<ID, OtherID>(
        _ ids: [ID], blocks: [SideInformationBlock<ID, Scalar>], interactions: [[(id: OtherID, value: Double)]]?,
        side: SideInformationLoadings<Scalar>, otherIDs: IDMap<OtherID>, otherKind: String, fixed: Matrix<Scalar>,
        fixedBiases: [Scalar]?, globalBias: Scalar, configuration: JointFactorization.Configuration
    ) throws(FusionError) -> (factors: Matrix<Scalar>, biases: [Scalar]?) {
        let k = fixed.columnCount
        let implicit = configuration.implicitFeedback
        let explicit = implicit == nil
        if let interactions, interactions.count != ids.count {
            throw .blockShape(block: "interactions", reason: "\(interactions.count) interaction lists for \(ids.count) ids")
        }
        for block in blocks {
            guard let summary = side.block(named: block.name) else { throw .unknownBlock(block.name) }
            guard block.dimension == summary.dimension else {
                throw .blockShape(block: block.name, reason: "\(block.dimension) features, the model's block has \(summary.dimension)")
            }
            guard block.encoderIdentifier == summary.encoderIdentifier else {
                throw .encoderMismatch(
                    block: block.name, expected: summary.encoderIdentifier ?? "none", found: block.encoderIdentifier ?? "none")
            }
        }
        // Rows with the same blocks present (and all with, or all without, interactions)
        // share one prior matrix, so they are solved together.
        // Each row's index in every block (-1 where absent); its entries are read when its
        // group is solved, so no dense copy of a sparse block is ever made.
        var groups: [[Bool]: [Int]] = [:]
        var sourceRows: [[Int]] = []
        sourceRows.reserveCapacity(ids.count)
        for (row, id) in ids.enumerated() {
            let indices = blocks.map { block in
                block.ids.index(of: id).flatMap { block.presence[$0] ? $0 : nil } ?? -1
            }
            let present = Set(zip(blocks, indices).compactMap { $1 >= 0 ? $0.name : nil })
            let warm = !(interactions?[row].isEmpty ?? true)
            groups[side.blocks.map { present.contains($0.name) } + [warm], default: []].append(row)
            sourceRows.append(indices)
        }
        func features(_ row: Int) -> [String: (columns: [Int32], values: [Scalar])] {
            var result: [String: (columns: [Int32], values: [Scalar])] = [:]
            for (block, index) in zip(blocks, sourceRows[row]) where index >= 0 {
                result[block.name] = block.storage.nonZeroEntries(inRow: index)
            }
            return result
        }
        var result = Matrix<Scalar>(rowCount: ids.count, columnCount: k)
        var resultBiases: [Scalar]? = explicit ? [Scalar](repeating: 0, count: ids.count) : nil
        let alpha = Scalar(implicit?.alpha ?? 0)
        let binary = implicit?.values == .binary
        // An explicit fold-in solves for factors and bias together, against the other
        // side's factors with its biases in a last column, as the explicit fit does
        // (built when the first such row comes).
        var fixedWithBiases: Matrix<Scalar>?
        for (_, members) in groups.sorted(by: { $0.value[0] < $1.value[0] }) {
            var gram = Matrix<Scalar>(rowCount: k, columnCount: k)
            var rhs = Matrix<Scalar>(rowCount: members.count, columnCount: k)
            var regularization = side.factorRegularization
            for (position, member) in members.enumerated() {
                let prior = try side.prior(features(member), factorCount: k, includingGram: position == 0)
                if position == 0 { (gram, regularization) = (prior.gram, prior.regularization) }
                rhs.setRow(position, to: prior.rightHandSide)
            }
            let mapped: [[(index: Int, value: Double)]]
            do {
                mapped = try _foldInRows(
                    members.map { interactions?[$0] ?? [] },
                    ids: otherIDs, kind: otherKind, binary: binary)
            } catch {
                if case .unknownID(_, let id) = error { throw .unknownID(id) }
                throw .factorization(error)
            }
            var offsets = [0], columns: [Int32] = [], values: [Scalar] = []
            for row in mapped {
                for (index, value) in row {
                    guard explicit || value >= 0 else {
                        throw .factorization(.inconsistentData("fold-in value \(value) is negative"))
                    }
                    columns.append(Int32(index))
                    values.append(Scalar(value))
                }
                offsets.append(columns.count)
            }
            let data = _CompressedRows<Scalar>(
                rowCount: members.count, columnCount: fixed.rowCount, offsets: offsets, columns: columns, values: values)
            var solved = Matrix<Scalar>(rowCount: members.count, columnCount: k)
            if values.isEmpty {
                // Cold start: (prior gram + λI)·f = rhs for every row, without the
                // interaction Gram FᵀF that only matters with interactions.
                for a in 0..<k { gram[a, a] += regularization }
                do {
                    solved = try gram.solvedSymmetricPositiveDefinite(rhs.transposed()).transposed()
                } catch {
                    throw .linearAlgebra(error)
                }
            } else if explicit {
                let augmented = fixedWithBiases ?? fixed.appendingColumn(fixedBiases)
                fixedWithBiases = augmented
                var withBias = Matrix<Scalar>(rowCount: members.count, columnCount: k + 1)
                let biasRegularization = Scalar(configuration.biasRegularization ?? configuration.regularization)
                do {
                    try _explicitHalfStep(data, fixed: augmented, solving: &withBias, globalBias: globalBias,
                                          regularization: regularization, biasRegularization: biasRegularization,
                                          weighted: false, extraGram: gram, extraRightHandSide: rhs)
                } catch {
                    throw .linearAlgebra(error)
                }
                solved = withBias.droppingLastColumn()
                for (position, member) in members.enumerated() { resultBiases?[member] = withBias[position, k] }
            } else {
                do {
                    try _implicitHalfStep(data, fixed: fixed, solving: &solved, alpha: alpha,
                                          regularization: regularization, solver: .cholesky, extraGram: gram,
                                          extraRightHandSide: rhs)
                } catch {
                    throw .linearAlgebra(error)
                }
            }
            for (position, member) in members.enumerated() { result.setRow(member, to: solved.row(position)) }
        }
        return (result, resultBiases)
    }
}
