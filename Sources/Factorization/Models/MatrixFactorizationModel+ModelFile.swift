import Persistence
import LinearAlgebra

extension MatrixFactorizationModel: PersistableModel
where UserID: LosslessStringConvertible, ItemID: LosslessStringConvertible {
    /// `ModelFile.ModelKind.matrixFactorization`.
    public static var modelKind: ModelFile.ModelKind { .matrixFactorization }

    /// The sections `meta`, `user-ids`, `item-ids`, `user-factors`, `item-factors` and,
    /// for models with biases, `user-biases` and `item-biases`.
    public func modelFileBytes() -> [UInt8] {
        _FactorModelSections.encode(self, kind: Self.modelKind) { meta in
            meta.set("predicts-values", predictsValues)
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
        }
    }

    /// Reads a matrix factorization model; see `PersistableModel.init(modelFileBytes:)`.
    public init(modelFileBytes bytes: [UInt8]) throws(ModelFileError) {
        let file: _FactorModelSections.Decoded<Scalar, UserID, ItemID> =
            try _FactorModelSections.decode(bytes, kind: Self.modelKind)
        let meta = file.meta
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
        self.init(tables: file.tables, predictsValues: try meta.boolean("predicts-values"), foldInRule: rule)
    }
}

extension ModelFile.ModelKind {
    /// A `MatrixFactorizationModel` (from ALS, implicit ALS, SGD or BPR).
    public static let matrixFactorization = Self(rawValue: "matrix-factorization")
}
