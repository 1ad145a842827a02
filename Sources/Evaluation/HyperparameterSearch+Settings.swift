import Factorization
import Fusion
import LinearAlgebra

extension HyperparameterSearch {
    /// The settings one trial fits with: the joint model's and the item pipeline's.
    public struct Settings: Sendable, Hashable {
        /// k.
        public var factorCount: Int
        /// λ.
        public var regularization: Double
        /// α, for implicit feedback.
        public var alpha: Double?
        /// λ_A.
        public var loadingRegularization: Double
        /// Each block's weight, by block name.
        public var blockWeights: [String: Double]
        /// Each numeric block's representation, by block name.
        public var numericRepresentations: [String: NumericEncoder.Representation]

        /// The settings of `configuration` and `pipeline`.
        public init(configuration: JointFactorization.Configuration, pipeline: FeaturePipeline) {
            factorCount = configuration.factorCount
            regularization = configuration.regularization
            if case let .implicit(feedback) = configuration.feedback { alpha = feedback.alpha }
            loadingRegularization = configuration.loadingRegularization
            blockWeights = Dictionary(uniqueKeysWithValues: pipeline.blocks.map { ($0.name, $0.weight) })
            numericRepresentations = [:]
            for block in pipeline.blocks {
                if case let .numeric(_, representation) = block.source { numericRepresentations[block.name] = representation }
            }
        }

        /// `configuration` with these settings.
        public func applied(to configuration: JointFactorization.Configuration) -> JointFactorization.Configuration {
            var result = configuration
            result.factorCount = factorCount
            result.regularization = regularization
            result.loadingRegularization = loadingRegularization
            if case var .implicit(feedback) = result.feedback, let alpha {
                feedback.alpha = alpha
                result.feedback = .implicit(feedback)
            }
            return result
        }

        /// `pipeline` with these block weights and numeric representations.
        public func applied(to pipeline: FeaturePipeline) -> FeaturePipeline {
            var result = pipeline
            for index in result.blocks.indices {
                let name = result.blocks[index].name
                if let weight = blockWeights[name] { result.blocks[index].weight = weight }
                if case let .numeric(column, _) = result.blocks[index].source, let representation = numericRepresentations[name] {
                    result.blocks[index].source = .numeric(column: column, representation: representation)
                }
            }
            return result
        }
    }

    /// The ranges the search draws from. Continuous parameters are drawn log-uniformly.
    public struct SearchSpace: Sendable, Hashable {
        /// The factor counts k to draw from. Default 32, 64, 128, 192.
        public var factorCounts: [Int]
        /// λ. Default 5...200 (50 measured best on MovieLens with α = 5).
        public var regularization: ClosedRange<Double>
        /// α. Default 1...40.
        public var alpha: ClosedRange<Double>
        /// λ_A. Default 1...100.
        public var loadingRegularization: ClosedRange<Double>
        /// Every block's weight. Default 0.1...3.
        public var blockWeight: ClosedRange<Double>
        /// Whether numeric blocks are tried automatic, standardised and in coarse buckets.
        /// Default `true`.
        public var variesNumericRepresentation: Bool

        /// Creates a search space; every parameter has the documented default.
        public init(
            factorCounts: [Int] = [32, 64, 128, 192], regularization: ClosedRange<Double> = 5...200,
            alpha: ClosedRange<Double> = 1...40, loadingRegularization: ClosedRange<Double> = 1...100,
            blockWeight: ClosedRange<Double> = 0.1...3, variesNumericRepresentation: Bool = true
        ) {
            self.factorCounts = factorCounts
            self.regularization = regularization
            self.alpha = alpha
            self.loadingRegularization = loadingRegularization
            self.blockWeight = blockWeight
            self.variesNumericRepresentation = variesNumericRepresentation
        }

