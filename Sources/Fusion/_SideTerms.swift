import Factorization
import LinearAlgebra

/// The side-information terms of one side (users or items) during a joint fit: the
/// blocks aligned to the training rows, their loadings, and what they add to each
/// half-step's normal equations.
struct _SideTerms<Scalar: BLASScalar>: Sendable {
    struct Block: Sendable {
        let summary: BlockSummary<Scalar>
        /// The block's rows aligned to the side; `nil` for the offset model once they are
        /// part of the combined design (one copy of the features, not two).
        var design: _FeatureDesign<Scalar>?
        let absentRows: [Int]
        let squaredNorm: Double
    }

    let model: SideInformationModel
    let blocks: [Block]
    let factorRegularization: Scalar
    let loadingRegularization: Scalar
    let offsetRegularization: Scalar
    /// Collective: one `dⱼ × k` loading per block. Offset: the one `(Σdⱼ + 1) × k` map D.
    private(set) var loadings: [Matrix<Scalar>]
    private let combined: _FeatureDesign<Scalar>?
    private let ridgeInverse: Matrix<Scalar>?

    /// Aligns `sideBlocks` to the entities of `ids` (absent when a block lacks an id).
    init<ID>(
        _ sideBlocks: [SideInformationBlock<ID, Scalar>], ids: IDMap<ID>, factorCount k: Int,
        model: SideInformationModel, factorRegularization: Scalar, loadingRegularization: Scalar,
        offsetRegularization: Scalar
    ) throws(FusionError) {
        var names = Set<String>()
        var blocks: [Block] = []
        for block in sideBlocks {
            guard names.insert(block.name).inserted else { throw .duplicateBlockName(block.name) }
            let d = block.dimension
            guard d > 0 else { throw .blockShape(block: block.name, reason: "has no feature columns") }
            var sourceRows: [Int] = []
            var absent: [Int] = []
            for row in 0..<ids.count {
                if let index = block.ids.index(of: ids.id(at: row)), block.presence[index] {
                    sourceRows.append(index)
                } else {
                    sourceRows.append(-1)
                    absent.append(row)
                }
            }
            let design = _FeatureDesign(rowsOf: block.storage, at: sourceRows)
            blocks.append(Block(
                summary: BlockSummary(name: block.name, weight: block.weight, normalization: block.normalization,
                                      encoderIdentifier: block.encoderIdentifier),
                design: design, absentRows: absent, squaredNorm: design.squaredNorm()))
        }
        self.model = model
        self.factorRegularization = factorRegularization
        self.loadingRegularization = loadingRegularization
        self.offsetRegularization = offsetRegularization
        switch model {
        case .collective:
            loadings = blocks.map { Matrix(rowCount: $0.summary.dimension, columnCount: k) }
            combined = nil
            ridgeInverse = nil
        case .offset where !blocks.isEmpty:
            let design = _FeatureDesign.concatenatedWithIntercept(blocks.map { $0.design! }, weights: blocks.map(\.summary.weight))
            for index in blocks.indices { blocks[index].design = nil }
            let width = design.columnCount
            var system = design.gram()
            let ridge = loadingRegularization / offsetRegularization
            for index in 0..<width { system[index, index] += ridge }
            do {
                ridgeInverse = try system.solvedSymmetricPositiveDefinite(.identity(width))
            } catch {
                throw .linearAlgebra(error)
            }
            combined = design
            loadings = [Matrix(rowCount: width, columnCount: k)]
        case .offset:
            loadings = []
            combined = nil
            ridgeInverse = nil
        }
        self.blocks = blocks
    }

    /// The λ of this side's half-step: λₒ for the offset model (the offsets are what is
    /// penalised), λ otherwise.
    var halfStepRegularization: Scalar {
        model == .offset && !blocks.isEmpty ? offsetRegularization : factorRegularization
    }

