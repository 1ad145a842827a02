import ArgumentParser
import FusionRec

/// `--save FILE` and `--load FILE`: keep a fitted model in a FusionRec model file, or
/// use one instead of fitting (see `Docs/ModelFormat.md`).
struct PersistenceOptions: ParsableArguments {
    @Option(help: "Save the fitted model to this model file (written atomically).")
    var save: String?
    @Option(help: "Load the model from this model file instead of fitting it; --train is still read for exclusions. The file must hold the kind of model --model names.")
    var load: String?

    /// The model loaded from `--load`, or the one `fit` returns; saved to `--save` when given.
    func model<Model: PersistableModel>(fitting fit: () async throws -> Model) async throws -> Model {
        let model: Model
        if let load { model = try Model(contentsOfFile: load) } else { model = try await fit() }
        if let save { try model.write(toFile: save) }
        return model
    }
}