        /// Throws ``EvaluationError/invalidParameter(name:value:reason:)`` for an empty or
        /// non-positive range.
        public func validate() throws(EvaluationError) {
            guard !factorCounts.isEmpty, factorCounts.allSatisfy({ $0 >= 1 }) else {
                throw .invalidParameter(name: "factor counts", value: "\(factorCounts)", reason: "must be at least 1")
            }
            for (name, range) in [("regularization", regularization), ("alpha", alpha),
                                  ("loading regularization", loadingRegularization), ("block weight", blockWeight)]
            where !(range.lowerBound > 0) || !range.upperBound.isFinite {
                throw .invalidParameter(name: "\(name) range", value: "\(range)", reason: "must be positive and finite")
            }
        }

        /// Settings drawn from the space, for the blocks and feedback of `start`.
        func sample(from start: Settings, numeric: NumericChoices, using generator: inout SplitMix64) -> Settings {
            var settings = start
            settings.factorCount = factorCounts[Int.random(in: 0..<factorCounts.count, using: &generator)]
            settings.regularization = Self.logUniform(regularization, using: &generator)
            if start.alpha != nil { settings.alpha = Self.logUniform(alpha, using: &generator) }
            settings.loadingRegularization = Self.logUniform(loadingRegularization, using: &generator)
            for name in start.blockWeights.keys.sorted() {
                settings.blockWeights[name] = Self.logUniform(blockWeight, using: &generator)
            }
            if variesNumericRepresentation {
                for (name, options) in numeric.options.sorted(by: { $0.key < $1.key }) {
                    settings.numericRepresentations[name] = options[Int.random(in: 0..<options.count, using: &generator)]
                }
            }
            return settings
        }

        /// Settings near `settings`: each continuous parameter multiplied by e^u with u
        /// uniform in ±0.5 (and kept in its range), k moved to a neighbouring count or kept,
        /// each numeric representation redrawn with probability 0.2.
        func perturbing(_ settings: Settings, numeric: NumericChoices, using generator: inout SplitMix64) -> Settings {
            func nudge(_ value: Double, _ range: ClosedRange<Double>) -> Double {
                min(max(value * _exp(Double.random(in: -0.5...0.5, using: &generator)), range.lowerBound), range.upperBound)
            }
            var result = settings
            let counts = factorCounts.sorted()
            let nearest = counts.indices.min { abs(counts[$0] - settings.factorCount) < abs(counts[$1] - settings.factorCount) }!
            result.factorCount = counts[min(max(nearest + Int.random(in: -1...1, using: &generator), 0), counts.count - 1)]
            result.regularization = nudge(settings.regularization, regularization)
            if let alpha = settings.alpha { result.alpha = nudge(alpha, self.alpha) }
            result.loadingRegularization = nudge(settings.loadingRegularization, loadingRegularization)
            for name in settings.blockWeights.keys.sorted() {
                result.blockWeights[name] = nudge(settings.blockWeights[name]!, blockWeight)
            }
            if variesNumericRepresentation {
                for (name, options) in numeric.options.sorted(by: { $0.key < $1.key })
                where Double.random(in: 0..<1, using: &generator) < 0.2 {
                    result.numericRepresentations[name] = options[Int.random(in: 0..<options.count, using: &generator)]
                }
            }
            return result
        }

        private static func logUniform(_ range: ClosedRange<Double>, using generator: inout SplitMix64) -> Double {
            let (low, high) = (_log(range.lowerBound), _log(range.upperBound))
            return _exp(low + Double.random(in: 0...1, using: &generator) * (high - low))
        }
    }

    /// The representations the search tries for each numeric block: automatic,
    /// standardised, and buckets of the column's coarse width.
    struct NumericChoices {
        var options: [String: [NumericEncoder.Representation]] = [:]

        init<ID>(pipeline: FeaturePipeline, items: AttributeTable<ID>) throws(EvaluationError) {
            for block in pipeline.blocks {
                guard case let .numeric(column, _) = block.source else { continue }
                let values: [Double]
                do { values = try FittedFeaturePipeline.numbers(column, of: items).compactMap { $0 } } catch {
                    throw .fusion(error)
                }
                var choices: [NumericEncoder.Representation] = [.automatic, .standardized]
                if let low = values.min(), let high = values.max() {
                    choices.append(.buckets(width: NumericEncoder.coarseBucketWidth(from: low, to: high)))
                }
                options[block.name] = choices
            }
        }
    }
}
