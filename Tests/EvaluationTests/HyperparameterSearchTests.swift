import Evaluation
import Factorization
import Fusion
import LinearAlgebra
import Testing

@Suite("HyperparameterSearch", .serialized)
struct HyperparameterSearchTests {
    /// 120 users who each like one of four item groups; 200 items whose group is a
    /// categorical column and whose level (0–9) is a numeric one.
    static func data() throws -> (Interactions<String, String>, AttributeTable<String>) {
        var generator = SplitMix64(seed: 11)
        var records: [Interactions<String, String>.Record] = []
        for user in 0..<120 {
            let liked = (0..<200).filter { $0 % 4 == user % 4 }.shuffled(using: &generator).prefix(15)
            let other = (0..<200).shuffled(using: &generator).prefix(2)
            for item in Set(liked).union(other) { records.append(.init(user: "u\(user)", item: "i\(item)", value: 1)) }
        }
        let table = try AttributeTable<String>(
            columnNames: ["id", "group", "level"],
            rows: (0..<200).map { ["i\($0)", ["red", "green", "blue", "grey"][$0 % 4], "\($0 / 20)"] })
        return (try Interactions(records), table)
    }

    static let pipeline = FeaturePipeline.standard(categorical: ["group"], numeric: ["level"])
    static let configuration = JointFactorization.Configuration(factorCount: 8, regularization: 5)
    /// Twelve trials: the start, then rounds of four draws at 2 sweeps and the best two at 4.
    static let search = HyperparameterSearch(
        space: .init(factorCounts: [4, 8], regularization: 1...20), budget: .seconds(600), iterationCounts: [2, 4],
        roundSize: 4, reductionFactor: 2, trialLimit: 12)

    @Test("The starting settings run first with the last sweep count; the best never scores below them")
    func startAndBest() async throws {
        let (training, items) = try Self.data()
        let result = try await Self.search.run(
            training: training, items: items, pipeline: Self.pipeline, configuration: Self.configuration, as: Float.self)
        let start = try #require(result.trials.first)
        #expect(start.index == 0 && start.iterationCount == 4 && result.start.index == 0)
        #expect(start.settings == HyperparameterSearch.Settings(configuration: Self.configuration, pipeline: Self.pipeline))
        #expect(result.trials.count == 12)
        #expect(result.trials.map(\.iterationCount) == [4, 2, 2, 2, 2, 4, 4, 2, 2, 2, 2, 4])
        #expect(result.trials.map(\.round) == [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
        #expect(result.best.iterationCount == 4 && result.best.score >= start.score)
        #expect(result.trials.filter { $0.iterationCount == 4 }.allSatisfy { $0.score <= result.best.score })
        // 10% of 200 items are cold; both parts are scored, and the group column places cold items well.
        #expect(result.coldItemCount == 20)
        for trial in result.trials {
            let (warm, cold) = (try #require(trial.warm), try #require(trial.cold))
            #expect(abs(trial.score - (warm.ndcg + cold.ndcg) / 2) < 1e-12)
            #expect([4, 8].contains(trial.settings.factorCount) && (1...20).contains(trial.settings.regularization))
            #expect(Set(trial.settings.blockWeights.keys) == ["group", "level", "group×level"])
        }
        #expect(result.best.cold!.auc > 0.8)
    }

    @Test("The first trial always runs; a budget it exhausts ends the search there")
    func budget() async throws {
        let (training, items) = try Self.data()
        var tight = Self.search
        tight.budget = .milliseconds(1)
        tight.trialLimit = nil
        let result = try await tight.run(
            training: training, items: items, pipeline: Self.pipeline, configuration: Self.configuration, as: Float.self)
        #expect(result.trials.count == 1 && result.best.index == 0)
    }

    @Test("Draws depend on the seed only: two runs try the same settings in the same order")
    func seeded() async throws {
        let (training, items) = try Self.data()
        var short = Self.search
        short.trialLimit = 8
        let first = try await short.run(training: training, items: items, pipeline: Self.pipeline,
                                        configuration: Self.configuration, as: Float.self)
        let second = try await short.run(training: training, items: items, pipeline: Self.pipeline,
                                         configuration: Self.configuration, as: Float.self)
        #expect(first.trials.count == 8 && second.trials.count == 8)
        #expect(first.trials.map(\.settings) == second.trials.map(\.settings))
        #expect(first.trials.map(\.score) == second.trials.map(\.score))
    }

    @Test("Settings applied to a configuration and a pipeline give back what they were read from")
    func settingsRoundTrip() {
        let settings = HyperparameterSearch.Settings(configuration: Self.configuration, pipeline: Self.pipeline)
        #expect(settings.applied(to: Self.configuration) == Self.configuration)
        #expect(settings.applied(to: Self.pipeline) == Self.pipeline)
        #expect(settings.alpha == 5 && settings.numericRepresentations == ["level": .automatic])
    }

    @Test("Parameters out of range are errors naming the parameter")
    func invalidParameters() async throws {
        var searches: [HyperparameterSearch] = []
        for change in [
            { (s: inout HyperparameterSearch) in s.validation = .coldItems(fraction: 0) },
            { $0.validation = .both(coldItemFraction: 0.1, warmFraction: 1) },
            { $0.budget = .zero }, { $0.cutoff = 0 }, { $0.iterationCounts = [] }, { $0.iterationCounts = [5, 2] },
            { $0.roundSize = 0 }, { $0.reductionFactor = 1 }, { $0.trialLimit = 0 }, { $0.space.factorCounts = [] },
            { $0.space.regularization = 0...1 }, { $0.space.blockWeight = 1...Double.infinity },
        ] {
            var search = HyperparameterSearch()
            change(&search)
            searches.append(search)
        }
        for search in searches {
            #expect {
                try search.validate()
            } throws: { error in
                guard case EvaluationError.invalidParameter = error else { return false }
                return true
            }
        }
        let (training, items) = try Self.data()
        await #expect(throws: EvaluationError.self) {
            try await searches[0].run(training: training, items: items, pipeline: Self.pipeline, as: Float.self)
        }
        let missing = FeaturePipeline.standard(numeric: ["weight"])
        await #expect(throws: EvaluationError.self) {
            try await Self.search.run(training: training, items: items, pipeline: missing, as: Float.self)
        }
    }
}
