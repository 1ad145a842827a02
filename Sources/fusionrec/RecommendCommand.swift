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
    @Flag(help: "Print the seconds of each phase (read, fit, rank, write) as one JSON line on standard error.")
    var timings = false

    func validate() throws {
        guard k >= 1 else { throw ValidationError("--k must be at least 1, got \(k)") }
    }

    func run() async throws {
        try await reportingErrors {
            try checkOutputFile(output, option: "--output", allowsStandardOutput: true)
            try fitting.prepare()
            let userIDs = try users.map { try readUserIDs($0) }
            var phases = PhaseClock()
            let data = try fitting.readData()
            phases.lap("read")
            switch fitting.factorization.precision {
            case .float: try await recommend(data, userIDs, as: Float.self, phases: &phases)
            case .double: try await recommend(data, userIDs, as: Double.self, phases: &phases)
            }
            if timings { FileHandle.standardError.write(Data((phases.json + "\n").utf8)) }
        }
    }

    /// Fits with factors of type `Scalar` and writes the recommendations.
    private func recommend<Scalar: BLASScalar>(
        _ data: ModelData, _ requested: [String]?, as scalarType: Scalar.Type, phases: inout PhaseClock
    ) async throws {
        let ranker = try await fitting.fit(data, as: scalarType).ranker
        phases.lap("fit")
        let userIDs = requested ?? ranker.users.ids
        if let users {
            for user in userIDs where ranker.users.index(of: user) == nil {
                let known = fitting.persistence.load.map { " nor in the model \($0)" } ?? ""
                throw FileOptionError(option: "--users", path: users,
                                      reason: "user \(user) is not in --train \(fitting.train)\(known), so there is nothing to recommend from")
            }
        }
        let rankings = try ranker.recommend(users: userIDs, count: k)
        phases.lap("rank")
        try writeOutput(recommendationsCSV(userIDs, rankings), to: output, option: "--output")
        phases.lap("write")
    }
}

/// The CSV `user,item,rank,score` of `rankings` (one list per user of `userIDs`), formatted
/// in parallel chunks of users and joined in user order.
func recommendationsCSV(_ userIDs: [String], _ rankings: [[RankedItem<String>]]) -> [UInt8] {
    let pieces = Parallel.mapChunks(of: 0..<userIDs.count, grainSize: 4096) { users in
        var bytes: [UInt8] = []
        bytes.reserveCapacity(users.count * 256)
        for u in users {
            let user = userIDs[u].csvEscaped()
            for (offset, entry) in rankings[u].enumerated() {
                bytes.append(contentsOf: user.utf8)
                bytes.append(UInt8(ascii: ","))
                bytes.append(contentsOf: entry.id.csvEscaped().utf8)
                bytes.append(contentsOf: ",\(offset + 1),\(entry.score)\n".utf8)
            }
        }
        return bytes
    }
    var result = Array("user,item,rank,score\n".utf8)
    result.reserveCapacity(result.count + pieces.reduce(0) { $0 + $1.count })
    for piece in pieces { result.append(contentsOf: piece) }
    return result
}

/// The seconds of a command's phases, wall clock and processor time of the whole process,
/// for `--timings` (on a shared machine the processor seconds say what a phase costs).
struct PhaseClock {
    private var mark = ContinuousClock.now
    private var processorMark = PhaseClock.processorSeconds()
    private var laps: [(name: String, seconds: Double, processorSeconds: Double)] = []

    /// The processor seconds the process has used, all threads together.
    private static func processorSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// Ends the phase `name` now and starts the next.
    mutating func lap(_ name: String) {
        let processor = Self.processorSeconds()
        laps.append((name, seconds(since: mark), processor - processorMark))
        mark = ContinuousClock.now
        processorMark = processor
    }

    /// The phases as a JSON object, in order: `name` the wall seconds, `name_cpu` the processor seconds.
    var json: String {
        func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
        return "{" + laps.map { "\"\($0.name)\": \(rounded($0.seconds)), \"\($0.name)_cpu\": \(rounded($0.processorSeconds))" }
            .joined(separator: ", ") + "}"
    }
}

/// The user ids of a `--users` file, read once (so a FIFO or `<(…)` works): the
/// `userId`/`user_id`/`user`/`userID` column, else the first.
func readUserIDs(_ path: String) throws -> [String] {
    try AttributeTable<String>(csvPath: path, idColumnAmong: InteractionColumns.userCandidates).ids
}
