// fusionrec-sparse-scale: a seeded synthetic catalogue of a million items with a hashed
// title block and a genres block, fitted with the offset item model (sparse blocks end to
// end), or plain implicit ALS on the same interactions; prints one JSON line with each
// phase's wall time and the process's peak resident memory.
//
//     fusionrec-sparse-scale --model fusion-offset --items 1000000 --users 200000 --per-user 25 \
//         --dimension 1024 --factors 32 --iterations 10 --threads 2
//
// Items belong to one of 50 topics; a title is three words drawn mostly from its topic's
// words, genres one to three of 20 drawn mostly from its topic's; a user likes one topic and
// interacts with `per-user` warm items, 80% of them of that topic. The last 10% of items have
// no interactions and are placed from their blocks after the fit (fusion-offset only).
// `Benchmarks/Compare/sparse-scale.sh` runs both models side by side and prints medians.

import Factorization
import Foundation
import Fusion
import LinearAlgebra

struct Options {
    var model = "fusion-offset"
    var items = 1_000_000, users = 200_000, perUser = 25
    var dimension = 1_024, factors = 32, iterations = 10, threads = 2
}

func parse() -> Options {
    var options = Options()
    var arguments = CommandLine.arguments.dropFirst()
    while let flag = arguments.popFirst() {
        guard let value = arguments.popFirst() else { fatalError("\(flag) needs a value") }
        switch flag {
        case "--model": options.model = value
        case "--items": options.items = Int(value)!
        case "--users": options.users = Int(value)!
        case "--per-user": options.perUser = Int(value)!
        case "--dimension": options.dimension = Int(value)!
        case "--factors": options.factors = Int(value)!
        case "--iterations": options.iterations = Int(value)!
        case "--threads": options.threads = Int(value)!
        default: fatalError("unknown option \(flag)")
        }
    }
    precondition(["fusion-offset", "implicit-als"].contains(options.model), "--model fusion-offset|implicit-als")
    return options
}

/// A field of /proc/self/status in kB (VmRSS: resident now, VmHWM: peak resident).
func memoryStatus(_ field: String) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? -1
    }
    return -1
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

let topicCount = 50, genreNames = (0..<20).map { "Genre\($0)" }

/// Each item's topic, from its own stream so that both models see the same catalogue.
func topics(_ options: Options) -> [Int] {
    var generator = SplitMix64(seed: 1)
    return (0..<options.items).map { _ in Int(generator.next(upperBound: UInt64(topicCount))) }
}

/// The interactions: every user `perUser` distinct warm items, 80% from their topic.
func interactions(_ options: Options, topics: [Int]) throws -> Interactions<Int, Int> {
    var generator = SplitMix64(seed: 2)
    let warm = options.items - options.items / 10
    var byTopic = [[Int]](repeating: [], count: topicCount)
    for item in 0..<warm { byTopic[topics[item]].append(item) }
    var records: [Interactions<Int, Int>.Record] = []
    records.reserveCapacity(options.users * options.perUser)
    for user in 0..<options.users {
        let topic = Int(generator.next(upperBound: UInt64(topicCount)))
        var chosen = Set<Int>()
        while chosen.count < options.perUser {
            let item = generator.next(upperBound: UInt64(10)) < 8
                ? byTopic[topic][Int(generator.next(upperBound: UInt64(byTopic[topic].count)))]
                : Int(generator.next(upperBound: UInt64(warm)))
            chosen.insert(item)
        }
        for item in chosen.sorted() { records.append(.init(user: user, item: item, value: 1)) }
    }
    return try Interactions(records)
}

