import ArgumentParser
import FusionRec

/// `fusionrec split`: splits an interactions file into training and test files with one of
/// the library's `Split` strategies — for example to carve a validation split out of a
/// training file, so that hyper-parameters are never chosen on a test file.
struct SplitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Split an interactions file into training and test files.",
        discussion: """
            Strategies (Docs/Ranking.md): random (per user, --fraction of each user's interactions), \
            temporal (per user, the latest --fraction by time stamp), leave-k-out (--count per user, \
            random), cold-items / cold-users (--fraction of the items or users, with all their \
            interactions, go to test; --held-out writes their ids). Output files have the header \
            userId,itemId,rating[,timestamp]. The same input, strategy and --seed give the same files. \
            Repeated (user, item) rows are merged first: ratings keep the last row, counts and other \
            values are summed (the command says how many). Every output must differ from the others \
            and from the input.
            """)

    enum Strategy: String, ExpressibleByArgument, CaseIterable {
        case random, temporal
        case leaveKOut = "leave-k-out"
        case coldItems = "cold-items"
        case coldUsers = "cold-users"
    }

    @Option(help: "The interactions to split (CSV with a header; MovieLens columns detected).")
    var input: String
    @Option(help: "The strategy: \(Strategy.allCases.map(\.rawValue).joined(separator: ", ")).")
    var strategy: Strategy
    @Option(parsing: .unconditional, help: "The held-out fraction (random, temporal, cold-items, cold-users).")
    var fraction: Double = 0.2
    @Option(parsing: .unconditional, help: "Interactions held out per user (leave-k-out).")
    var count: Int = 1
    @Option(help: "The seed of the random draws.")
    var seed: UInt64 = 42
    @Option(help: "The training file to write.")
    var trainOutput: String
    @Option(help: "The test file to write.")
    var testOutput: String
    @Option(help: "Also write the held-out item or user ids here (cold-items, cold-users).")
    var heldOut: String?

    func validate() throws {
        try checkDistinctFiles([("--input", input), ("--train-output", trainOutput), ("--test-output", testOutput)]
                               + (heldOut.map { [("--held-out", $0)] } ?? []))
        guard fraction.isFinite, (0...1).contains(fraction) else {
            throw ValidationError("--fraction must be a number from 0 to 1, got \(fraction)")
        }
        guard count >= 1 else { throw ValidationError("--count must be at least 1, got \(count)") }
        if heldOut != nil, strategy != .coldItems, strategy != .coldUsers {
            throw ValidationError("--held-out needs --strategy cold-items or cold-users; \(strategy.rawValue) holds out no ids")
        }
    }

    func run() throws {
        try reportingErrors {
            try checkOutputFile(trainOutput, option: "--train-output")
            try checkOutputFile(testOutput, option: "--test-output")
            if let heldOut { try checkOutputFile(heldOut, option: "--held-out") }
            let data = try readInteractions(input, option: "--input")
            var generator = SplitMix64(seed: seed)
            let split: Split<String, String> = switch strategy {
            case .random: try .randomHoldout(of: data, testFraction: fraction, using: &generator)
            case .temporal: try .temporalHoldout(of: data, testFraction: fraction)
            case .leaveKOut: try .leaveKOut(of: data, count: count, using: &generator)
            case .coldItems: try .coldItems(of: data, fraction: fraction, using: &generator)
            case .coldUsers: try .coldUsers(of: data, fraction: fraction, using: &generator)
            }
            try split.write(trainPath: trainOutput, testPath: testOutput, heldOutPath: heldOut)
            print("\(split.train.count) training and \(split.test.count) test interactions"
                  + (split.coldItems.map { ", \($0.count) cold items" } ?? "")
                  + (split.coldUsers.map { ", \($0.count) cold users" } ?? ""))
        }
    }
}
