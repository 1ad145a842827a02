import ArgumentParser
import Foundation
import FusionRec

/// `fusionrec place`: places new items in a saved fusion model from their raw attributes
/// and says, for each, who it would reach first and what it is closest to.
struct PlaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "place",
        abstract: "Place new items of an attribute table in a saved fusion model and list, for each, the users it would reach first and its closest catalogue items.",
        discussion: """
            The model file must hold a fusion model fitted through item columns (fusionrec recommend or \
            evaluate with --model fusion and --save): its feature pipeline — the fitted TF-IDF weights, \
            vocabularies, bucket edges and block preprocessing — encodes the new rows, so neither the \
            training data nor the catalogue is needed. Rows whose id the model already knows, and rows \
            with none of the model's columns filled, are left out. Output CSV: \
            item,relation,rank,id,score with relation user (the users whose score for the item is \
            highest) or similar-item (cosine of item factors, among the model's catalogue).
            """)

    @Option(help: "The saved fusion model (a FusionRec model file).")
    var load: String
    @Option(help: "The attribute table of the new items (CSV with a header; the columns the model was fitted on).")
    var items: String
    @Option(help: "The item id column of --items (default: the first column).")
    var itemIdColumn: String?
    @Option(help: "How many users to list per item.")
    var users: Int = 5
    @Option(help: "How many similar catalogue items to list per item.")
    var similar: Int = 5
    @Option(help: "The MiniLM model folder, when the model's titles were encoded with MiniLM (default: FUSIONREC_MODEL_DIR or ~/.cache/fusionrec/all-MiniLM-L6-v2).")
    var modelDir: String?
    @OptionGroup(title: "Images and audio")
    var mediaOptions: MediaOptions
    @Option(help: "The output CSV file, or - for standard output.")
    var output: String = "-"

    func validate() throws {
        guard users >= 0 else { throw ValidationError("--users must not be negative, got \(users)") }
        guard similar >= 0 else { throw ValidationError("--similar must not be negative, got \(similar)") }
    }

    func run() async throws {
        try await reportingErrors {
            try checkOutputFile(output, option: "--output", allowsStandardOutput: true)
            let model = try JointFactorizationModel<Double, String, String>(contentsOfFile: load)
            guard let pipeline = model.itemPipeline else {
                throw FileOptionError(option: "--load", path: load,
                                      reason: "the model has no item pipeline (fit it with --model fusion and item columns, then --save)")
            }
            let table = try AttributeTable<String>(csvPath: items, idColumn: itemIdColumn)
            let newItems = try model.placeableItems(in: table)
            var encoders: [String: any TextEncoder] = [:]
            for block in pipeline.specification.blocks {
                if case .text(_, .provided(let name)) = block.source, name == SideInformationOptions.miniLMEncoderName {
                    encoders[name] = try await TextEncoderCache.shared.sentenceEncoder(modelDir ?? defaultMiniLMDirectory())
                }
            }
            let media = try await mediaOptions.mediaOptions(loading: MediaOptions.encoderNames(of: pipeline.specification))
            let placed = try await model.placingItems(table, encoders: encoders, media: media)
            await reportMedia(media, table: items)
            let ranker = try Ranker(model: placed)
            let catalogue = RankingFilter(candidates: Set(model.itemIDs.ids))
            var text = "item,relation,rank,id,score\n"
            for item in newItems {
                for (rank, entry) in try ranker.audience(of: item, count: users).enumerated() {
                    text += "\(item.csvEscaped()),user,\(rank + 1),\(entry.id.csvEscaped()),\(entry.score)\n"
                }
                for (rank, entry) in try ranker.similarItems(to: item, count: similar, filter: catalogue).enumerated() {
                    text += "\(item.csvEscaped()),similar-item,\(rank + 1),\(entry.id.csvEscaped()),\(entry.score)\n"
                }
            }
            try writeText(text, to: output, option: "--output")
            FileHandle.standardError.write(Data(
                "fusionrec: placed \(newItems.count) of the \(table.count) rows of \(items) (the others are known to the model or have no attribute it reads)\n".utf8))
        }
    }
}
