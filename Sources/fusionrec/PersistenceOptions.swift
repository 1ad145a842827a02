import ArgumentParser
import Foundation
import FusionRec

/// `--save FILE` and `--load FILE`: keep a fitted model in a FusionRec model file, or
/// use one instead of fitting (see `Docs/ModelFormat.md`).
struct PersistenceOptions: ParsableArguments {
    @Option(help: "Save the fitted model to this model file (written atomically; a link is written through to its target).")
    var save: String?
    @Option(help: "Load the model from this model file instead of fitting it; --train is still read for exclusions, and its users the model does not know are folded in from their --train rows. The file must hold the kind of model --model names.")
    var load: String?

    /// Checks, before any work, that `--save` can be written.
    func checkOutputs() throws {
        if let save { try checkOutputFile(save, option: "--save") }
    }

    /// The model loaded from `--load`, or the one `fit` returns; saved to `--save` when given.
    ///
    /// A loaded model gets every user of `training` it does not know through `foldIn`,
    /// from the user's training rows on the items the model knows, and the command says
    /// so on standard error: no training user is dropped.
    func model<Model: PersistableModel & FactorModel>(
        training: Interactions<String, String>, fitting fit: () async throws -> Model,
        foldingIn foldIn: (Model, [(id: String, interactions: [(item: String, value: Double)])]) throws -> Model
    ) async throws -> Model where Model.UserID == String, Model.ItemID == String {
        var model: Model
        if let load {
            model = try Model(contentsOfFile: load)
            let unknown = training.userIDs.ids.filter { model.userIDs.index(of: $0) == nil }
            if !unknown.isEmpty {
                model = try foldIn(model, trainingRows(of: unknown, in: training, keeping: model.itemIDs))
                FileHandle.standardError.write(Data(
                    "fusionrec: --load \(load): folded in \(unknown.count) --train users the model does not know, from their training rows\n".utf8))
            }
        } else {
            model = try await fit()
        }
        if let save { try write(model, to: save) }
        return model
    }

    /// Writes `model` to `path`, a file-system failure reported against `--save`.
    private func write(_ model: some PersistableModel, to path: String) throws {
        do throws(ModelFileError) {
            try model.write(toFile: path)
        } catch {
            guard case let .fileSystem(_, reason) = error else { throw error }
            throw FileOptionError(option: "--save", path: path, reason: reason)
        }
    }
}
