import ArgumentParser
import FusionRec

/// The hyper-parameters of the factorisation models (`--model als|implicit-als|sgd|bpr`).
/// Each option left out takes the model's documented default (see Docs/Factorization.md).
struct FactorizationOptions: ParsableArguments {
    enum SolverName: String, ExpressibleByArgument, CaseIterable {
        case cg, cholesky
    }

    enum Precision: String, ExpressibleByArgument, CaseIterable {
        case float, double
    }

    @Option(parsing: .unconditional, help: "Latent factors k (default: 40 for als, sgd and fusion-explicit, 64 for implicit-als and bpr, 128 for fusion).")
    var factors: Int?
    @Option(parsing: .unconditional, help: "ALS sweeps, or SGD/BPR epochs (default: 10 als, 15 implicit-als, 30 sgd, 50 bpr).")
    var iterations: Int?
    @Option(parsing: .unconditional, help: "λ on the factors (default: 10 als and fusion-explicit, 0.05 implicit-als and sgd, 0.01 bpr, 50 fusion).")
    var regularization: Double?
    @Option(parsing: .unconditional, help: "Implicit ALS and fusion: α in the confidence 1 + α·value (default 40 implicit-als, 5 fusion).")
    var alpha: Double?
    @Option(help: "Implicit ALS row solver: cg or cholesky (default cg).")
    var solver: SolverName = .cg
    @Option(parsing: .unconditional, help: "Implicit ALS: conjugate-gradient steps per row (default 3).")
    var cgSteps: Int = 3
    @Option(parsing: .unconditional, help: "SGD/BPR learning rate (default: 0.01 sgd, 0.05 bpr).")
    var learningRate: Double?
    @Option(help: "Seed of the initial factors and of the sampling (default 42).")
    var seed: UInt64 = 42
    @Option(help: "How ratings become implicit values for implicit-als: binary (1 for every interaction) or raw (the rating).")
    var implicitValues: ImplicitValues = .binary
    @Flag(help: "Explicit ALS: weighted-λ regularisation (ALS-WR), λ multiplied by each row's count.")
    var weightedRegularization = false
    @Option(help: "The scalar of the fitted factors: float (half the memory of the factors; implicit ALS on MovieLens fits in about 0.6× the time) or double.")
    var precision: Precision = .double

    func validate() throws {
        if let factors, factors < 1 { throw ValidationError("--factors must be at least 1, got \(factors)") }
        if let iterations, iterations < 0 { throw ValidationError("--iterations must not be negative, got \(iterations)") }
        if cgSteps < 1 { throw ValidationError("--cg-steps must be at least 1, got \(cgSteps)") }
        try checkPositive(regularization, "--regularization")
        try checkNonNegative(alpha, "--alpha")
        try checkPositive(learningRate, "--learning-rate")
    }

    /// The trainer of `model` (`als`, `implicit-als`, `sgd` or `bpr`) with these options.
    func trainer(_ model: ModelName) -> any MatrixFactorizationTrainer {
        switch model {
        case .als: explicitALS
        case .implicitALS: implicitALS
        case .sgd: sgd
        case .bpr: bpr
        case .popularity, .fusion, .fusionExplicit: preconditionFailure("--model \(model.rawValue) is not a matrix factorization")
        }
    }

    var implicitALS: ImplicitAlternatingLeastSquares {
        var configuration = ImplicitAlternatingLeastSquares.Configuration(values: implicitValues, seed: seed)
        if let factors { configuration.factorCount = factors }
        if let iterations { configuration.iterationCount = iterations }
        if let regularization { configuration.regularization = regularization }
        if let alpha { configuration.alpha = alpha }
        configuration.solver = solver == .cholesky ? .cholesky : .conjugateGradient(steps: cgSteps)
        return ImplicitAlternatingLeastSquares(configuration)
    }

    var explicitALS: AlternatingLeastSquares {
        var configuration = AlternatingLeastSquares.Configuration(weightedRegularization: weightedRegularization,
                                                                  seed: seed)
        if let factors { configuration.factorCount = factors }
        if let iterations { configuration.iterationCount = iterations }
        if let regularization { configuration.regularization = regularization }
        return AlternatingLeastSquares(configuration)
    }

    var sgd: BiasedMatrixFactorization {
        var c = BiasedMatrixFactorization.Configuration(seed: seed)
        applyEpochOptions(&c.factorCount, &c.epochCount, &c.regularization, &c.learningRate)
        return BiasedMatrixFactorization(c)
    }

    var bpr: BayesianPersonalizedRanking {
        var c = BayesianPersonalizedRanking.Configuration(seed: seed)
        applyEpochOptions(&c.factorCount, &c.epochCount, &c.regularization, &c.learningRate)
        return BayesianPersonalizedRanking(c)
    }

    /// The options given, over the defaults of an SGD-trained model (SGD, BPR).
    private func applyEpochOptions(
        _ factorCount: inout Int, _ epochCount: inout Int, _ regularization: inout Double, _ learningRate: inout Double
    ) {
        if let factors { factorCount = factors }
        if let iterations { epochCount = iterations }
        if let given = self.regularization { regularization = given }
        if let given = self.learningRate { learningRate = given }
    }
}

extension ImplicitValues: ExpressibleByArgument {}
