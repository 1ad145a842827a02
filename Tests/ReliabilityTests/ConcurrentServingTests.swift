import FusionRec
import Testing

/// Seeded implicit interactions: each of `users` users has 8–20 distinct items.
private func seededInteractions(users: Int = 150, items: Int = 240, seed: UInt64 = 21) throws -> Interactions<Int, Int> {
    var generator = SplitMix64(seed: seed)
    var records: [Interactions<Int, Int>.Record] = []
    for u in 0..<users {
        var chosen = Set<Int>()
        let count = Int.random(in: 8...20, using: &generator)
        while chosen.count < count { chosen.insert(Int.random(in: 0..<items, using: &generator)) }
        for i in chosen.sorted() { records.append(.init(user: u, item: i, value: Double(Int.random(in: 1...3, using: &generator)))) }
    }
    return try Interactions(records)
}

/// New users' interactions for fold-in: `count` users with ids from 10,000.
private func newUsers(_ count: Int, items: Int, seed: UInt64) -> [(id: Int, interactions: [(item: Int, value: Double)])] {
    var generator = SplitMix64(seed: seed)
    return (0..<count).map { index in
        (10_000 + index, (0..<6).map { _ in (item: Int.random(in: 0..<items, using: &generator), value: 1.0) })
    }
}

/// A trained model serves many concurrent readers while another task derives new models
/// from it; every answer equals the single-threaded one. Run under the thread sanitizer
/// with `swift test --sanitize=thread --scratch-path .build-tsan --filter ConcurrentServingTests`
/// (see `Docs/Reliability.md`).
@Suite("Concurrent serving")
struct ConcurrentServingTests {
    static let taskCount = 16
    static let queriesPerTask = 1_000

    @Test("16 tasks × 1,000 queries on one matrix factorization model while another task folds in users")
    func matrixFactorization() async throws {
        let data = try seededInteractions()
        let model = try ImplicitAlternatingLeastSquares(.init(factorCount: 8, iterationCount: 3))
            .fit(data, as: Float.self)
        let ranker = try Ranker(model: model, training: data)
        let users = ranker.users.ids
        let expected = try users.map { user throws in try ranker.recommend(user: user, count: 10) }
        let expectedBatch = try ranker.recommend(users: Array(users.prefix(40)), count: 5)
        let additions = newUsers(30, items: data.itemCount, seed: 3)
        let expectedFolded = try model.foldingInUsers(additions)
        let expectedFoldedTop = try Ranker(model: expectedFolded, training: data).recommend(user: 10_000, count: 10)

        let mismatches = await withTaskGroup(of: Int.self) { group in
            for task in 0..<Self.taskCount {
                group.addTask {
                    var wrong = 0
                    for query in 0..<Self.queriesPerTask {
                        let index = (task * Self.queriesPerTask + query) &* 7919 % users.count
                        if query % 250 == 0 {
                            if (try? ranker.recommend(users: Array(users.prefix(40)), count: 5)) != expectedBatch { wrong += 1 }
                        } else if (try? ranker.recommend(user: users[index], count: 10)) != expected[index] {
                            wrong += 1
                        }
                    }
                    return wrong
                }
            }
            group.addTask {
                var wrong = 0
                for _ in 0..<20 {
                    guard let folded = try? model.foldingInUsers(additions),
                          let top = try? Ranker(model: folded, training: data).recommend(user: 10_000, count: 10)
                    else { wrong += 1; continue }
                    if folded.userFactors != expectedFolded.userFactors || top != expectedFoldedTop { wrong += 1 }
                }
                return wrong
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
        #expect(model.userIDs.count == data.userCount, "the shared model is unchanged")
    }

    @Test("16 tasks × 1,000 queries on one joint model while another task adds users")
    func jointFactorization() async throws {
        let data = try seededInteractions(users: 100, items: 160, seed: 8)
        var generator = SplitMix64(seed: 4)
        let block = try SideInformationBlock<Int, Double>(
            name: "features", ids: data.itemIDs.ids,
            features: .random(rowCount: data.itemCount, columnCount: 6, in: -1...1, using: &generator))
        let model = try JointFactorization(.init(factorCount: 6, iterationCount: 2)).fit(data, itemBlocks: [block], as: Double.self)
        let ranker = try model.ranker(training: data)
        let users = ranker.users.ids
        let expected = try users.map { user throws in try ranker.recommend(user: user, count: 10) }
        let newIDs = Array(20_000..<20_010)
        let placed = try model.userFactors(
            for: newIDs, from: [], foldingIn: newIDs.map { _ in [(item: data.itemIDs.ids[0], value: 2.0)] })
        let expectedGrown = try model.addingUsers(newIDs, factors: placed)

        let mismatches = await withTaskGroup(of: Int.self) { group in
            for task in 0..<Self.taskCount {
                group.addTask {
                    var wrong = 0
                    for query in 0..<Self.queriesPerTask {
                        let index = (task * Self.queriesPerTask + query) &* 104_729 % users.count
                        if (try? ranker.recommend(user: users[index], count: 10)) != expected[index] { wrong += 1 }
                    }
                    return wrong
                }
            }
            group.addTask {
                var wrong = 0
                for _ in 0..<20 {
                    guard let factors = try? model.userFactors(
                              for: newIDs, from: [], foldingIn: newIDs.map { _ in [(item: data.itemIDs.ids[0], value: 2.0)] }),
                          let grown = try? model.addingUsers(newIDs, factors: factors)
                    else { wrong += 1; continue }
                    if grown.userFactors != expectedGrown.userFactors || grown.userIDs != expectedGrown.userIDs { wrong += 1 }
                }
                return wrong
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
        #expect(model.userIDs.count == data.userCount)
    }
}
