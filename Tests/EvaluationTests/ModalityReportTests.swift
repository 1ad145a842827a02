import Evaluation
import Factorization
import Fusion
import FusionRecTestSupport
import LinearAlgebra
import Ranking
import Testing

@Suite("ModalityReport and ranking a joint model", .serialized)
struct ModalityReportTests {
    static let data = try! PlantedJointData()

    /// Each user's five best cold items by the planted scores: test interactions that only
    /// side information can predict.
    static func coldTest() throws -> Interactions<Int, Int> {
        let data = Self.data
        var records: [Interactions<Int, Int>.Record] = []
        for user in 0..<data.plantedUsers.rowCount {
            let score = { (item: Int) in
                zip(data.plantedUsers.row(user), data.plantedItems.row(item)).reduce(0) { $0 + $1.0 * $1.1 }
            }
            for item in data.coldItems.sorted(by: { score($0) > score($1) }).prefix(5) {
                records.append(.init(user: user, item: item, value: 1))
            }
        }
        return try Interactions(records)
    }

    @Test("Removing the informative block costs cold AUC; removing a noise block costs almost nothing")
    func ablations() throws {
        let data = Self.data
        var generator = SplitMix64(seed: 5)
        let noise = try SideInformationBlock<Int, Double>(
            name: "noise", ids: Array(0..<300),
            features: Matrix.randomNormal(rowCount: 300, columnCount: 16, using: &generator))
        let report = try JointFactorization(.init(factorCount: 6, iterationCount: 10, itemModel: .offset,
                                                  loadingRegularization: 0.1))
            .modalityReport(training: data.interactions, test: try Self.coldTest(), k: 10,
                            itemBlocks: [data.features, noise], additionalItems: Array(0..<300), as: Double.self)
        #expect(report.full.removedBlock == nil)
        #expect(report.ablations.map(\.removedBlock) == ["item:features", "item:noise"])
        let full = try #require(report.full.cold), withoutFeatures = try #require(report.ablations[0].cold)
        let withoutNoise = try #require(report.ablations[1].cold)
        #expect(full.auc > 0.85, "cold AUC \(full.auc) with every block")
        #expect(withoutFeatures.auc < full.auc - 0.2, "cold AUC \(withoutFeatures.auc) without the features")
        #expect(abs(withoutNoise.auc - full.auc) < 0.05, "cold AUC \(withoutNoise.auc) without the noise block")
    }

    @Test("A joint model, and its ranker with cold items placed, pass the FactorModel conformance suite",
          arguments: [JointFactorization.Feedback.implicit(), .explicit()])
    func conformance(_ feedback: JointFactorization.Feedback) throws {
        let data = Self.data
        let training = feedback == .explicit()
            ? try Interactions(data.interactions.records.map { .init(user: $0.user, item: $0.item, value: Double(1 + ($0.user + $0.item) % 5)) })
            : data.interactions
        let model = try JointFactorization(.init(feedback: feedback, factorCount: 6, iterationCount: 5))
            .fit(training, itemBlocks: [data.features], as: Double.self)
        try checkFactorModelConformance(model, training: training)
        let placed = try model.placingItems(data.coldItems, from: [data.features])
        try checkFactorModelConformance(placed, training: training)
        let ranker = try model.ranker(training: training, additionalItems: data.coldItems,
                                      itemBlocks: [data.features])
        let user = try #require(training.userIDs.ids.first)
        let ranked = try ranker.recommend(user: user, count: 300)
        #expect(Set(ranked.map(\.id)).isSuperset(of: data.coldItems), "every cold item is rankable")
    }
}
