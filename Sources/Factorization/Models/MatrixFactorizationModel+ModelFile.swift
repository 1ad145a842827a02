import Persistence
import LinearAlgebra

extension MatrixFactorizationModel: PersistableModel
where UserID: LosslessStringConvertible, ItemID: LosslessStringConvertible {
    /// `ModelFile.ModelKind.matrixFactorization`.
    public static var modelKind: ModelFile.ModelKind { .matrixFactorization }

    /// The sections `meta`, `user-ids`, `item-ids`, `user-factors`, `item-factors` and,
    /// for models with biases, `user-biases` and `item-biases`.
    public func modelFileBytes() -> [UInt8] {
        let width = MemoryLayout<Scalar>.size
        var meta = _FactorModelSections.commonMetadata(
            kind: Self.modelKind, scalar: Scalar.self, userIDs: userIDs, itemIDs: itemIDs, factorCount: factorCount)
        meta.set("global-bias", Double(globalBias))
        meta.set("predicts-values", predictsValues)
        meta.set("user-biases", userBiases != nil)
        meta.set("item-biases", itemBiases != nil)
        switch foldInRule {
        case let .implicit(alpha, regularization, binaryValues):
            meta.set("fold-in", "implicit")
            meta.set("fold-in.alpha", alpha)
            meta.set("fold-in.regularization", regularization)
            meta.set("fold-in.binary-values", binaryValues)
        case let .explicit(regularization, biasRegularization, weighted):
            meta.set("fold-in", "explicit")
            meta.set("fold-in.regularization", regularization)
            meta.set("fold-in.bias-regularization", biasRegularization)
            meta.set("fold-in.weighted", weighted)
        }
        var sections: [(name: String, payload: [UInt8])] = [
            ("meta", meta.bytes),
            ("user-ids", _FactorModelSections.encodeIDs(userIDs)),
            ("item-ids", _FactorModelSections.encodeIDs(itemIDs)),
            ("user-factors", _Sections.encodeMatrix(userFactors, width: width)),
            ("item-factors", _Sections.encodeMatrix(itemFactors, width: width)),
        ]
        if let userBiases { sections.append(("user-biases", _Sections.encodeVector(userBiases, width: width))) }
        if let itemBiases { sections.append(("item-biases", _Sections.encodeVector(itemBiases, width: width))) }
        return ModelFile.encode(sections)
    }

    /// Reads a matrix factorization model; see `PersistableModel.init(modelFileBytes:)`.
    public init(modelFileBytes bytes: [UInt8]) throws(ModelFileError) {
        let (sections, meta, width, users, items, k) = try _FactorModelSections.open(bytes, kind: Self.modelKind)
        let userIDs: IDMap<UserID> = try _FactorModelSections.decodeIDs(sections, "user-ids", count: users)
        let itemIDs: IDMap<ItemID> = try _FactorModelSections.decodeIDs(sections, "item-ids", count: items)
        let userFactors: Matrix<Scalar> = try _Sections.decodeMatrix(sections, "user-factors", rows: users, columns: k, width: width)
        let itemFactors: Matrix<Scalar> = try _Sections.decodeMatrix(sections, "item-factors", rows: items, columns: k, width: width)
        let userBiases: [Scalar]? = try _Sections.decodeBiases(
            sections, "user-biases", present: meta.boolean("user-biases"), count: users, width: width)
        let itemBiases: [Scalar]? = try _Sections.decodeBiases(
            sections, "item-biases", present: meta.boolean("item-biases"), count: items, width: width)
        let rule: FoldInRule
        switch try meta.string("fold-in") {
        case "implicit":
            rule = .implicit(alpha: try meta.number("fold-in.alpha"), regularization: try meta.number("fold-in.regularization"),
                             binaryValues: try meta.boolean("fold-in.binary-values"))
        case "explicit":
            rule = .explicit(regularization: try meta.number("fold-in.regularization"),
                             biasRegularization: try meta.number("fold-in.bias-regularization"),
                             weighted: try meta.boolean("fold-in.weighted"))
        case let other:
            throw .invalidSection(section: "meta", reason: "unknown fold-in rule '\(other)'")
        }
        self.init(userIDs: userIDs, itemIDs: itemIDs, userFactors: userFactors, itemFactors: itemFactors,
                  globalBias: Scalar(try meta.number("global-bias")), userBiases: userBiases, itemBiases: itemBiases,
                  predictsValues: try meta.boolean("predicts-values"), foldInRule: rule)
    }
}

extension ModelFile.ModelKind {
    /// A `MatrixFactorizationModel` (from ALS, implicit ALS, SGD or BPR).
    public static let matrixFactorization = Self(rawValue: "matrix-factorization")
}
