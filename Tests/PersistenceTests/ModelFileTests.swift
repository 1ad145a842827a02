import FusionRecTestSupport
import Factorization
import Fusion
import LinearAlgebra
@testable import Persistence
import Testing


/// The trained matrix factorization models of every trainer, small and seeded.
func trainedModels<T: BLASScalar, U, I>(_ data: Interactions<U, I>, _: T.Type) throws
    -> [(name: String, model: MatrixFactorizationModel<T, U, I>)]
{
    [
        ("als", try AlternatingLeastSquares(.init(factorCount: 4, regularization: 0.5, iterationCount: 3)).fit(data, as: T.self)),
        ("implicit-als", try ImplicitAlternatingLeastSquares(.init(factorCount: 4, iterationCount: 3)).fit(data, as: T.self)),
        ("implicit-als-binary", try ImplicitAlternatingLeastSquares(.init(factorCount: 3, values: .binary, iterationCount: 2, solver: .cholesky)).fit(data, as: T.self)),
        ("sgd", try BiasedMatrixFactorization(.init(factorCount: 4, epochCount: 3)).fit(data, as: T.self)),
        ("bpr", try BayesianPersonalizedRanking(.init(factorCount: 4, epochCount: 3)).fit(data, as: T.self)),
    ]
}

/// A joint model with user and item blocks (collective users, offset items by default).
func trainedJoint<T: BLASScalar, U, I>(
    _ data: Interactions<U, I>, _: T.Type, userModel: SideInformationModel = .collective,
    itemModel: SideInformationModel = .offset, userBlocks: Bool = true,
    explicit: Bool = false
) throws -> JointFactorizationModel<T, U, I> {
    let items: SideInformationBlock<I, T> = try itemBlock(data)
    var generator = SplitMix64(seed: 5)
    let users = try SideInformationBlock<U, T>(
        name: "age", ids: data.userIDs.ids,
        features: .random(rowCount: data.userCount, columnCount: 2, in: 0...1, using: &generator))
    let feedback: JointFactorization.Feedback = explicit
        ? .explicit(.init(biasRegularization: 2)) : .implicit(.init(solver: .conjugateGradient(steps: 2)))
    return try JointFactorization(.init(feedback: feedback, factorCount: 4, regularization: explicit ? 1 : 0.05,
                                        iterationCount: 2, userModel: userModel, itemModel: itemModel, seed: 3))
        .fit(data, userBlocks: userBlocks ? [users] : [], itemBlocks: [items], as: T.self)
}

func expectSame<T, U, I>(_ a: MatrixFactorizationModel<T, U, I>, _ b: MatrixFactorizationModel<T, U, I>,
                         sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.userIDs == b.userIDs, sourceLocation: sourceLocation)
    #expect(a.itemIDs == b.itemIDs, sourceLocation: sourceLocation)
    #expect(a.userFactors == b.userFactors, sourceLocation: sourceLocation)
    #expect(a.itemFactors == b.itemFactors, sourceLocation: sourceLocation)
    #expect(a.globalBias == b.globalBias, sourceLocation: sourceLocation)
    #expect(a.userBiases == b.userBiases, sourceLocation: sourceLocation)
    #expect(a.itemBiases == b.itemBiases, sourceLocation: sourceLocation)
    #expect(a.predictsValues == b.predictsValues, sourceLocation: sourceLocation)
    #expect(a.foldInRule == b.foldInRule, sourceLocation: sourceLocation)
}

func expectSame<T, U, I>(_ a: JointFactorizationModel<T, U, I>, _ b: JointFactorizationModel<T, U, I>,
                         sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.userIDs == b.userIDs, sourceLocation: sourceLocation)
    #expect(a.itemIDs == b.itemIDs, sourceLocation: sourceLocation)
    #expect(a.userFactors == b.userFactors, sourceLocation: sourceLocation)
    #expect(a.itemFactors == b.itemFactors, sourceLocation: sourceLocation)
    #expect(a.configuration == b.configuration, sourceLocation: sourceLocation)
    #expect(a.globalBias == b.globalBias, sourceLocation: sourceLocation)
    #expect(a.userBiases == b.userBiases, sourceLocation: sourceLocation)
    #expect(a.itemBiases == b.itemBiases, sourceLocation: sourceLocation)
    for (x, y) in [(a.userSide, b.userSide), (a.itemSide, b.itemSide)] {
        #expect(x.model == y.model, sourceLocation: sourceLocation)
        #expect(x.blocks == y.blocks, sourceLocation: sourceLocation)
        #expect(x.loadings == y.loadings, sourceLocation: sourceLocation)
        #expect(x.factorRegularization == y.factorRegularization, sourceLocation: sourceLocation)
        #expect(x.offsetRegularization == y.offsetRegularization, sourceLocation: sourceLocation)
    }
}

