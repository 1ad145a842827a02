import ArgumentParser
import Foundation
import FusionRec

/// `fusionrec import`: a fusion model around factors trained elsewhere (Spark MLlib ALS,
/// implicit, `fusionrec export`): the item side-information map is fitted with the item
/// factors held fixed, and the model is saved for `evaluate`/`recommend --load` and `place`.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Build a fusion model from imported factors: fit the item side-information map with the factors held fixed, and save it.",
        discussion: """
            --from is a folder in the layout fusionrec export writes: user-factors.npy and \
            item-factors.npy (float32 or float64, one row per id), user-ids.json and item-ids.json \
            (JSON arrays of strings, row i's id at position i). Benchmarks/Compare/spark_interop.py \
            converts a saved Spark ALSModel (userFactors/, itemFactors/ Parquet) into it. The factors \
            are kept as they are; the item columns (--text-column, --categorical-column, …) build the \
            blocks through a feature pipeline fitted on --items, and the offset map (or the \
            collective loadings, --item-side-model) is fitted from them to the item factors. Items of \
            --items without factors are not part of the fit; the saved model places them (and any \
            later ones) from their attributes: fusionrec evaluate --model fusion --load MODEL --items … \
            ranks them.
            """)

    @Option(help: "The folder of imported factors (the layout of fusionrec export).")
    var from: String
    @Option(help: "Item attribute table (CSV, first column the item id) that the item blocks come from.")
    var items: String
    @Option(help: "Save the model to this model file.")
    var save: String
    @Option(parsing: .unconditional, help: "Threads for parallel loops and BLAS (default: FUSIONREC_THREADS or all processors).")
    var threads: Int?
    @OptionGroup(title: "Factorisation models")
    var factorization: FactorizationOptions
    @OptionGroup(title: "Side information")
    var sideInformation: SideInformationOptions

    func validate() throws {
        try checkThreads(threads)
        guard !sideInformation.isEmpty else {
            throw ValidationError("import needs item columns (--text-column, --categorical-column, --numeric-column or --cross-column)")
        }
    }

    func run() async throws {
        try await reportingErrors {
            if let threads { Parallel.threadCount = threads }
            try checkOutputFile(save, option: "--save")
            switch factorization.precision {
            case .float: try await importModel(as: Float.self)
            case .double: try await importModel(as: Double.self)
            }
        }
    }

    private func importModel<Scalar: BLASScalar>(as _: Scalar.Type) async throws {
        let userFactors = try factors("user-factors.npy", as: Scalar.self)
        let itemFactors = try factors("item-factors.npy", as: Scalar.self)
        let userIDs = try ids("user-ids.json"), itemIDs = try ids("item-ids.json")
        guard userFactors.columnCount == itemFactors.columnCount else {
            throw FileOptionError(option: "--from", path: from,
                                  reason: "user factors have \(userFactors.columnCount) columns, item factors \(itemFactors.columnCount)")
        }
        guard let table = try readItemTable(items, idColumn: sideInformation.itemIdColumn) else { return }
        var trainer = sideInformation.trainer(factorization)
        trainer.configuration.factorCount = itemFactors.columnCount
        let encoders = try await sideInformation.encoders()
        let start = ContinuousClock.now
        let media = try await sideInformation.mediaOptions()
        let pipeline = try sideInformation.pipeline().fitted(on: table, encoders: encoders, media: media)
        let blocks: [SideInformationBlock<String, Scalar>] = try await pipeline.blocks(
            for: table, encoders: encoders, media: media)
        await reportMedia(media, table: table.source)
        let encoded = seconds(since: start)
        let model = try trainer.fitSideInformation(
            userIDs: userIDs, userFactors: userFactors, itemIDs: itemIDs, itemFactors: itemFactors, itemBlocks: blocks,
            itemPipeline: pipeline)
        do throws(ModelFileError) {
            try model.write(toFile: save)
        } catch {
            throw FileOptionError(option: "--save", path: save, reason: error.description)
        }
        let covered = itemIDs.filter { table.rowIndex(of: $0) != nil }.count
        FileHandle.standardError.write(Data("""
            fusionrec: imported \(userIDs.count) users and \(itemIDs.count) items × \(itemFactors.columnCount) factors; \
            item map fitted on the \(covered) with rows in \(items) (encoding \(String(format: "%.2f", encoded)) s, map \
            \(String(format: "%.2f", seconds(since: start) - encoded)) s); saved \(save)\n
            """.utf8))
    }

    private func factors<Scalar: BLASScalar>(_ name: String, as _: Scalar.Type) throws -> Matrix<Scalar> {
        do {
            return try Matrix<Scalar>(numPyFile: from + "/" + name)
        } catch {
            throw FileOptionError(option: "--from", path: from + "/" + name, reason: "\(error)")
        }
    }

    private func ids(_ name: String) throws -> [String] {
        let path = from + "/" + name
        let bytes: [UInt8]
        do throws(_FileFailure) { bytes = try _readWholeFile(path) } catch {
            throw FileOptionError(option: "--from", path: path, reason: "cannot read: \(error.reason)")
        }
        do {
            return try JSONDecoder().decode([String].self, from: Data(bytes))
        } catch {
            throw FileOptionError(option: "--from", path: path, reason: "not a JSON array of strings")
        }
    }
}
