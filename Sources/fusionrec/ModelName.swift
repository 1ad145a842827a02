import ArgumentParser
import Foundation
import FusionRec

/// The models the command line can fit.
enum ModelName: String, CaseIterable, ExpressibleByArgument {
    case popularity
    case als
    case implicitALS = "implicit-als"
    case sgd
    case bpr
    case fusion
    case fusionExplicit = "fusion-explicit"

    /// Fits the model on `train` and prepares it for ranking over the training items plus
    /// the items of `table`; `fusion` builds item blocks from `table` and places its cold
    /// items from them.
    func fitRanker<Scalar: BLASScalar>(
        train: Interactions<String, String>, table: AttributeTable<String>?, options: FactorizationOptions,
        sideInformation: SideInformationOptions, progress: TrainingProgressHandler? = nil,
        persistence: PersistenceOptions, as scalarType: Scalar.Type = Scalar.self
    ) async throws -> Ranker<Scalar, String, String> {
        try await fit(train: train, table: table, options: options, sideInformation: sideInformation,
                      progress: progress, persistence: persistence, as: scalarType).ranker
    }

    /// ``fitRanker(train:table:options:sideInformation:progress:persistence:as:)``, also returning the
    /// joint model, its item blocks and the seconds spent encoding them for `fusion` (`nil`
    /// for the other models). With `--load` the model is read instead of fitted, with
    /// `--save` written.
    func fit<Scalar: BLASScalar>(
        train: Interactions<String, String>, table: AttributeTable<String>?, options: FactorizationOptions,
        sideInformation: SideInformationOptions, progress: TrainingProgressHandler? = nil,
        persistence: PersistenceOptions, as scalarType: Scalar.Type = Scalar.self
    ) async throws -> (
        ranker: Ranker<Scalar, String, String>,
        joint: (model: JointFactorizationModel<Scalar, String, String>, blocks: [SideInformationBlock<String, Scalar>],
                encodingSeconds: Double)?
    ) {
        let additionalItems = table?.ids.ids ?? []
        switch self {
        case .popularity:
            let model = try await persistence.model { Popularity<Scalar, String, String>(fitting: train) }
            return (try Ranker(model: model, training: train, additionalItems: additionalItems), nil)
        case .als, .implicitALS, .sgd, .bpr:
            let trainer = options.trainer(self)
            let model = try await persistence.model { try trainer.fit(train, as: Scalar.self, progress: progress) }
            return (try Ranker(model: model, training: train, additionalItems: additionalItems), nil)
        case .fusion, .fusionExplicit:
            let encodingStart = ContinuousClock.now
            let blocks = try await sideInformation.blocks(table, as: Scalar.self)
            let encodingSeconds = seconds(since: encodingStart)
            let model = try await persistence.model {
                try sideInformation.trainer(options, feedback: self == .fusion ? .implicit : .explicit)
                    .fit(train, itemBlocks: blocks, as: Scalar.self, progress: progress)
            }
            let ranker = try model.ranker(training: train, additionalItems: additionalItems, itemBlocks: blocks)
            return (ranker, (model, blocks, encodingSeconds))
        }
    }
}

/// Reads an item attribute table, with the id column chosen by `--item-id-column`.
func readItemTable(_ path: String?, idColumn: String?) throws -> AttributeTable<String>? {
    try path.map { try AttributeTable<String>(csvPath: $0, idColumn: idColumn) }
}

/// Reads an interactions file with string ids, detecting MovieLens columns.
func readInteractions(_ path: String) throws -> Interactions<String, String> {
    try Interactions<String, String>(csvPath: path)
}

/// Seconds elapsed since `start`.
func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

/// A field quoted for CSV when it holds a comma, a quote or a line break.
func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

/// Writes `text` to `path`, with an error that names the file.
func writeText(_ text: String, to path: String) throws {
    do {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
        throw RankingError.invalidArgument("\(path): cannot write: \(error.localizedDescription)")
    }
}
