import Factorization
import FusionRecTestSupport
import LinearAlgebra

/// Seeded models and data shared by the serving tests.
enum Fixtures {
    static let data = try! PlantedData.clusteredImplicit(users: 60, items: 80, clusters: 4, inside: 0.3, outside: 0.03, seed: 7)

    static func implicitModel<S: BLASScalar>(
        _ type: S.Type, seed: UInt64 = 1, iterations: Int = 6, solver: ImplicitSolver = .conjugateGradient(steps: 3)
    ) throws -> MatrixFactorizationModel<S, Int, Int> {
        try ImplicitAlternatingLeastSquares(.init(factorCount: 8, iterationCount: iterations, solver: solver, seed: seed))
            .fit(data, as: S.self)
    }

    static let explicitData = try! PlantedData.lowRankRatings(users: 40, items: 50, rank: 3, density: 0.2, seed: 5).data

    static func explicitModel() throws -> MatrixFactorizationModel<Double, Int, Int> {
        try AlternatingLeastSquares(.init(factorCount: 6, iterationCount: 6)).fit(explicitData, as: Double.self)
    }
}

import Fusion

/// A joint model whose items were fitted through a feature pipeline (genre, year), with
/// users who watch one genre each, and the attribute rows of 10 items it never saw.
struct PipelineFixture: Sendable {
    static let genres = ["Comedy", "Drama", "Horror", "Western"]
    let interactions: Interactions<Int, Int>
    let items: AttributeTable<Int>
    let newItems: AttributeTable<Int>
    let model: JointFactorizationModel<Double, Int, Int>

    static func make(seed: UInt64 = 3, factorCount: Int = 8) async throws -> PipelineFixture {
        var generator = SplitMix64(seed: seed)
        let n = 60, m = 50
        let genreOf = (0..<(n + 10)).map { _ in Int(generator.next(upperBound: UInt64(4))) }
        let rows: [[String]] = (0..<(n + 10)).map { i in
            let year = 1960 + 10 * genreOf[i] + i % 10
            return [String(i), genres[genreOf[i]], String(year)]
        }
        let items = try AttributeTable<Int>(columnNames: ["itemId", "genres", "year"], rows: Array(rows[0..<n]))
        let newItems = try AttributeTable<Int>(columnNames: ["itemId", "genres", "year"], rows: Array(rows[n...]))
        var records: [Interactions<Int, Int>.Record] = []
        for u in 0..<m {
            for i in 0..<n where genreOf[i] == u % 4 && generator.next(upperBound: UInt64(3)) != 0 {
                records.append(.init(user: u, item: i, value: 1))
            }
        }
        let interactions = try Interactions(records)
        let pipeline = FeaturePipeline([.categorical("genres"), .numeric("year", .buckets(width: 10))])
        let model = try await JointFactorization(.init(factorCount: factorCount, iterationCount: 8, seed: seed))
            .fit(interactions, items: Attributes(items, pipeline: pipeline), as: Double.self)
        return PipelineFixture(interactions: interactions, items: items, newItems: newItems, model: model)
    }
}
