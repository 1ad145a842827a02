import ArgumentParser
import Foundation
import FusionRec

/// `fusionrec recommend`: fits a model and writes the top K items of every user.
struct RecommendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Fit a model and write each user's top K items as CSV user,item,rank,score.",
        discussion: """
            Training items are left out of each user's recommendations; ties are broken by ascending \
            item id. Ranks start at 1.
            """)

    @Option(help: "Training interactions (CSV with a header; MovieLens columns detected).")
    var train: String
    @Option(help: "The model: \(ModelName.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: ModelName
    @Option(help: "Users to recommend for (CSV with a header; the userId/user column, else the first). Default: every training user.")
    var users: String?
    @Option(help: "Item attribute table (CSV, first column the item id) whose items join the catalogue.")
    var items: String?
    @Option(help: "The number of items per user.")
    var k: Int = 10
    @Option(help: "The output CSV file.")
    var output: String
    @Option(help: "Threads for parallel loops and BLAS (default: FUSIONREC_THREADS or all processors).")
    var threads: Int?
    @OptionGroup(title: "Factorisation models")
    var factorization: FactorizationOptions
    @OptionGroup(title: "Side information (--model fusion)")
    var sideInformation: SideInformationOptions
    @OptionGroup(title: "Model files")
    var persistence: PersistenceOptions

    func validate() throws {
        guard k >= 1 else { throw ValidationError("--k must be at least 1, got \(k)") }
    }

    func run() async throws {
        try await reportingErrors {
            if let threads { Parallel.threadCount = threads }
            let trainData = try readInteractions(train)
            let itemTable = try readItemTable(items, idColumn: sideInformation.itemIdColumn)
            switch factorization.precision {
            case .float: try await recommend(trainData, itemTable, as: Float.self)
            case .double: try await recommend(trainData, itemTable, as: Double.self)
            }
        }
    }

    /// Fits with factors of type `Scalar` and writes the recommendations.
    private func recommend<Scalar: BLASScalar>(
        _ trainData: Interactions<String, String>, _ itemTable: AttributeTable<String>?, as scalarType: Scalar.Type
    ) async throws {
        let ranker = try await model.fitRanker(
            train: trainData, table: itemTable, options: factorization, sideInformation: sideInformation,
            persistence: persistence, as: scalarType)
        let userIDs: [String]
        if let users {
            let header = try AttributeTable<String>(csvPath: users).columnNames
            let column = InteractionColumns.userCandidates.first { header.contains($0) }
            userIDs = try AttributeTable<String>(csvPath: users, idColumn: column).ids
            for user in userIDs where ranker.users.index(of: user) == nil {
                throw RankingError.invalidArgument("\(users): user \(user) has no training interactions")
            }
        } else {
            userIDs = ranker.users.ids
        }
        let rankings = try ranker.recommend(users: userIDs, count: k)
        var text = "user,item,rank,score\n"
        for (user, ranking) in zip(userIDs, rankings) {
            for (offset, entry) in ranking.enumerated() {
                text += "\(user.csvEscaped()),\(entry.id.csvEscaped()),\(offset + 1),\(entry.score)\n"
            }
        }
        try writeText(text, to: output)
    }
}
