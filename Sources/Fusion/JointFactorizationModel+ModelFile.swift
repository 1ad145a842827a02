import Factorization
import Persistence
import LinearAlgebra

extension JointFactorizationModel: PersistableModel
where UserID: LosslessStringConvertible, ItemID: LosslessStringConvertible {
    /// `ModelFile.ModelKind.jointFactorization`.
    public static var modelKind: ModelFile.ModelKind { .jointFactorization }

    /// The sections `meta` (with the configuration as `config.*` keys), `user-ids`,
    /// `item-ids`, `user-factors`, `item-factors`, `user-side` and `item-side` (each
    /// side's formulation, block summaries and loadings; see `Docs/ModelFormat.md`),
    /// `user-pipeline` and `item-pipeline` for sides fitted through a feature pipeline
    /// (format 1.1), and for explicit fits `user-biases` and `item-biases`.
    public func modelFileBytes() -> [UInt8] {
        let width = MemoryLayout<Scalar>.size
        var sides = [("user-side", Self.encode(userSide, width: width)), ("item-side", Self.encode(itemSide, width: width))]
        if let pipeline = userSide.pipeline { sides.append(("user-pipeline", pipeline.modelFileSection())) }
        if let pipeline = itemSide.pipeline { sides.append(("item-pipeline", pipeline.modelFileSection())) }
        // Pipeline sections are what format 1.1 added; a file without them stays 1.0.
        let minorVersion = userSide.pipeline == nil && itemSide.pipeline == nil ? 0 : 1
        return _FactorModelSections.encode(self, kind: Self.modelKind, minorVersion: minorVersion, extraSections: sides) {
            meta in Self.write(configuration, to: &meta)
        }
    }

    private static func write(_ c: JointFactorization.Configuration, to meta: inout _Metadata) {
        // Every key is written for either feedback, so files keep the layout older builds
        // read; an explicit model records the implicit settings of the build that made the
        // layout (α = 40), which nothing reads back.
        let implicit = c.implicitFeedback ?? JointFactorization.ImplicitFeedback(alpha: 40)
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
    }

    /// Reads a joint factorization model; see `PersistableModel.init(modelFileBytes:)`.
    public init(modelFileBytes bytes: [UInt8]) throws(ModelFileError) {
        let file: _FactorModelSections.Decoded<Scalar, UserID, ItemID> =
            try _FactorModelSections.decode(bytes, kind: Self.modelKind)
        let k = file.tables.userFactors.columnCount
        let configuration = try Self.configuration(file.meta)
        guard configuration.factorCount == k else {
            throw .invalidSection(section: "meta", reason: "config.factor-count \(configuration.factorCount), factors \(k)")
        }
        var userSide = try Self.decodeSide(file.sections, "user-side", width: file.width, factorCount: k)
        var itemSide = try Self.decodeSide(file.sections, "item-side", width: file.width, factorCount: k)
        try Self.attachPipeline(file.sections, "user-pipeline", to: &userSide)
        try Self.attachPipeline(file.sections, "item-pipeline", to: &itemSide)
        do {
            let t = file.tables
            self = try .restored(userIDs: t.userIDs, itemIDs: t.itemIDs, userFactors: t.userFactors,
                                 itemFactors: t.itemFactors, globalBias: t.globalBias, userBiases: t.userBiases,
                                 itemBiases: t.itemBiases, configuration: configuration, userSide: userSide,
                                 itemSide: itemSide)
        } catch {
            throw .invalidSection(section: "meta", reason: error.description)
        }
    }

    /// Reads the pipeline section `name`, when the file has one, onto `side`.
    private static func attachPipeline(
        _ sections: [String: ArraySlice<UInt8>], _ name: String, to side: inout SideInformationLoadings<Scalar>
    ) throws(ModelFileError) {
        guard let bytes = sections[name] else { return }
        let pipeline = try FittedFeaturePipeline(modelFileSection: bytes, section: name)
        do {
            try side.attach(pipeline)
        } catch {
            throw .invalidSection(section: name, reason: error.description)
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
