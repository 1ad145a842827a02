import Factorization
import LinearAlgebra

/// The trained side-information part of one side (users or items) of a joint model:
/// the blocks and their loadings, and the row update that places a new user or item
/// from its side information.
public struct SideInformationLoadings<Scalar: BLASScalar>: Sendable {
    /// The formulation.
    public let model: SideInformationModel
    /// The blocks, in the order of ``loadings`` (collective) or of the columns of the map
    /// (offset: block columns in order, then the intercept).
    public let blocks: [BlockSummary<Scalar>]
    /// Collective: Aⱼ (`dⱼ × k`) per block. Offset: the map D (`(Σdⱼ + 1) × k`), or none
    /// when the side has no blocks.
    public let loadings: [Matrix<Scalar>]
    /// λ on the factors.
    public let factorRegularization: Scalar
    /// λₒ on the offsets (offset model).
    public let offsetRegularization: Scalar
    /// The fitted pipeline that built the side's blocks from raw attributes, when the
    /// model was fitted through one; it places new rows from their attributes
    /// (`JointFactorizationModel.placingItems(_:encoders:media:cache:)`).
    public internal(set) var pipeline: FittedFeaturePipeline?

    /// Attaches the pipeline that built this side's blocks, after checking that it builds
    /// exactly them: one block per side block, same names, dimensions and encoders.
    ///
    /// - Throws: ``FusionError/blockShape(block:reason:)`` naming the first block that differs.
    mutating func attach(_ pipeline: FittedFeaturePipeline) throws(FusionError) {
        let built = zip(pipeline.specification.blocks, pipeline.encoders)
        guard pipeline.encoders.count == blocks.count else {
            throw .blockShape(block: "pipeline", reason: "\(pipeline.encoders.count) blocks for the side's \(blocks.count)")
        }
        for (block, encoder) in built {
            guard let summary = self.block(named: block.name) else { throw .unknownBlock(block.name) }
            guard summary.dimension == encoder.dimension, summary.encoderIdentifier == encoder.identifier else {
                throw .blockShape(block: block.name, reason: "the pipeline builds \(encoder.dimension) columns with '\(encoder.identifier)', the side has \(summary.dimension) with '\(summary.encoderIdentifier ?? "none")'")
            }
        }
        self.pipeline = pipeline
    }

    /// The block named `name`, if the side has one.
    public func block(named name: String) -> BlockSummary<Scalar>? { blocks.first { $0.name == name } }

    /// The prior that the side information of rows with the same blocks present puts on
    /// their factors: the normal equations (gram + λ·I)·fᵢ = rightHandSidesᵢ that fold-in
    /// adds each row's interactions to — one gram for all the rows, a right-hand side per row.
    ///
    /// Collective: gram = Σⱼ wⱼ·AⱼᵀAⱼ over the present blocks, right-hand side Σⱼ wⱼ·Aⱼᵀxⱼ,
    /// λ on the factors. Offset: no gram, right-hand side λₒ·Dᵀz with z = [√w₁x₁, …, 1] (the
    /// prior mean, absent blocks' entries zero), λ = λₒ.
    ///
    /// Each row's right-hand side is summed on its own, block by block in the side's order
    /// and entry by entry in column order, so a row gets the same bits whichever rows it
    /// is placed with.
    ///
    /// - Parameters:
    ///   - present: the present blocks by name: their features, and the row of the features
    ///     that each of the `rowCount` rows reads.
    ///   - rowCount: the number of rows.
    ///   - k: the number of factors.
    /// - Throws: ``FusionError/unknownBlock(_:)``, ``FusionError/blockShape(block:reason:)``.
    /// - Complexity: O(non-zero entries × k), plus O(dⱼ·k²) per present collective block.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    func priors(_ present: [String: (features: BlockFeatures<Scalar>, rows: [Int])], rowCount: Int, factorCount k: Int)
        throws(FusionError) -> (gram: Matrix<Scalar>, rightHandSides: Matrix<Scalar>, regularization: Scalar)
    {
        for (name, block) in present {
            guard let summary = self.block(named: name) else { throw .unknownBlock(name) }
            guard block.features.columnCount == summary.dimension, block.rows.count == rowCount else {
                throw .blockShape(
                    block: name,
                    reason: "\(block.rows.count) rows of \(block.features.columnCount) features for \(rowCount) rows of \(summary.dimension)")
            }
        }
        var gram = Matrix<Scalar>(rowCount: k, columnCount: k)
        var rightHandSides = Matrix<Scalar>(rowCount: rowCount, columnCount: k)
        guard !loadings.isEmpty else { return (gram, rightHandSides, factorRegularization) }
        /// Adds scale·x·L[offset + c] to every row's right-hand side, over x's entries c.
        func accumulate(_ block: (features: BlockFeatures<Scalar>, rows: [Int]), _ loading: Matrix<Scalar>,
                        rowOffset: Int, scale: Scalar) {
            loading.withUnsafeBufferPointer { l in
                rightHandSides.withUnsafeMutableBufferPointer { rhs in
                    for (row, source) in block.rows.enumerated() {
                        block.features.forEachNonZero(inRow: source) { column, value in
                            let weighted = scale * value, base = (rowOffset + column) * k
                            for a in 0..<k { rhs[row * k + a] += weighted * l[base + a] }
                        }
                    }
                }
            }
        }
        if model == .collective {
            for (index, summary) in blocks.enumerated() {
                guard let block = present[summary.name] else { continue }
                gram.add(loadings[index].gram(), scaledBy: summary.weight)
                accumulate(block, loadings[index], rowOffset: 0, scale: summary.weight)
            }
            return (gram, rightHandSides, factorRegularization)
        }
        // Offset: the prior mean Dᵀz, the intercept's row first.
        let map = loadings[0]
        let intercept = map.row(map.rowCount - 1)
        for row in 0..<rowCount { rightHandSides.setRow(row, to: intercept) }
        var offset = 0
        for summary in blocks {
            if let block = present[summary.name] {
                accumulate(block, map, rowOffset: offset, scale: summary.weight.squareRoot())
            }
            offset += summary.dimension
        }
        rightHandSides.scale(by: offsetRegularization)
        return (gram, rightHandSides, offsetRegularization)
    }
}
