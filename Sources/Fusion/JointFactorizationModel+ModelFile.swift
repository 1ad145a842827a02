import Factorization
import Persistence
import LinearAlgebra

extension JointFactorizationModel: PersistableModel
where UserID: LosslessStringConvertible, ItemID: LosslessStringConvertible {
    /// ``ModelFile/ModelKind/jointFactorization``.
    public static var modelKind: ModelFile.ModelKind { .jointFactorization }

    /// The sections `meta` (with the configuration as `config.*` keys), `user-ids`,
    /// `item-ids`, `user-factors`, `item-factors`, `user-side` and `item-side` (each
    /// side's formulation, block summaries and loadings; see `Docs/ModelFormat.md`), and
    /// for explicit fits `user-biases` and `item-biases`.
    public func modelFileBytes() -> [UInt8] {
        let width = MemoryLayout<Scalar>.size
        var meta = _FactorModelSections.commonMetadata(
            kind: Self.modelKind, scalar: Scalar.self, userIDs: userIDs, itemIDs: itemIDs, factorCount: factorCount)
        meta.set("global-bias", Double(globalBias))
        meta.set("user-biases", userBiases != nil)
        meta.set("item-biases", itemBiases != nil)
        // Every key is written for either feedback (the settings of the other feedback at
        // their defaults), so files keep the layout older builds read.
        let c = configuration
        let implicit = c.implicitFeedback ?? JointFactorization.ImplicitFeedback()
        meta.set("config.feedback", c.implicitFeedback == nil ? "explicit" : "implicit")
        var biasRegularization: Double? = nil
        if case .explicit(let explicit) = c.feedback { biasRegularization = explicit.biasRegularization }
        meta.set("config.bias-regularization", biasRegularization.map { "\($0)" } ?? "none")
        meta.set("config.factor-count", c.factorCount)
        meta.set("config.regularization", c.regularization)
        meta.set("config.alpha", implicit.alpha)
        meta.set("config.values", implicit.values.rawValue)
        meta.set("config.iteration-count", c.iterationCount)
        switch implicit.solver {
        case .cholesky: meta.set("config.solver", "cholesky")
        case .conjugateGradient(let steps): meta.set("config.solver", "conjugate-gradient:\(steps)")
        }
        meta.set("config.user-model", c.userModel.rawValue)
        meta.set("config.item-model", c.itemModel.rawValue)
        meta.set("config.loading-regularization", c.loadingRegularization)
        meta.set("config.offset-regularization", c.offsetRegularization.map { "\($0)" } ?? "none")
        meta.set("config.seed", c.seed)
        meta.set("config.initial-scale", c.initialScale)
        var sections: [(name: String, payload: [UInt8])] = [
            ("meta", meta.bytes),
            ("user-ids", _FactorModelSections.encodeIDs(userIDs)),
            ("item-ids", _FactorModelSections.encodeIDs(itemIDs)),
            ("user-factors", _Sections.encodeMatrix(userFactors, width: width)),
            ("item-factors", _Sections.encodeMatrix(itemFactors, width: width)),
            ("user-side", Self.encode(userSide, width: width)),
            ("item-side", Self.encode(itemSide, width: width)),
        ]
        if let userBiases { sections.append(("user-biases", _Sections.encodeVector(userBiases, width: width))) }
        if let itemBiases { sections.append(("item-biases", _Sections.encodeVector(itemBiases, width: width))) }
        return ModelFile.encode(sections)
    }

    /// Reads a joint factorization model; see ``PersistableModel/init(modelFileBytes:)``.
    public init(modelFileBytes bytes: [UInt8]) throws(ModelFileError) {
        let (sections, meta, width, users, items, k) = try _FactorModelSections.open(bytes, kind: Self.modelKind)
        let configuration = try Self.configuration(meta)
        guard configuration.factorCount == k else {
            throw .invalidSection(section: "meta", reason: "config.factor-count \(configuration.factorCount), factors \(k)")
        }
        let userIDs: IDMap<UserID> = try _FactorModelSections.decodeIDs(sections, "user-ids", count: users)
        let itemIDs: IDMap<ItemID> = try _FactorModelSections.decodeIDs(sections, "item-ids", count: items)
        let userFactors: Matrix<Scalar> = try _Sections.decodeMatrix(sections, "user-factors", rows: users, columns: k, width: width)
        let itemFactors: Matrix<Scalar> = try _Sections.decodeMatrix(sections, "item-factors", rows: items, columns: k, width: width)
        let userSide = try Self.decodeSide(sections, "user-side", width: width, factorCount: k)
        let itemSide = try Self.decodeSide(sections, "item-side", width: width, factorCount: k)
        let userBiases: [Scalar]? = try _Sections.decodeBiases(
            sections, "user-biases", present: meta.boolean("user-biases"), count: users, width: width)
        let itemBiases: [Scalar]? = try _Sections.decodeBiases(
            sections, "item-biases", present: meta.boolean("item-biases"), count: items, width: width)
        let globalBias = Scalar(try meta.number("global-bias"))
        do {
            self = try .restored(userIDs: userIDs, itemIDs: itemIDs, userFactors: userFactors, itemFactors: itemFactors,
                                 globalBias: globalBias, userBiases: userBiases, itemBiases: itemBiases,
                                 configuration: configuration, userSide: userSide, itemSide: itemSide)
        } catch {
            throw .invalidSection(section: "meta", reason: error.description)
        }
    }

    private static func configuration(_ meta: _Metadata) throws(ModelFileError) -> JointFactorization.Configuration {
        func optionalNumber(_ key: String) throws(ModelFileError) -> Double? {
            try meta.string(key) == "none" ? nil : meta.number(key)
        }
        let feedback: JointFactorization.Feedback
        switch try meta.string("config.feedback") {
        case "implicit":
            let solverText = try meta.string("config.solver")
            let solver: ImplicitSolver
            if solverText == "cholesky" {
                solver = .cholesky
            } else if solverText.hasPrefix("conjugate-gradient:"), let steps = Int(solverText.dropFirst(19)) {
                solver = .conjugateGradient(steps: steps)
            } else {
                throw .invalidSection(section: "meta", reason: "unknown solver '\(solverText)'")
            }
            feedback = .implicit(.init(
                alpha: try meta.number("config.alpha"),
                values: try meta.parse("config.values", "binary or raw") { ImplicitValues(rawValue: $0) },
                solver: solver))
        case "explicit":
            feedback = .explicit(.init(biasRegularization: try optionalNumber("config.bias-regularization")))
        case let other:
            throw .invalidSection(section: "meta", reason: "config.feedback '\(other)' is not implicit or explicit")
        }
        let configuration = JointFactorization.Configuration(
            feedback: feedback, factorCount: try meta.count("config.factor-count", limit: 1 << 20),
            regularization: try meta.number("config.regularization"),
            iterationCount: try meta.count("config.iteration-count"),
            userModel: try meta.parse("config.user-model", "collective or offset") { SideInformationModel(rawValue: $0) },
            itemModel: try meta.parse("config.item-model", "collective or offset") { SideInformationModel(rawValue: $0) },
            loadingRegularization: try meta.number("config.loading-regularization"),
            offsetRegularization: try optionalNumber("config.offset-regularization"),
            seed: try meta.parse("config.seed", "a UInt64") { UInt64($0) },
            initialScale: try meta.number("config.initial-scale"))
        do {
            try configuration.validate()
        } catch {
            throw .invalidSection(section: "meta", reason: error.description)
        }
        return configuration
    }

    /// Layout: u8 formulation (0 collective, 1 offset), the factor and offset
    /// regularisations (scalars), u64 block count, per block: name (string), weight
    /// (scalar), normalizeRows (u8), has-encoder (u8) and encoder identifier (string, when
    /// present), u64 dimension d, d column means, d column scales; then u64 loading count
    /// and each loading as u64 rows, u64 columns, elements.
    private static func encode(_ side: SideInformationLoadings<Scalar>, width: Int) -> [UInt8] {
        var writer = _ByteWriter()
        writer.append(UInt8(side.model == .collective ? 0 : 1))
        writer.append(side.factorRegularization, width: width)
        writer.append(side.offsetRegularization, width: width)
        writer.append(UInt64(side.blocks.count))
        for block in side.blocks {
            writer.append(block.name)
            writer.append(block.weight, width: width)
            writer.append(block.normalization.normalizeRows)
            writer.append(block.encoderIdentifier != nil)
            if let encoder = block.encoderIdentifier { writer.append(encoder) }
            writer.append(UInt64(block.dimension))
            writer.append(contentsOf: block.normalization.columnMeans, width: width)
            writer.append(contentsOf: block.normalization.columnScales, width: width)
        }
        writer.append(UInt64(side.loadings.count))
        for loading in side.loadings { writer.append(loading, width: width) }
        return writer.bytes
    }

    private static func decodeSide(
        _ sections: [String: ArraySlice<UInt8>], _ name: String, width: Int, factorCount: Int
    ) throws(ModelFileError) -> SideInformationLoadings<Scalar> {
        var reader = _ByteReader(section: name, bytes: try _Sections.section(sections, name))
        let model: SideInformationModel
        switch try reader.integer(UInt8.self) {
        case 0: model = .collective
        case 1: model = .offset
        case let other: throw reader.fail("unknown formulation \(other)")
        }
        let factorRegularization: Scalar = try reader.scalar(width: width)
        let offsetRegularization: Scalar = try reader.scalar(width: width)
        let blockCount = try reader.count(of: "blocks", minimumSize: 4 + width + 2 + 8)
        var blocks: [BlockSummary<Scalar>] = []
        for _ in 0..<blockCount {
            let blockName = try reader.string()
            let weight: Scalar = try reader.scalar(width: width)
            let normalizeRows = try reader.boolean()
            let encoder = try reader.boolean() ? try reader.string() : nil
            let dimension = try reader.count(of: "feature columns", minimumSize: 2 * width)
            let means: [Scalar] = try reader.scalars(dimension, width: width)
            let scales: [Scalar] = try reader.scalars(dimension, width: width)
            blocks.append(.restored(
                name: blockName, weight: weight,
                normalization: BlockNormalization(columnMeans: means, columnScales: scales, normalizeRows: normalizeRows),
                encoderIdentifier: encoder))
        }
        let loadingCount = try reader.count(of: "loadings", minimumSize: 16)
        var loadings: [Matrix<Scalar>] = []
        for index in 0..<loadingCount { loadings.append(try reader.matrix(width: width, name: "loading \(index)")) }
        try reader.finish()
        do {
            return try SideInformationLoadings(
                model: model, blocks: blocks, loadings: loadings, factorRegularization: factorRegularization,
                offsetRegularization: offsetRegularization, factorCount: factorCount)
        } catch {
            throw reader.fail(error.description)
        }
    }
}

extension ModelFile.ModelKind {
    /// A `JointFactorizationModel`.
    public static let jointFactorization = Self(rawValue: "joint-factorization")
}
