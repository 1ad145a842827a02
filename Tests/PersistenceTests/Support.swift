#if canImport(Glibc)
import Glibc
#endif
import Factorization
import Fusion
import LinearAlgebra

/// Seeded ratings: `users × items` with about `density` of the pairs rated 1…5.
func seededRatings(users: Int = 30, items: Int = 40, density: Double = 0.3, seed: UInt64 = 7) throws
    -> Interactions<Int, Int>
{
    var generator = SplitMix64(seed: seed)
    var records: [Interactions<Int, Int>.Record] = []
    for u in 0..<users {
        for i in 0..<items where Double.random(in: 0..<1, using: &generator) < density || i == u % items {
            records.append(.init(user: 1000 + u, item: 5000 + i, value: Double(Int.random(in: 1...5, using: &generator))))
        }
    }
    return try Interactions(records)
}

/// The same interactions with string ids.
func withStringIDs(_ interactions: Interactions<Int, Int>) throws -> Interactions<String, String> {
    try Interactions(interactions.records.map { .init(user: "u\($0.user)", item: "item, \"\($0.item)\"", value: $0.value) })
}

/// A seeded item block of `dimension` features for the items of `interactions`, with
/// centring, scaling and an encoder identifier, and one absent row.
func itemBlock<Scalar: BLASScalar, ItemID>(
    _ interactions: Interactions<some Hashable & Sendable, ItemID>, dimension: Int = 5, name: String = "genres",
    extraIDs: [ItemID] = []
) throws -> SideInformationBlock<ItemID, Scalar> {
    var generator = SplitMix64(seed: 99)
    let ids = interactions.itemIDs.ids + extraIDs
    let features = Matrix<Scalar>.random(rowCount: ids.count, columnCount: dimension, in: -1...1, using: &generator)
    var presence = [Bool](repeating: true, count: ids.count)
    presence[1] = false
    return try SideInformationBlock(
        name: name, ids: ids, features: features, presence: presence, weight: 0.5,
        preprocessing: .init(centerColumns: true, scaleColumns: true, normalizeRows: true),
        encoderIdentifier: "hashing-text/64 sha=1f2e")
}

/// A unique scratch folder, removed by `remove()`.
struct ScratchFolder {
    let path: String
    init(_ name: String) {
        path = "/tmp/fusionrec-\(name)-\(getpid())-\(UInt64.random(in: 0..<UInt64.max))"
        mkdir(path, 0o755)
    }
    func remove() { _ = system("rm -rf '\(path)'") }
}
