import Foundation
import Testing

// The code between the markers is README.md's "Using the library" example, verbatim;
// Scripts/check-docs.sh fails when the two differ.
// BEGIN README.md
import FusionRec

/// A host app's own text encoder: letter counts here, an embedding service in production.
struct LetterCounts: TextEncoder {
    var dimension: Int { 26 }
    var identifier: String { "letter-counts-v1" }
    func encode(_ inputs: [String]) async throws -> Matrix<Float> {
        Matrix(rowCount: inputs.count, columnCount: 26) { row, letter in
            Float(inputs[row].lowercased().unicodeScalars.filter { $0.value == 97 + UInt32(letter) }.count)
        }
    }
}

/// Fits interactions and item titles jointly, recommends for a user, places a new item.
func recommendationService(ratingsCSV: String, titles: [String: String], user: String) async throws
    -> (recommended: [RankedItem<String>], newItemFactors: Matrix<Float>) {
    let train = try Interactions<String, String>(csvPath: ratingsCSV)  // user,item[,value] columns
    let items = titles.keys.sorted()
    let titleBlock = try await SideInformationBlock<String, Float>.encoding(
        name: "title", ids: items, inputs: items.map { titles[$0] }, using: LetterCounts())
    let model = try JointFactorization(.init(factorCount: 4)).fit(train, itemBlocks: [titleBlock], as: Float.self)
    let ranker = try model.ranker(training: train, additionalItems: items, itemBlocks: [titleBlock])
    let recommended = try ranker.recommend(user: user, count: 3)
    // Cold start: an item with no interactions, known only by its title.
    let newItem = try await SideInformationBlock<String, Float>.encoding(
        name: "title", ids: ["new"], inputs: ["Space Cowboys on Mars"], using: LetterCounts())
    return (recommended, try model.itemFactors(for: ["new"], from: [newItem]))
}
// END README.md

@Suite("README example")
struct ReadmeExampleTests {
    /// Eight users in two taste groups over ten items (two of them never rated).
    static func writeRatings() throws -> String {
        var lines = ["userId,movieId,rating"]
        for user in 1...8 {
            let items = user <= 4 ? [1, 2, 3, 4] : [5, 6, 7, 8]
            for item in items where (user + item) % 4 != 0 { lines.append("\(user),\(item),\(3 + (user + item) % 3)") }
        }
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("fusionrec-readme-\(ProcessInfo.processInfo.processIdentifier).csv").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let titles = [
        "1": "Space Station", "2": "Mars Cowboys", "3": "Space Western", "4": "Star Cowboys",
        "5": "Quiet Garden", "6": "Garden Diary", "7": "Quiet Diary", "8": "Diary of a Garden",
        "9": "Cowboys in Space", "10": "A Quiet Garden",
    ]

    @Test("fits, recommends unseen items only and places a new item from its title")
    func runsOnATinyDataset() async throws {
        let path = try Self.writeRatings()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (recommended, factors) = try await recommendationService(ratingsCSV: path, titles: Self.titles, user: "1")

        let training = try Interactions<String, String>(csvPath: path)
        let seen = Set(training.items(ofUser: training.userIDs.index(of: "1")!).map { training.itemIDs.id(at: Int($0)) })
        #expect(recommended.count == 3)
        #expect(seen.isDisjoint(with: recommended.map(\.id)))
        #expect(Set(recommended.map(\.id)).count == 3)
        #expect(recommended.map(\.score) == recommended.map(\.score).sorted(by: >))

        #expect(factors.rowCount == 1 && factors.columnCount == 4)
        #expect(factors.firstNonFiniteIndex() == nil)
        #expect(factors.frobeniusNorm > 0)
    }
}
