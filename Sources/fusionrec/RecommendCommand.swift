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

    @OptionGroup
    var fitting: ModelOptions
    @Option(help: "Users to recommend for (CSV with a header; the userId/user column, else the first). Default: every training user.")
    var users: String?
    @Option(parsing: .unconditional, help: "The number of items per user.")
    var k: Int = 10
    @Option(help: "The output CSV file, or - for standard output.")
    var output: String

    func validate() throws {
        guard k >= 1 else { throw ValidationError("--k must be at least 1, got \(k)") }
    }

    func run() async throws {
        try await reportingErrors {
            try checkOutputFile(output, option: "--output", allowsStandardOutput: true)
            try fitting.prepare()
            let userIDs = try users.map { try readUserIDs($0) }
            let data = try fitting.readData()
            switch fitting.factorization.precision {
            case .float: try await recommend(data, userIDs, as: Float.self)
            case .double: try await recommend(data, userIDs, as: Double.self)
            }
        }
    }

    /// Fits with factors of type `Scalar` and writes the recommendations.
    private func recommend<Scalar: BLASScalar>(
        _ data: ModelData, _ requested: [String]?, as scalarType: Scalar.Type
    ) async throws {
        let ranker = try await fitting.fit(data, as: scalarType).ranker
        let userIDs = requested ?? ranker.users.ids
        if let users {
            for user in userIDs where ranker.users.index(of: user) == nil {
                let known = fitting.persistence.load.map { " nor in the model \($0)" } ?? ""
                throw FileOptionError(option: "--users", path: users,
                                      reason: "user \(user) is not in --train \(fitting.train)\(known), so there is nothing to recommend from")
            }
        }
        let rankings = try ranker.recommend(users: userIDs, count: k)
        var text = "user,item,rank,score\n"
        for (user, ranking) in zip(userIDs, rankings) {
            for (offset, entry) in ranking.enumerated() {
                text += "\(user.csvEscaped()),\(entry.id.csvEscaped()),\(offset + 1),\(entry.score)\n"
            }
        }
        try writeText(text, to: output, option: "--output")
    }
}

/// The user ids of a `--users` file, read once (so a FIFO or `<(…)` works): the
/// `userId`/`user_id`/`user`/`userID` column, else the first.
func readUserIDs(_ path: String) throws -> [String] {
    try AttributeTable<String>(csvPath: path, idColumnAmong: InteractionColumns.userCandidates).ids
}
