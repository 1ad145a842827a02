import Factorization
import LinearAlgebra

/// Seeded synthetic data with known structure for the factorisation tests.
public enum PlantedData {
    /// Ratings R = μ + bᵤ + cᵢ + uᵤᵀvᵢ from random factors of the given rank, observed on
    /// a random `density` share of the pairs (every user and item keeps at least one).
    public static func lowRankRatings(
        users: Int, items: Int, rank: Int, density: Double, seed: UInt64, biases: Bool = true
    ) throws -> (data: Interactions<Int, Int>, truth: (Int, Int) -> Double) {
        var generator = SplitMix64(seed: seed)
        let u = Matrix<Double>.randomNormal(rowCount: users, columnCount: rank, using: &generator)
        let v = Matrix<Double>.randomNormal(rowCount: items, columnCount: rank, using: &generator)
        let bu = (0..<users).map { _ in biases ? Double.random(in: -0.5...0.5, using: &generator) : 0 }
        let bi = (0..<items).map { _ in biases ? Double.random(in: -0.5...0.5, using: &generator) : 0 }
        let mu = biases ? 3.0 : 0
        let truth = { (a: Int, b: Int) -> Double in
            var s = mu + bu[a] + bi[b]
            for f in 0..<rank { s += u[a, f] * v[b, f] }
            return s
        }
        var records: [Interactions<Int, Int>.Record] = []
        for a in 0..<users {
            for b in 0..<items where Double.random(in: 0..<1, using: &generator) < density || b == a % items
                || a == b % users {
                records.append(.init(user: a, item: b, value: truth(a, b)))
            }
        }
        return (try Interactions(records), truth)
    }

    /// Implicit interactions with planted clusters: users and items each belong to one of
    /// `clusters` groups, and a user interacts with an item of their own group with
    /// probability `inside`, of another group with probability `outside`.
    public static func clusteredImplicit(
        users: Int, items: Int, clusters: Int, inside: Double, outside: Double, seed: UInt64
    ) throws -> Interactions<Int, Int> {
        var generator = SplitMix64(seed: seed)
        var records: [Interactions<Int, Int>.Record] = []
        for a in 0..<users {
            for b in 0..<items {
                let p = a % clusters == b % clusters ? inside : outside
                if Double.random(in: 0..<1, using: &generator) < p {
                    records.append(.init(user: a, item: b, value: Double(1 + (a + b) % 3)))
                }
            }
        }
        return try Interactions(records)
    }

    /// The largest absolute difference between two matrices of the same shape.
    public static func maximumDifference<S: BLASScalar>(_ a: Matrix<S>, _ b: Matrix<S>) -> Double {
        precondition(a.shape == b.shape)
        return zip(a.elements, b.elements).map { abs(Double($0) - Double($1)) }.max() ?? 0
    }
}

/// The scalar types the parameterised tests run over.
public let scalarTypes: [any BLASScalar.Type] = [Float.self, Double.self]
