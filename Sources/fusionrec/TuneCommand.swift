import ArgumentParser
import Foundation
import FusionRec

/// `fusionrec tune`: searches the fused model's settings on validation data carved from
/// the training file alone (`HyperparameterSearch`), and prints the best as flags.
struct TuneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Search --model fusion's settings within a time budget on validation data carved from --train.",
        discussion: """
            Carves cold items and held-out interactions of warm users from the training file (never a test \
            file), fits the starting settings (the defaults, or the options given), then rounds of seeded random \
            settings with successive halving on the sweep count, and prints the best settings as the flags to \
            pass to evaluate or recommend. The score is the mean NDCG@K of the warm and cold parts. Progress \
            goes to standard error, one line per trial; --trials writes every trial as JSON.
            """)

    enum ValidationName: String, ExpressibleByArgument, CaseIterable {
        case coldItems = "cold-items", warmUsers = "warm-users", both
    }

    @Option(help: "Training interactions (CSV with a header; MovieLens columns detected).")
    var train: String
    @Option(help: "Item attribute table (CSV, first column the item id) the blocks come from.")
    var items: String
    @Option(help: "The time budget of the search: seconds, or a number with s, m or h (90s, 3m, 1h).")
    var budget: String = "3m"
    @Option(help: "What is carved for validation: cold-items, warm-users or both.")
    var validation: ValidationName = .both
    @Option(parsing: .unconditional, help: "The fraction carved: of the items for cold-items, of each user's interactions for warm-users (both: each).")
    var fraction: Double = 0.1
    @Option(parsing: .unconditional, help: "The cut-off K of the score.")
    var k: Int = 10
    @Option(parsing: .unconditional, help: "Stop after this many trials even when the budget allows more (the same seed and limit give the same trials on any machine).")
    var trialLimit: Int?
    @Option(help: "Write every trial (settings, metrics, seconds) to this JSON file (- for standard output).")
    var trials: String?
    @Option(parsing: .unconditional, help: "Threads for parallel loops and BLAS (default: FUSIONREC_THREADS or all processors).")
    var threads: Int?
    @OptionGroup(title: "Starting settings (factorisation)")
    var factorization: FactorizationOptions
    @OptionGroup(title: "Starting settings (side information)")
    var sideInformation: SideInformationOptions

    func validate() throws {
        try checkThreads(threads)
        guard fraction > 0, fraction < 1 else { throw ValidationError("--fraction must lie strictly between 0 and 1, got \(fraction)") }
        guard k >= 1 else { throw ValidationError("--k must be at least 1, got \(k)") }
        if let trialLimit, trialLimit < 1 { throw ValidationError("--trial-limit must be at least 1, got \(trialLimit)") }
        _ = try Self.duration(budget)
        _ = try sideInformation.pipeline()
        if !sideInformation.imageColumns.isEmpty {
            throw ValidationError("tune does not search image columns yet; fit them with recommend or evaluate --image-column")
        }
        if !sideInformation.audioColumns.isEmpty {
            throw ValidationError("tune does not search audio columns yet; fit them with recommend or evaluate --audio-column")
        }
        if sideInformation.userTable != nil || sideInformation.hasUserColumns {
            throw ValidationError("tune searches the item side and the interaction settings; --user-table and the --user-…-column options are not searched")
        }
    }

    /// `90`, `90s`, `3m` or `1h` as a duration.
    static func duration(_ text: String) throws -> Duration {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        var number = Substring(text), scale = 1.0
        if let last = text.last, let unit = units[last] {
            number = text.dropLast()
            scale = unit
        }
        guard let value = _decimalNumber(String(number)), value > 0, (value * scale).isFinite, value * scale <= 86_400 * 7
        else {
            throw ValidationError("--budget expects a positive duration of at most a week, such as 90s, 3m or 1h, got \(text)")
        }
        return .milliseconds(Int64((value * scale * 1000).rounded()))
    }

    func run() async throws {
        try await reportingErrors {
            if let trials { try checkOutputFile(trials, option: "--trials", allowsStandardOutput: true) }
            if let threads { Parallel.threadCount = threads }
            let trainData = try readInteractions(train, option: "--train")
            let table = try AttributeTable<String>(csvPath: items, idColumn: sideInformation.itemIdColumn)
            switch factorization.precision {
            case .float: try await tune(trainData, table, as: Float.self)
            case .double: try await tune(trainData, table, as: Double.self)
            }
        }
    }

    private func tune<Scalar: BLASScalar>(
        _ trainData: Interactions<String, String>, _ table: AttributeTable<String>, as scalarType: Scalar.Type
    ) async throws {
        let validationSplit: HyperparameterSearch.Validation = switch validation {
        case .coldItems: .coldItems(fraction: fraction)
        case .warmUsers: .warmUsers(fraction: fraction)
        case .both: .both(coldItemFraction: fraction, warmFraction: fraction)
        }
        let search = HyperparameterSearch(
            validation: validationSplit, budget: try Self.duration(budget), cutoff: k, seed: factorization.seed,
            trialLimit: trialLimit)
        let pipeline = try sideInformation.pipeline()
        let configuration = sideInformation.trainer(factorization).configuration
        let k = self.k
        let result = try await search.run(
            training: trainData, items: table, pipeline: pipeline, configuration: configuration,
            encoders: try await sideInformation.encoders(), cache: TextEncoderCache.shared.vectors, as: scalarType
        ) { trial in
            FileHandle.standardError.write(Data((Self.summary(trial, k: k) + "\n").utf8))
        }
        if let trials {
            try writeText(try TuneRecord(result, pipeline: pipeline, k: k).jsonText(), to: trials, option: "--trials")
        }
        guard trials != "-" else { return }
        print("""
            \(result.trials.count) trials in \(String(format: "%.1f", result.seconds)) s on \(result.trainingCount) \
            training and \(result.validationCount) validation interactions (\(result.coldItemCount) cold items)
            starting settings: \(Self.summary(result.start, k: k))
            best settings:     \(Self.summary(result.best, k: k))
            flags: \(Self.flags(result.best, pipeline: pipeline).joined(separator: " "))
            """)
    }

    /// One line: the trial's number, sweeps, score, warm and cold NDCG and AUC, and seconds.
    static func summary(_ trial: HyperparameterSearch.Trial, k: Int) -> String {
        func part(_ name: String, _ metrics: RankingMetrics?) -> String {
            metrics.map { String(format: " %@ NDCG@%d %.4f AUC %.4f", name, k, $0.ndcg, $0.auc) } ?? ""
        }
        let head = String(format: "trial %d (round %d, %d sweeps): ", trial.index, trial.round, trial.iterationCount)
        if let failure = trial.failure { return head + "failed: \(failure)" }
        return head + String(format: "score %.4f", trial.score) + part("warm", trial.warm) + part("cold", trial.cold)
            + String(format: ", %.1f s", trial.seconds)
    }

    /// The command-line flags that reproduce `trial`'s settings on top of the column options.
    static func flags(_ trial: HyperparameterSearch.Trial, pipeline: FeaturePipeline) -> [String] {
        let settings = trial.settings
        var flags = [
            "--factors", "\(settings.factorCount)", "--regularization", decimal(settings.regularization),
            "--iterations", "\(trial.iterationCount)", "--loading-regularization", decimal(settings.loadingRegularization),
        ]
        if let alpha = settings.alpha { flags += ["--alpha", decimal(alpha)] }
        for block in pipeline.blocks {
            if let weight = settings.blockWeights[block.name] { flags += ["--block-weight", "\(block.name)=\(decimal(weight))"] }
            if case let .numeric(column, _) = block.source, let representation = settings.numericRepresentations[block.name] {
                switch representation {
                case .automatic: flags += ["--numeric-column", column]
                case .standardized: flags += ["--numeric-column", "\(column)=standardized"]
                case let .buckets(width): flags += ["--numeric-column", "\(column)=\(decimal(width))"]
                }
            }
        }
        return flags
    }

    /// Three significant digits, as the command line reads them back.
    static func decimal(_ value: Double) -> String {
        let text = String(format: "%.3g", value)
        return text.contains("e") ? "\(Double(text) ?? value)" : text
    }
}

