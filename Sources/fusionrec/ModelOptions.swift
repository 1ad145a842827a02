import ArgumentParser
import FusionRec

/// What `evaluate` and `recommend` share: the training file, the model and its options,
/// the item table, threads, and model files.
struct ModelOptions: ParsableArguments {
    @Option(help: "Training interactions: CSV with a header (MovieLens columns detected), or .npy triplets USERS.npy,ITEMS.npy[,VALUES.npy].")
    var train: String
    @Option(help: "The model: \(ModelName.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: ModelName
    @Option(help: "Item attribute table (CSV, first column the item id) whose items join the catalogue.")
    var items: String?
    @Option(parsing: .unconditional, help: "Threads for parallel loops and BLAS (default: FUSIONREC_THREADS or all processors).")
    var threads: Int?
    @OptionGroup(title: "Factorisation models")
    var factorization: FactorizationOptions
    @OptionGroup(title: "Side information (--model fusion)")
    var sideInformation: SideInformationOptions
    @OptionGroup(title: "Model files")
    var persistence: PersistenceOptions

    func validate() throws {
        try checkThreads(threads)
        try sideInformation.checkApplies(to: model)
    }

    /// Checks `--save` before any work and applies `--threads`.
    func prepare() throws {
        try persistence.checkOutputs()
        if let threads { Parallel.threadCount = threads }
    }

    /// The `--train` interactions, the `--items` table and the `--user-table`.
    func readData() throws -> ModelData {
        ModelData(train: try readInteractions(train, option: "--train"),
                  items: try readItemTable(items, idColumn: sideInformation.itemIdColumn),
                  users: try sideInformation.readUserTable())
    }

    /// Fits (or loads) `--model` on `data` with factors of type `Scalar`.
    func fit<Scalar: BLASScalar>(
        _ data: ModelData, progress: TrainingProgressHandler? = nil, as scalarType: Scalar.Type
    ) async throws -> FittedModel<Scalar> {
        try await model.fit(train: data.train, table: data.items, userTable: data.users, options: factorization,
                            sideInformation: sideInformation, progress: progress, persistence: persistence, as: scalarType)
    }
}

/// What `--train`, `--items` and `--user-table` hold.
struct ModelData {
    var train: Interactions<String, String>
    var items: AttributeTable<String>?
    var users: AttributeTable<String>? = nil
}