/// The item table: id, title (three words, two of them from the topic's 400 words of a
/// 20,000-word vocabulary), genres (one to three, mostly the topic's two).
func catalogue(_ options: Options, topics: [Int]) throws -> AttributeTable<Int> {
    var generator = SplitMix64(seed: 3)
    let letters = Array("abcdefghijklmnopqrstuvwxyz")
    let vocabulary = (0..<20_000).map { _ in
        String((0..<(4 + Int(generator.next(upperBound: UInt64(6))))).map { _ in
            letters[Int(generator.next(upperBound: UInt64(letters.count)))]
        })
    }
    var rows: [[String]] = []
    rows.reserveCapacity(options.items)
    for item in 0..<options.items {
        let topic = topics[item]
        let words = (0..<3).map { position in
            position < 2
                ? vocabulary[topic * 400 + Int(generator.next(upperBound: UInt64(400)))]
                : vocabulary[Int(generator.next(upperBound: UInt64(vocabulary.count)))]
        }
        var genres = Set([genreNames[(2 * topic) % 20]])
        if generator.next(upperBound: UInt64(2)) == 0 { genres.insert(genreNames[(2 * topic + 1) % 20]) }
        if generator.next(upperBound: UInt64(4)) == 0 { genres.insert(genreNames[Int(generator.next(upperBound: UInt64(20)))]) }
        rows.append([String(item), words.joined(separator: " "), genres.sorted().joined(separator: "|")])
    }
    return try AttributeTable(columnNames: ["item", "title", "genres"], rows: rows)
}

func main() async throws {
    let options = parse()
    Parallel.threadCount = options.threads
    var report: [String: String] = [
        "model": "\"\(options.model)\"", "items": "\(options.items)", "users": "\(options.users)",
        "factors": "\(options.factors)", "iterations": "\(options.iterations)", "threads": "\(options.threads)",
    ]
    var start = ContinuousClock.now
    let itemTopics = topics(options)
    let data = try interactions(options, topics: itemTopics)
    report["interactions"] = "\(data.count)"
    report["interactions_seconds"] = "\(seconds(since: start))"
    switch options.model {
    case "implicit-als":
        report["resident_before_fit_kb"] = "\(memoryStatus("VmRSS"))"
        start = .now
        let model = try ImplicitAlternatingLeastSquares(.init(
            factorCount: options.factors, iterationCount: options.iterations)).fit(data, as: Float.self)
        report["fit_seconds"] = "\(seconds(since: start))"
        report["trained_items"] = "\(model.itemIDs.count)"
    default:
        start = .now
        let table = try catalogue(options, topics: itemTopics)
        report["catalogue_seconds"] = "\(seconds(since: start))"
        start = .now
        let pipeline = FeaturePipeline([
            .text("title", encoder: .hashing(dimension: options.dimension)), .categorical("genres", weight: 0.5),
        ])
        let fitted = try pipeline.fitted(on: table)
        let blocks: [SideInformationBlock<Int, Float>] = try await fitted.blocks(for: table)
        report["encode_seconds"] = "\(seconds(since: start))"
        report["block_nonzeros"] = "[" + blocks.map { block -> String in
            guard case .sparse(let rows) = block.storage else { return "\"dense\"" }
            return "\(rows.nonZeroCount)"
        }.joined(separator: ", ") + "]"
        let cold = Array(table.ids[(options.items - options.items / 10)...])
        report["resident_before_fit_kb"] = "\(memoryStatus("VmRSS"))"
        start = .now
        let model = try JointFactorization(.init(
            factorCount: options.factors, iterationCount: options.iterations, itemModel: .offset))
            .fit(data, itemBlocks: blocks, userPipeline: nil, itemPipeline: fitted, as: Float.self)
        report["fit_seconds"] = "\(seconds(since: start))"
        start = .now
        let placed = try model.placingItems(cold, from: blocks)
        report["place_seconds"] = "\(seconds(since: start))"
        report["placed_items"] = "\(cold.count)"
        report["trained_items"] = "\(placed.itemIDs.count - cold.count)"
    }
    report["peak_resident_kb"] = "\(memoryStatus("VmHWM"))"
    print("{" + report.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}")
}

try await main()