/// `fusionrec tune --trials`: every trial, the starting and the best.
struct TuneRecord: Encodable {
    struct Trial: Encodable {
        var index: Int, round: Int, iterations: Int, score: Double, seconds: Double
        var factors: Int, regularization: Double, alpha: Double?, loadingRegularization: Double
        var blockWeights: [String: Double], numericRepresentations: [String: String]
        var warm: EvaluationSummary.Metrics?, coldItems: EvaluationSummary.Metrics?
        var failure: String?
        var flags: [String]

        enum CodingKeys: String, CodingKey {
            case index, round, iterations, score, seconds, factors, regularization, alpha
            case loadingRegularization = "loading_regularization", blockWeights = "block_weights"
            case numericRepresentations = "numeric_representations", warm, coldItems = "cold_items", failure, flags
        }
    }

    var k: Int, seconds: Double, trainingInteractions: Int, validationInteractions: Int, coldItems: Int
    var start: Int, best: Int
    var trials: [Trial]

    enum CodingKeys: String, CodingKey {
        case k, seconds, start, best, trials
        case trainingInteractions = "training_interactions", validationInteractions = "validation_interactions"
        case coldItems = "cold_items"
    }

    init(_ result: HyperparameterSearch.Result, pipeline: FeaturePipeline, k: Int) {
        self.k = k
        seconds = result.seconds
        trainingInteractions = result.trainingCount
        validationInteractions = result.validationCount
        coldItems = result.coldItemCount
        start = result.start.index
        best = result.best.index
        trials = result.trials.map { trial in
            let settings = trial.settings
            return Trial(
                index: trial.index, round: trial.round, iterations: trial.iterationCount, score: trial.score,
                seconds: trial.seconds, factors: settings.factorCount, regularization: settings.regularization,
                alpha: settings.alpha, loadingRegularization: settings.loadingRegularization,
                blockWeights: settings.blockWeights,
                numericRepresentations: settings.numericRepresentations.mapValues { representation in
                    switch representation {
                    case .automatic: "automatic"
                    case .standardized: "standardized"
                    case let .buckets(width): "buckets(width: \(width))"
                    }
                },
                warm: trial.warm.map { EvaluationSummary.Metrics(metrics: $0) },
                coldItems: trial.cold.map { EvaluationSummary.Metrics(metrics: $0) }, failure: trial.failure,
                flags: TuneCommand.flags(trial, pipeline: pipeline))
        }
    }

    func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
