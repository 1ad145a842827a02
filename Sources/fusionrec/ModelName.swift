import ArgumentParser
import Foundation
import FusionRec

/// What ``ModelName/fit(train:table:options:sideInformation:progress:persistence:as:)``
/// returns: the ranker, and for the fusion models the joint model, its item blocks and
/// the seconds spent encoding them.
typealias FittedModel<Scalar: BLASScalar> = (
    ranker: Ranker<Scalar, String, String>,
    joint: (model: JointFactorizationModel<Scalar, String, String>, blocks: [SideInformationBlock<String, Scalar>],
            encodingSeconds: Double)?
)

/// The models the command line can fit.
enum ModelName: String, CaseIterable, ExpressibleByArgument {
    case popularity
    case als
    case implicitALS = "implicit-als"
    case sgd
    case bpr
    case fusion
    case fusionExplicit = "fusion-explicit"

    /// Fits the model on `train` and prepares it for ranking over the training items plus the
    /// items of `table`, also returning the
    /// joint model, its item blocks and the seconds spent encoding them for `fusion` (`nil`
    /// for the other models). With `--load` the model is read instead of fitted, with
    /// `--save` written. A training error about one interaction names its user and item
    /// ids instead of internal indices; a matrix that is not positive definite in a fusion
    /// fit names the options that set its scale.
    func fit<Scalar: BLASScalar>(
        train: Interactions<String, String>, table: AttributeTable<String>?, userTable: AttributeTable<String>? = nil,
        options: FactorizationOptions,
        sideInformation: SideInformationOptions, progress: TrainingProgressHandler? = nil,
        persistence: PersistenceOptions, as scalarType: Scalar.Type = Scalar.self
    ) async throws -> FittedModel<Scalar> {
        func described(_ error: TrainingError) -> Error {
            switch error {
            case let .invalidValue(user, item, value, reason):
                return FileOptionError(
                    option: "--train", path: "(user \(train.userIDs.ids[user]), item \(train.itemIDs.ids[item]))",
                    reason: "value \(value): \(reason)")
            case .notPositiveDefinite where self == .fusion || self == .fusionExplicit:
                return FileOptionError(
                    option: "--model", path: rawValue,
                    reason: "\(error); lower --block-weight or raise --regularization / --loading-regularization")
            default:
                return error
            }
        }
        do {
            return try await fitting(train: train, table: table, userTable: userTable, options: options,
                                     sideInformation: sideInformation,
                                     progress: progress, persistence: persistence, as: scalarType)
        } catch let error as TrainingError {
            throw described(error)
        } catch let FusionError.training(error) {
            throw described(error)
        }
    }

    private func fitting<Scalar: BLASScalar>(
        train: Interactions<String, String>, table: AttributeTable<String>?, userTable: AttributeTable<String>? = nil,
        options: FactorizationOptions,
        sideInformation: SideInformationOptions, progress: TrainingProgressHandler? = nil,
        persistence: PersistenceOptions, as scalarType: Scalar.Type = Scalar.self
    ) async throws -> FittedModel<Scalar> {
        let additionalItems = table?.ids ?? []
        switch self {
        case .popularity:
            let model = try await persistence.model(training: train) {
                Popularity<Scalar, String, String>(fitting: train)
            } foldingIn: { model, users in
                var ids = model.userIDs
                ids.append(contentsOf: users.map(\.id))
                return try Popularity(userIDs: ids, itemIDs: model.itemIDs, itemCounts: model.itemFactors)
            }
            return (try Ranker(model: model, training: train, additionalItems: additionalItems), nil)
        case .als, .implicitALS, .sgd, .bpr:
            let trainer = options.trainer(self)
            let model = try await persistence.model(training: train) {
                try trainer.fit(train, as: Scalar.self, progress: progress)
            } foldingIn: { try $0.foldingInUsers($1) }
            return (try Ranker(model: model, training: train, additionalItems: additionalItems), nil)
        case .fusion, .fusionExplicit:
            let trainer = sideInformation.trainer(options, feedback: self == .fusion ? .implicit : .explicit)
            let encoders = try await sideInformation.encoders()
            let media = try await sideInformation.mediaOptions()
            let cache = TextEncoderCache.shared.vectors
            var blocks: [SideInformationBlock<String, Scalar>] = []
            var userBlocks: [SideInformationBlock<String, Scalar>] = []
            var encodingSeconds = 0.0
            let model: JointFactorizationModel<Scalar, String, String> = try await persistence.model(training: train) {
                let itemPipeline = sideInformation.isEmpty ? nil : try sideInformation.pipeline()
                let userPipeline = try sideInformation.userPipeline()
                guard itemPipeline != nil || userPipeline != nil else {
                    throw ValidationError("--model fusion needs at least one block: --text-column, --categorical-column, --numeric-column, --cross-column, --image-column, --audio-column or a --user-…-column")
                }
                let encodingStart = ContinuousClock.now
                var fittedItems: FittedFeaturePipeline?, fittedUsers: FittedFeaturePipeline?
                if let itemPipeline {
                    guard let table else {
                        throw ValidationError("--model fusion and fusion-explicit need --items, the table its item blocks come from")
                    }
                    fittedItems = try itemPipeline.fitted(on: table, encoders: encoders, media: media)
                    blocks = try await fittedItems!.blocks(for: table, encoders: encoders, media: media, cache: cache)
                }
                if let userPipeline, let userTable {
                    fittedUsers = try userPipeline.fitted(on: userTable, encoders: encoders)
                    userBlocks = try await fittedUsers!.blocks(for: userTable, encoders: encoders, cache: cache)
                }
                encodingSeconds = seconds(since: encodingStart)
                return try trainer.fit(train, userBlocks: userBlocks, itemBlocks: blocks, userPipeline: fittedUsers,
                                       itemPipeline: fittedItems, as: Scalar.self, progress: progress)
            } foldingIn: { model, users in
                try model.placingUsers(users.map(\.id), from: [], foldingIn: users.map(\.interactions))
            }
            // Items of --items and users of --user-table the model does not know are placed:
            // from the blocks just built after a fit, through the model's own pipelines
            // after --load.
            var placed = model
            if let table, model.itemPipeline != nil {
                if blocks.isEmpty {
                    let loadedMedia = try await sideInformation.mediaOptions(for: model.itemPipeline?.specification)
                    placed = try await placed.placingItems(table, encoders: encoders, media: loadedMedia, cache: cache)
                    await reportMedia(loadedMedia, table: table.source)
                } else {
                    placed = try placed.placingItems(placed.placeableItems(in: table), from: blocks)
                    await reportMedia(media, table: table.source)
                }
            }
            if let userTable, model.userPipeline != nil {
                placed = userBlocks.isEmpty
                    ? try await placed.placingUsers(userTable, encoders: encoders, cache: cache)
                    : try placed.placingUsers(placed.placeableUsers(in: userTable), from: userBlocks)
            }
            let ranker = try Ranker(model: placed, training: train, additionalItems: additionalItems)
            return (ranker, (placed, blocks, encodingSeconds))
        }
    }
}

/// Reads an item attribute table, with the id column chosen by `--item-id-column`.
func readItemTable(_ path: String?, idColumn: String?) throws -> AttributeTable<String>? {
    try path.map { try AttributeTable<String>(csvPath: $0, idColumn: idColumn) }
}

/// Seconds elapsed since `start`.
func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

/// Writes `text` to `path` (standard output for `-`), with an error that names the
/// option and the file.
func writeText(_ text: String, to path: String, option: String) throws {
    try writeOutput(Array(text.utf8), to: path, option: option)
}
