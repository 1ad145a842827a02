import Factorization
import LinearAlgebra

/// `count` distinct seeded (user, item) pairs: users uniform, items with popularity
/// ∝ 1/(rank + 10), values 1 or ratings from 1 to 5.
public func syntheticInteractions(users: Int, items: Int, count: Int, ratings: Bool) throws -> Interactions<Int, Int> {
    var generator = SplitMix64(seed: 7)
    var cumulative = [Double](repeating: 0, count: items)
    var total = 0.0
    for i in 0..<items {
        total += 1 / Double(i + 10)
        cumulative[i] = total
    }
    var seen = Set<Int>()
    var records: [Interactions<Int, Int>.Record] = []
    records.reserveCapacity(count)
    while records.count < count {
        let user = Int(generator.next() % UInt64(users))
        let target = Double.random(in: 0..<total, using: &generator)
        var low = 0, high = items - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] < target { low = mid + 1 } else { high = mid }
        }
        if seen.insert(user * items + low).inserted {
            let value = ratings ? Double(1 + generator.next() % 5) : 1
            records.append(.init(user: user, item: low, value: value))
        }
    }
    return try Interactions(records)
}
