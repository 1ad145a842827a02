import Foundation
import Testing

/// `fusionrec tune`: a bounded search on a carved split of the training file, printing
/// the best settings as flags that `evaluate` accepts, and every trial as JSON.
@Suite("Command line: tune")
struct TuneCommandTests {
    @Test("tune prints flags that evaluate accepts and writes every trial; the starting settings come first")
    func tune() throws {
        let scratch = Scratch()
        scratch.write("r.csv", seededRatings())
        scratch.write("items.csv", seededItems())
        let columns = ["--categorical-column", "genres", "--numeric-column", "year"]
        let result = try scratch.run(["tune", "--train", "r.csv", "--items", "items.csv", "--budget", "10m", "--trial-limit", "6", "--factors", "2",
                                      "--fraction", "0.2", "--trials", "trials.json"] + columns)
        expectSuccess(result)
        let flagsLine = try #require(result.output.split(separator: "\n").first { $0.hasPrefix("flags: ") })
        #expect(result.standardError.contains("trial 0 (round 0, 15 sweeps)"))
        let flags = flagsLine.dropFirst("flags: ".count).split(separator: " ").map(String.init)
        #expect(flags.contains("--factors") && flags.contains("--block-weight") && flags.contains("--numeric-column"))
        expectSuccess(try scratch.run(["evaluate", "--train", "r.csv", "--test", "r.csv", "--items", "items.csv",
                                       "--model", "fusion"] + columns + flags))
        let record = try #require(try JSONSerialization.jsonObject(with: Data(scratch.bytes("trials.json") ?? [])) as? [String: Any])
        let trials = try #require(record["trials"] as? [[String: Any]])
        #expect(record["start"] as? Int == 0 && trials.count == 6)
        #expect(trials.first?["factors"] as? Int == 2 && trials.first?["iterations"] as? Int == 15)
        let best = try #require(record["best"] as? Int)
        let scores = trials.filter { $0["iterations"] as? Int == 15 }.compactMap { $0["score"] as? Double }
        #expect(trials[best]["score"] as? Double == scores.max())
    }

    @Test("a bad budget or fraction is a usage error")
    func usageErrors() throws {
        let scratch = Scratch()
        scratch.write("r.csv", seededRatings())
        scratch.write("items.csv", seededItems())
        for (option, value) in [("--budget", "0s"), ("--budget", "5 minutes"), ("--budget", "1e9h"), ("--fraction", "1"),
                                ("--trial-limit", "0")] {
            expectFailure(try scratch.run(["tune", "--train", "r.csv", "--items", "items.csv", "--categorical-column", "genres",
                                           option, value]), status: 64, option)
        }
        expectFailure(try scratch.run(["tune", "--train", "r.csv", "--items", "items.csv"]), status: 64,
                      "--model fusion needs at least one block")
        expectFailure(try scratch.run(["tune", "--train", "r.csv", "--items", "items.csv", "--categorical-column", "genres",
                                       "--user-table", "items.csv"]), status: 64, "--user-table and the --user-…-column options are not searched")
    }
}