    /// What the blocks add to the half-step solving `factors`: a `k×k` matrix added to every
    /// row's normal equations and a right-hand side per row.
    ///
    /// Collective: Σⱼ wⱼAⱼᵀAⱼ, and row r gets Σⱼ wⱼAⱼᵀxⱼᵣ — for a row absent from block j,
    /// the block's own prediction Aⱼ·fᵣ stands in for xⱼᵣ (an EM step), which keeps one
    /// matrix for all rows and converges to the masked solution. Offset: λₒ·(Z·D)ᵣ.
    func extraTerms(current factors: Matrix<Scalar>) -> (gram: Matrix<Scalar>?, rightHandSide: Matrix<Scalar>?) {
        guard !blocks.isEmpty else { return (nil, nil) }
        let k = factors.columnCount
        switch model {
        case .offset:
            // λₒ·Z·D as Z·(λₒD): the scaling touches e×k entries instead of n×k.
            var map = loadings[0]
            map.scale(by: offsetRegularization)
            return (nil, combined!.multiplied(by: map))
        case .collective:
            var gram = Matrix<Scalar>(rowCount: k, columnCount: k)
            var rhs = Matrix<Scalar>(rowCount: factors.rowCount, columnCount: k)
            for (block, loading) in zip(blocks, loadings) {
                let w = block.summary.weight
                let blockGram = loading.gram()
                gram.add(blockGram, scaledBy: w)
                rhs.add(block.design!.multiplied(by: loading), scaledBy: w)
                for row in block.absentRows {
                    let imputed = blockGram.multiplied(by: factors.row(row))
                    rhs.withMutableRow(row) { target in
                        for column in 0..<k { target[column] += w * imputed[column] }
                    }
                }
            }
            return (gram, rhs)
        }
    }

    /// Refits the loadings to `factors` in closed form.
    ///
    /// Collective: Aⱼ = Xⱼᵀ·F_m·(F_mᵀF_m + (λ_A/wⱼ)I)⁻¹ with F_m the rows present in block j.
    /// Offset: D = (ZᵀZ + (λ_D/λₒ)I)⁻¹·Zᵀ·F.
    mutating func updateLoadings(_ factors: Matrix<Scalar>) throws(FusionError) {
        switch model {
        case .offset:
            guard let combined, let ridgeInverse else { return }
            loadings[0] = ridgeInverse.multiplied(by: combined.transposeMultiplied(by: factors))
        case .collective:
            for (index, block) in blocks.enumerated() {
                var system = presentGram(factors, block)
                let ridge = loadingRegularization / block.summary.weight
                for a in 0..<system.rowCount { system[a, a] += ridge }
                let crossTransposed = block.design!.transposeMultiplied(by: factors).transposed()
                do {
                    loadings[index] = try system.solvedSymmetricPositiveDefinite(crossTransposed).transposed()
                } catch {
                    throw .linearAlgebra(error)
                }
            }
        }
    }

    /// The side's terms of the objective, including the penalty on `factors`.
    func loss(_ factors: Matrix<Scalar>, side: String) -> [LossTerm] {
        let factorNorm = Double(factors.frobeniusNorm) * Double(factors.frobeniusNorm)
        guard !blocks.isEmpty else {
            return [LossTerm(name: "\(side) penalty", value: Double(factorRegularization) * factorNorm)]
        }
        switch model {
        case .offset:
            let residual = factors - combined!.multiplied(by: loadings[0])
            let offsets = Double(residual.frobeniusNorm) * Double(residual.frobeniusNorm)
            let map = Double(loadings[0].frobeniusNorm) * Double(loadings[0].frobeniusNorm)
            return [
                LossTerm(name: "\(side) offsets", value: Double(offsetRegularization) * offsets),
                LossTerm(name: "\(side) map penalty", value: Double(loadingRegularization) * map),
            ]
        case .collective:
            var terms = [LossTerm(name: "\(side) penalty", value: Double(factorRegularization) * factorNorm)]
            for (block, loading) in zip(blocks, loadings) {
                let cross = block.design!.transposeMultiplied(by: factors)
                let reconstruction = block.squaredNorm - 2 * Double(cross.dot(loading))
                    + Double(loading.gram().dot(presentGram(factors, block)))
                let penalty = Double(loadingRegularization) * Double(loading.frobeniusNorm) * Double(loading.frobeniusNorm)
                terms.append(LossTerm(name: "\(side) block \(block.summary.name)",
                                      value: Double(block.summary.weight) * reconstruction + penalty))
            }
            return terms
        }
    }

    /// FᵀF over the rows present in `block`.
    private func presentGram(_ factors: Matrix<Scalar>, _ block: Block) -> Matrix<Scalar> {
        var gram = factors.gram()
        guard !block.absentRows.isEmpty else { return gram }
        let absent = Matrix<Scalar>(rowCount: block.absentRows.count, columnCount: factors.columnCount) { row, column in
            factors[block.absentRows[row], column]
        }
        gram.addGram(of: absent, alpha: -1, beta: 1)
        return gram
    }

    /// The trained loadings, for the model.
    var trained: SideInformationLoadings<Scalar> {
        SideInformationLoadings(
            model: model, blocks: blocks.map(\.summary), loadings: loadings, factorRegularization: factorRegularization,
            offsetRegularization: offsetRegularization)
    }
}
