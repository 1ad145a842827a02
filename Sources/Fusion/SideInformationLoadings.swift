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
    /// (`JointFactorizationModel.placingItems(_:encoders:images:cache:)`).
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

    /// The prior a row's side information puts on its factors f, as the normal equations
    /// (gram + λ·I)·f = rightHandSide that fold-in adds the interactions to.
    ///
    /// - Parameters:
    ///   - rows: the non-zero entries of each preprocessed feature vector, by block name
    ///     (dense and sparse blocks alike); blocks not present are absent for this row.
    ///   - includingGram: whether to form the gram; it depends only on which blocks are
    ///     present, so rows placed together form it once (otherwise it is an empty matrix).
    /// - Throws: ``FusionError/unknownBlock(_:)``, ``FusionError/blockShape(block:reason:)``.
    /// - Complexity: O(non-zero entries × k), plus O(dⱼ·k²) per collective block with the gram.
    func prior(
        _ rows: [String: (columns: [Int32], values: [Scalar])], factorCount k: Int, includingGram: Bool = true
    ) throws(FusionError) -> (gram: Matrix<Scalar>, rightHandSide: [Scalar], regularization: Scalar) {
        for name in rows.keys where block(named: name) == nil { throw .unknownBlock(name) }
        var gram = Matrix<Scalar>(rowCount: includingGram ? k : 0, columnCount: includingGram ? k : 0)
        var rhs = [Scalar](repeating: 0, count: k)
        for (index, summary) in blocks.enumerated() {
            guard let x = rows[summary.name] else { continue }
            if let column = x.columns.first(where: { !(0..<Int32(summary.dimension)).contains($0) }) {
                throw .blockShape(block: summary.name, reason: "feature column \(column), the block has \(summary.dimension)")
            }
            if model == .collective {
                let loading = loadings[index]
                if includingGram { gram.add(loading.gram(), scaledBy: summary.weight) }
                for (column, value) in zip(x.columns, x.values) {
                    let weighted = summary.weight * value
                    loading.withRow(Int(column)) { row in for a in 0..<k { rhs[a] += weighted * row[a] } }
                }
            }
        }
        guard model == .offset, let map = loadings.first else {
            return (gram, rhs, factorRegularization)
        }
        // Offset: the prior mean is Dᵀz with z = [√w₁x₁, …, 1].
        var mean = map.row(map.rowCount - 1)
        var offset = 0
        for summary in blocks {
            if let x = rows[summary.name] {
                let root = summary.weight.squareRoot()
                for (column, value) in zip(x.columns, x.values) {
                    let weighted = root * value
                    map.withRow(offset + Int(column)) { row in for a in 0..<k { mean[a] += weighted * row[a] } }
                }
            }
            offset += summary.dimension
        }
        return (gram, mean.map { $0 * offsetRegularization }, offsetRegularization)
    }
}
