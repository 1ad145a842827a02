import ArgumentParser
import Foundation
import FusionRec

/// `fusionrec evaluate`: fits a model on a training file and reports ranking metrics on a
/// test file.
struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Fit a model on a training file and report ranking metrics at K on a test file.",
        discussion: """
            Metrics follow Docs/Ranking.md: each test user's test items are ranked among all catalogue \
            items outside the user's training interactions; the catalogue is the training items plus the \
            rows of --items. Test items outside the catalogue count as misses. When the test set holds \
            catalogue items without training interactions, they are reported separately under cold_items.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    @Option(help: "Training interactions (CSV with a header; MovieLens columns detected).")
    var train: String
    @Option(help: "Test interactions (CSV, same layout).")
    var test: String
    @Option(help: "Item attribute table (CSV, first column the item id) whose items join the catalogue.")
    var items: String?
    @Option(help: "The model: \(ModelName.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: ModelName
    @Option(parsing: .unconditional, help: "The cut-off K.")
    var k: Int = 10
    @Option(help: "Output format: table or json.")
    var format: Format = .table
    @Option(help: "Also write per-user values to this CSV file (report,user,test_items,hits,precision,recall,ndcg,ap,hit_rate,rr,auc).")
    var perUser: String?
    @Option(parsing: .unconditional, help: "Threads for parallel loops and BLAS (default: FUSIONREC_THREADS or all processors).")
    var threads: Int?
    @OptionGroup(title: "Factorisation models")
    var factorization: FactorizationOptions
    @OptionGroup(title: "Side information (--model fusion)")
    var sideInformation: SideInformationOptions
    @OptionGroup(title: "Model files")
    var persistence: PersistenceOptions

    func validate() throws {
        guard k >= 1 else { throw ValidationError("--k must be at least 1, got \(k)") }
        try checkThreads(threads)
        try sideInformation.checkApplies(to: model)
    }

    func run() async throws {
        try await reportingErrors {
            if let perUser { try checkOutputFile(perUser, option: "--per-user", allowsStandardOutput: true) }
            try persistence.checkOutputs()
            if let threads { Parallel.threadCount = threads }
            let trainData = try readInteractions(train, option: "--train")
            let testData = try readInteractions(test, option: "--test")
            let itemTable = try readItemTable(items, idColumn: sideInformation.itemIdColumn)
            switch factorization.precision {
            case .float: try await evaluate(trainData, testData, itemTable, as: Float.self)
            case .double: try await evaluate(trainData, testData, itemTable, as: Double.self)
            }
        }
    }

    /// Fits, evaluates and prints with factors of type `Scalar`.
    private func evaluate<Scalar: BLASScalar>(
        _ trainData: Interactions<String, String>, _ testData: Interactions<String, String>,
        _ itemTable: AttributeTable<String>?, as scalarType: Scalar.Type
    ) async throws {
        let fitStart = ContinuousClock.now
        let fitted = try await model.fit(
            train: trainData, table: itemTable, options: factorization, sideInformation: sideInformation,
            persistence: persistence, as: scalarType)
        let (ranker, encodingSeconds) = (fitted.ranker, fitted.joint?.encodingSeconds)
        let fitSeconds = seconds(since: fitStart)
        let evaluateStart = ContinuousClock.now
        let report = try ranker.evaluate(test: testData, k: k, includingPerUser: perUser != nil)
        let evaluateSeconds = seconds(since: evaluateStart)
        guard report.metrics.usersEvaluated > 0 || (report.coldItems?.usersEvaluated ?? 0) > 0 else {
            throw FileOptionError(
                option: "--test", path: test,
                reason: "no test user could be evaluated (\(report.skippedUsers) test users are not in --train or the model)")
        }
        if let perUser { try writePerUser(report, to: perUser) }
        var ablation: ModalityReport?
        if sideInformation.ablateBlocks, let joint = fitted.joint {
            ablation = try sideInformation.trainer(
                factorization, feedback: model == .fusion ? .implicit : .explicit
            ).modalityReport(
                training: trainData, test: testData, k: k, itemBlocks: joint.blocks,
                additionalItems: itemTable?.ids.ids ?? [], as: scalarType)
        }
        switch format {
        case .json:
            var text = json(report, fitSeconds: fitSeconds, encodingSeconds: encodingSeconds, evaluateSeconds: evaluateSeconds)
            if let ablation { text = String(text.dropLast()) + ", \"ablation\": " + ablationJSON(ablation) + "}" }
            print(text)
        case .table:
            print(table(report, fitSeconds: fitSeconds, encodingSeconds: encodingSeconds, evaluateSeconds: evaluateSeconds))
            if let ablation { print(ablationTable(ablation)) }
        }
    }

    private func writePerUser(_ report: EvaluationReport<String>, to path: String) throws {
        var text = "report,user,test_items,hits,precision,recall,ndcg,ap,hit_rate,rr,auc\n"
        let sections = [("warm", report.perUser ?? []), ("cold_items", report.coldItemsPerUser ?? [])]
        for (name, entries) in sections {
            for entry in entries {
                let m = entry.metrics
                let fields = [
                    name, csvField(entry.user), "\(m.testItemCount)", "\(m.hits)", "\(m.precision)", "\(m.recall)",
                    "\(m.ndcg)", "\(m.averagePrecision)", "\(m.hitRate)", "\(m.reciprocalRank)", m.auc.map { "\($0)" } ?? "",
                ]
                text += fields.joined(separator: ",") + "\n"
            }
        }
        try writeText(text, to: path, option: "--per-user")
    }

    /// The change of each metric when a block is removed (ablation − full), warm and cold.
    private func ablationDeltas(_ report: ModalityReport) -> [(String, [(String, Double)], [(String, Double)]?)] {
        func deltas(_ ablated: RankingMetrics, _ full: RankingMetrics) -> [(String, Double)] {
            [
                ("precision", ablated.precision - full.precision), ("recall", ablated.recall - full.recall),
                ("ndcg", ablated.ndcg - full.ndcg), ("map", ablated.map - full.map),
                ("hit_rate", ablated.hitRate - full.hitRate), ("mrr", ablated.mrr - full.mrr),
                ("auc", ablated.auc - full.auc), ("coverage", ablated.coverage - full.coverage),
            ]
        }
        return report.ablations.map { entry in
            let cold: [(String, Double)]? = if let c = entry.cold, let f = report.full.cold { deltas(c, f) } else { nil }
            return (entry.removedBlock ?? "", deltas(entry.warm, report.full.warm), cold)
        }
    }

    func ablationJSON(_ report: ModalityReport) -> String {
        let entries = ablationDeltas(report).map { name, warm, cold in
            var fields = [("removed", "\"\(name)\""), ("warm", object(warm.map { ($0.0, "\($0.1)") }))]
            if let cold { fields.append(("cold_items", object(cold.map { ($0.0, "\($0.1)") }))) }
            return object(fields)
        }
        return "[" + entries.joined(separator: ", ") + "]"
    }

    func ablationTable(_ report: ModalityReport) -> String {
        var lines = ["", "change of each metric with a block removed (ablated − full model)"]
        for (name, warm, cold) in ablationDeltas(report) {
            let show = { (deltas: [(String, Double)]) in
                deltas.map { "\($0.0) \(String(format: "%+.4f", $0.1))" }.joined(separator: "  ")
            }
            lines.append("without \(name)")
            lines.append("  warm  " + show(warm))
            if let cold { lines.append("  cold  " + show(cold)) }
        }
        return lines.joined(separator: "\n")
    }

    private func metricFields(_ metrics: RankingMetrics) -> [(String, String)] {
        [
            ("users_evaluated", "\(metrics.usersEvaluated)"), ("precision", "\(metrics.precision)"),
            ("recall", "\(metrics.recall)"), ("ndcg", "\(metrics.ndcg)"), ("map", "\(metrics.map)"),
            ("hit_rate", "\(metrics.hitRate)"), ("mrr", "\(metrics.mrr)"), ("auc", "\(metrics.auc)"),
            ("coverage", "\(metrics.coverage)"),
        ]
    }

    private func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// The report as one JSON object; `fit_seconds` includes `encoding_seconds`, the time
    /// spent encoding the item blocks (fusion models only).
    func json(
        _ report: EvaluationReport<String>, fitSeconds: Double, encodingSeconds: Double?, evaluateSeconds: Double
    ) -> String {
        var fields: [(String, String)] = [("model", "\"\(model.rawValue)\""), ("k", "\(k)")]
        fields += metricFields(report.metrics)
        fields += [("items", "\(report.metrics.items)")]
        if let rmse = report.rmse, let mae = report.mae { fields += [("rmse", "\(rmse)"), ("mae", "\(mae)")] }
        fields += [
            ("skipped_users", "\(report.skippedUsers)"),
            ("test_items_outside_catalogue", "\(report.testItemsOutsideCatalogue)"),
            ("fit_seconds", "\(fitSeconds)"), ("evaluate_seconds", "\(evaluateSeconds)"),
        ]
        if let encodingSeconds { fields.append(("encoding_seconds", "\(encodingSeconds)")) }
        if let cold = report.coldItems {
            fields.append(("cold_items", object(metricFields(cold) + [("items", "\(cold.items)")])))
        }
        return object(fields)
    }

    func table(
        _ report: EvaluationReport<String>, fitSeconds: Double, encodingSeconds: Double?, evaluateSeconds: Double
    ) -> String {
        func format(_ value: Double) -> String { String(format: "%.6f", value) }
        func rows(_ metrics: RankingMetrics) -> [(String, String)] {
            [
                ("users evaluated", "\(metrics.usersEvaluated)"), ("items ranked", "\(metrics.items)"),
                ("precision@\(k)", format(metrics.precision)), ("recall@\(k)", format(metrics.recall)),
                ("NDCG@\(k)", format(metrics.ndcg)), ("MAP@\(k)", format(metrics.map)),
                ("hit rate@\(k)", format(metrics.hitRate)), ("MRR@\(k)", format(metrics.mrr)),
                ("AUC", format(metrics.auc)), ("coverage@\(k)", format(metrics.coverage)),
            ]
        }
        var lines: [(String, String)] = [("model", model.rawValue)]
        lines += rows(report.metrics)
        if let rmse = report.rmse, let mae = report.mae { lines += [("RMSE", format(rmse)), ("MAE", format(mae))] }
        lines += [
            ("skipped test users", "\(report.skippedUsers)"),
            ("test items outside catalogue", "\(report.testItemsOutsideCatalogue)"),
            ("fit seconds", String(format: "%.3f", fitSeconds)),
        ]
        if let encodingSeconds { lines.append(("  of which encoding blocks", String(format: "%.3f", encodingSeconds))) }
        lines += [
            ("evaluate seconds", String(format: "%.3f", evaluateSeconds)),
        ]
        if let cold = report.coldItems {
            lines.append(("cold items", ""))
            lines += rows(cold).map { ("  " + $0.0, $0.1) }
        }
        let width = lines.map(\.0.count).max() ?? 0
        return lines.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }
            .joined(separator: "\n")
    }
}
