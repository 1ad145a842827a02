import Factorization
import LinearAlgebra
import Ranking
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Splits")
struct SplitTests {
    typealias Data = Interactions<Int, Int>

    /// 30 users with 1…30 interactions each over 50 items, time stamps descending with item id.
    static let data: Data = {
        var generator = SplitMix64(seed: 5)
        var records: [Data.Record] = []
        for user in 0..<30 {
            for item in Array(0..<50).shuffled(using: &generator).prefix(user + 1) {
                records.append(.init(user: 1000 - user, item: item, value: Double(item % 5 + 1), timestamp: 10_000 - item))
            }
        }
        return try! Data(records)
    }()

    struct Pair: Hashable { var user: Int, item: Int }

    private func pairs(_ records: [Data.Record]) -> Set<Pair> { Set(records.map { Pair(user: $0.user, item: $0.item) }) }

    private func checkPartition(_ split: Split<Int, Int>) {
        let train = pairs(split.train), test = pairs(split.test)
        #expect(train.isDisjoint(with: test))
        #expect(train.union(test) == pairs(Self.data.records))
        #expect(split.train.count + split.test.count == Self.data.count)
    }

    private func perUserCounts(_ records: [Data.Record]) -> [Int: Int] {
        records.reduce(into: [:]) { $0[$1.user, default: 0] += 1 }
    }

    @Test("random holdout: a partition, round(f·n) per user, fixed by the seed")
    func randomHoldout() throws {
        var g1 = SplitMix64(seed: 9), g2 = SplitMix64(seed: 9), g3 = SplitMix64(seed: 10)
        let split = try Split.randomHoldout(of: Self.data, testFraction: 0.25, using: &g1)
        checkPartition(split)
        let total = perUserCounts(Self.data.records), held = perUserCounts(split.test)
        for (user, n) in total {
            #expect(held[user, default: 0] == Int((0.25 * Double(n)).rounded(.toNearestOrEven)), "user \(user)")
        }
        let again = try Split.randomHoldout(of: Self.data, testFraction: 0.25, using: &g2)
        #expect(pairs(again.test) == pairs(split.test))
        let other = try Split.randomHoldout(of: Self.data, testFraction: 0.25, using: &g3)
        #expect(pairs(other.test) != pairs(split.test))
        #expect(throws: RankingError.self) { try Split.randomHoldout(of: Self.data, testFraction: 1.5, using: &g3) }
    }

    @Test("temporal holdout takes each user's latest interactions")
    func temporal() throws {
        let split = try Split.temporalHoldout(of: Self.data, testFraction: 0.5)
        checkPartition(split)
        let trainLatest = split.train.reduce(into: [Int: Int]()) { $0[$1.user] = max($0[$1.user] ?? .min, $1.timestamp!) }
        for record in split.test {
            #expect(record.timestamp! > trainLatest[record.user] ?? .min)
        }
        let noStamps = try Data([.init(user: 1, item: 2, value: 1)])
        #expect(throws: RankingError.missingTimestamps(operation: "temporal holdout")) {
            try Split.temporalHoldout(of: noStamps, testFraction: 0.5)
        }
    }

    @Test("leave-k-out holds out k per user with more than k interactions", arguments: [false, true])
    func leaveKOut(latest: Bool) throws {
        var generator = SplitMix64(seed: 1)
        let split = try Split.leaveKOut(of: Self.data, count: 3, latest: latest, using: &generator)
        checkPartition(split)
        let total = perUserCounts(Self.data.records), held = perUserCounts(split.test)
        for (user, n) in total { #expect(held[user, default: 0] == (n > 3 ? 3 : 0)) }
        if latest {
            let trainLatest = split.train.reduce(into: [Int: Int]()) { $0[$1.user] = max($0[$1.user] ?? .min, $1.timestamp!) }
            for record in split.test { #expect(record.timestamp! > trainLatest[record.user]!) }
        }
    }

    @Test("cold items and cold users hold out everything of the chosen ones")
    func coldStart() throws {
        var generator = SplitMix64(seed: 2)
        let items = try Split.coldItems(of: Self.data, fraction: 0.2, using: &generator)
        checkPartition(items)
        let coldItems = try #require(items.coldItems)
        #expect(coldItems.count == Int((0.2 * Double(Self.data.itemCount)).rounded(.toNearestOrEven)))
        #expect(coldItems == coldItems.sorted())
        #expect(Set(items.train.map(\.item)).isDisjoint(with: coldItems))
        #expect(Set(items.test.map(\.item)).isSubset(of: coldItems))

        let users = try Split.coldUsers(of: Self.data, fraction: 0.1, using: &generator)
        checkPartition(users)
        let coldUsers = try #require(users.coldUsers)
        #expect(coldUsers.count == 3)
        #expect(Set(users.train.map(\.user)).isDisjoint(with: coldUsers))
        #expect(Set(users.test.map(\.user)) == Set(coldUsers))
    }

    @Test("a split survives a CSV round trip")
    func csvRoundTrip() throws {
        var generator = SplitMix64(seed: 3)
        let split = try Split.randomHoldout(of: Self.data, testFraction: 0.3, using: &generator)
        let directory = "/tmp/fusionrec-split-\(getpid())"
        mkdir(directory, 0o755)
        defer {
            unlink(directory + "/train.csv")
            unlink(directory + "/test.csv")
            rmdir(directory)
        }
        try split.write(trainPath: directory + "/train.csv", testPath: directory + "/test.csv")
        let read = try Split<Int, Int>.read(trainPath: directory + "/train.csv", testPath: directory + "/test.csv")
        #expect(read.train.map(\.user) == split.train.map(\.user))
        #expect(read.train.map(\.item) == split.train.map(\.item))
        #expect(read.train.map(\.value) == split.train.map(\.value))
        #expect(read.test.map(\.timestamp) == split.test.map(\.timestamp))
        let test = try read.testInteractions()
        #expect(test.count == split.test.count)
    }

    @Test("held-out ids round-trip; the public coldi10 split reads with its item list")
    func heldOutIDs() throws {
        var generator = SplitMix64(seed: 4)
        let split = try Split.coldItems(of: Self.data, fraction: 0.2, using: &generator)
        let directory = "/tmp/fusionrec-cold-\(getpid())"
        mkdir(directory, 0o755)
        defer {
            for name in ["train", "test", "items"] { unlink(directory + "/\(name).csv") }
            rmdir(directory)
        }
        try split.write(trainPath: directory + "/train.csv", testPath: directory + "/test.csv",
                        heldOutPath: directory + "/items.csv")
        let read = try Split<Int, Int>.read(trainPath: directory + "/train.csv", testPath: directory + "/test.csv",
                                            coldItemsPath: directory + "/items.csv")
        #expect(read.coldItems == split.coldItems)
        #expect(throws: RankingError.self) {
            try Split<Int, Int>(train: [], test: []).write(
                trainPath: directory + "/train.csv", testPath: directory + "/test.csv", heldOutPath: directory + "/items.csv")
        }

        let splits = dataDirectory + "/splits/ml-small_coldi10_"
        let coldi10 = try Split<Int, Int>.read(trainPath: splits + "train.csv", testPath: splits + "test.csv",
                                               coldItemsPath: splits + "items.csv")
        let cold = try #require(coldi10.coldItems)
        #expect(cold.count == 907)
        #expect(coldi10.test.count == 9910)
        #expect(Set(coldi10.test.map(\.item)) == Set(cold))
        #expect(Set(coldi10.train.map(\.item)).isDisjoint(with: cold))
    }
}