/// The table entries of a model file: name, payload offset and length.
func sectionTable(_ bytes: [UInt8]) -> [(name: String, offset: Int, length: Int)] {
    func u64(_ at: Int) -> Int { (0..<8).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
    let count = (0..<4).reduce(0) { $0 | Int(bytes[16 + $1]) << (8 * $1) }
    return (0..<count).map { index in
        let base = 40 + 40 * index
        let name = String(decoding: bytes[base..<base + 16].prefix { $0 != 0 }, as: UTF8.self)
        return (name, u64(base + 16), u64(base + 24))
    }
}

@Suite("Model files")
struct ModelFileTests {
    @Test("every matrix factorization model round-trips exactly, Int and String ids", arguments: scalarTypes)
    func matrixFactorizationRoundTrip(_ type: any BLASScalar.Type) throws {
        func check<T: BLASScalar>(_: T.Type) throws {
            let data = try seededRatings()
            for (name, model) in try trainedModels(data, T.self) {
                let bytes = model.modelFileBytes()
                #expect(try ModelFile.kind(of: bytes) == .matrixFactorization, "\(name)")
                expectSame(model, try MatrixFactorizationModel<T, Int, Int>(modelFileBytes: bytes))
            }
            let strings = try withStringIDs(data)
            for (_, model) in try trainedModels(strings, T.self) {
                expectSame(model, try MatrixFactorizationModel<T, String, String>(modelFileBytes: model.modelFileBytes()))
            }
        }
        try check(type)
    }

    @Test("popularity round-trips", arguments: scalarTypes)
    func popularityRoundTrip(_ type: any BLASScalar.Type) throws {
        func check<T: BLASScalar>(_: T.Type) throws {
            let model = Popularity<T, String, String>(fitting: try withStringIDs(seededRatings()))
            let loaded = try Popularity<T, String, String>(modelFileBytes: model.modelFileBytes())
            #expect(loaded.userIDs == model.userIDs && loaded.itemIDs == model.itemIDs)
            #expect(loaded.userFactors == model.userFactors && loaded.itemFactors == model.itemFactors)
        }
        try check(type)
    }

    @Test("joint models round-trip with blocks, statistics, encoders and loadings", arguments: scalarTypes)
    func jointRoundTrip(_ type: any BLASScalar.Type) throws {
        func check<T: BLASScalar>(_: T.Type) throws {
            let data = try seededRatings()
            for (users, items, userBlocks) in [(SideInformationModel.collective, SideInformationModel.offset, true),
                                               (.offset, .collective, true), (.offset, .offset, false)] {
                let model = try trainedJoint(data, T.self, userModel: users, itemModel: items, userBlocks: userBlocks)
                let bytes = model.modelFileBytes()
                #expect(try ModelFile.kind(of: bytes) == .jointFactorization)
                let loaded = try JointFactorizationModel<T, Int, Int>(modelFileBytes: bytes)
                expectSame(model, loaded)
                // The loaded model places a cold item exactly as the original does.
                let block: SideInformationBlock<Int, T> = try itemBlock(data, extraIDs: [777])
                #expect(try loaded.itemFactors(for: [777], from: [block]) == model.itemFactors(for: [777], from: [block]))
            }
            let strings = try trainedJoint(try withStringIDs(data), T.self)
            expectSame(strings, try JointFactorizationModel<T, String, String>(modelFileBytes: strings.modelFileBytes()))
            // Explicit feedback: biases, the bias regularisation and the feedback kind survive.
            let explicit = try trainedJoint(data, T.self, explicit: true)
            #expect(explicit.userBiases != nil && explicit.globalBias != 0)
            let reloaded = try JointFactorizationModel<T, Int, Int>(modelFileBytes: explicit.modelFileBytes())
            expectSame(explicit, reloaded)
            #expect(reloaded.predictsValues)
        }
        try check(type)
    }

    @Test("a Float file loads as Double exactly, a Double file as Float rounded")
    func crossPrecision() throws {
        let data = try seededRatings()
        let single = try trainedModels(data, Float.self)[0].model
        let widened = try MatrixFactorizationModel<Double, Int, Int>(modelFileBytes: single.modelFileBytes())
        #expect(widened.userFactors.elements == single.userFactors.elements.map(Double.init))
        let double = try trainedModels(data, Double.self)[0].model
        let narrowed = try MatrixFactorizationModel<Float, Int, Int>(modelFileBytes: double.modelFileBytes())
        #expect(narrowed.itemFactors.elements == double.itemFactors.elements.map(Float.init))
    }

    @Test("save and load through a file; kind(ofFile:); no temporary file is left")
    func files() throws {
        let folder = ScratchFolder("model")
        defer { folder.remove() }
        let path = folder.path + "/model.frm"
        let model = try trainedModels(try seededRatings(), Float.self)[1].model
        try model.write(toFile: path)
        expectSame(model, try MatrixFactorizationModel<Float, Int, Int>(contentsOfFile: path))
        #expect(try ModelFile.kind(ofFile: path) == .matrixFactorization)
        #expect(throws: ModelFileError.self) { try MatrixFactorizationModel<Float, Int, Int>(contentsOfFile: path + ".missing") }
        #expect(throws: ModelFileError.self) { try ModelFile.kind(ofFile: folder.path) }
        let leftovers = try #require(listFolder(folder.path))
        #expect(leftovers == ["model.frm"])
    }

    @Test("a failed save keeps the previous file intact")
    func atomicSave() throws {
        let folder = ScratchFolder("atomic")
        defer { folder.remove() }
        let path = folder.path + "/model.frm"
        let models = try trainedModels(try seededRatings(), Double.self)
        try models[0].model.write(toFile: path)
        // A directory in the temporary file's place makes the write fail before the rename.
        #expect(_temporaryPath(for: path).hasPrefix(path))
        #expect(mkdirForTest(_temporaryPath(for: path)))
        #expect(throws: ModelFileError.self) { try models[1].model.write(toFile: path) }
        expectSame(models[0].model, try MatrixFactorizationModel<Double, Int, Int>(contentsOfFile: path))
        // A save into a folder that does not exist fails without creating anything.
        #expect(throws: ModelFileError.self) { try models[1].model.write(toFile: folder.path + "/none/model.frm") }
    }

    @Test("a save writes through a symbolic link, keeps permissions, and refuses folders and devices")
    func saveThroughLinks() throws {
        let folder = ScratchFolder("links")
        defer { folder.remove() }
        let models = try trainedModels(try seededRatings(), Double.self)
        let target = folder.path + "/real.frm", link = folder.path + "/link.frm"
        try models[0].model.write(toFile: target)
        #expect(chmodForTest(target, 0o600))
        #expect(symlinkForTest("real.frm", at: link))
        try models[1].model.write(toFile: link)
        #expect(isSymbolicLink(link))
        expectSame(models[1].model, try MatrixFactorizationModel<Double, Int, Int>(contentsOfFile: target))
        #expect(permissions(target) == 0o600)
        #expect(listFolder(folder.path) == ["link.frm", "real.frm"])
        // A dangling link creates its target.
        #expect(symlinkForTest("new.frm", at: folder.path + "/dangling.frm"))
        try models[0].model.write(toFile: folder.path + "/dangling.frm")
        expectSame(models[0].model, try MatrixFactorizationModel<Double, Int, Int>(contentsOfFile: folder.path + "/new.frm"))
        #expect(mkdirForTest(folder.path + "/sub"))
        #expect(throws: ModelFileError.fileSystem(path: folder.path + "/sub", reason: "is a folder; refusing to replace it with a file")) {
            try models[0].model.write(toFile: folder.path + "/sub")
        }
        #expect(throws: ModelFileError.fileSystem(
            path: "/dev/null", reason: "is not a regular file (a device, FIFO or socket); refusing to replace it")) {
            try models[0].model.write(toFile: "/dev/null")
        }
        #expect(symlinkForTest("/dev/null", at: folder.path + "/device-link"))
        #expect(throws: ModelFileError.self) { try models[0].model.write(toFile: folder.path + "/device-link") }
        #expect(isSymbolicLink(folder.path + "/device-link"))
    }

    @Test("the wrong kind is refused")
    func wrongKind() throws {
        let data = try seededRatings()
        let bytes = Popularity<Float, Int, Int>(fitting: data).modelFileBytes()
        #expect(throws: ModelFileError.wrongModelKind(expected: "matrix-factorization", found: "popularity")) {
            try MatrixFactorizationModel<Float, Int, Int>(modelFileBytes: bytes)
        }
        #expect(throws: ModelFileError.wrongModelKind(expected: "joint-factorization", found: "popularity")) {
            try JointFactorizationModel<Float, Int, Int>(modelFileBytes: bytes)
        }
        let sgd = try trainedModels(try withStringIDs(data), Float.self)[3].model.modelFileBytes()
        #expect(throws: ModelFileError.invalidSection(section: "user-ids", reason: "id 0 'u1000' is not a valid Int")) {
            try MatrixFactorizationModel<Float, Int, Int>(modelFileBytes: sgd)
        }
    }
}
