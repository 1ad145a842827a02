import ArgumentParser
import Foundation
import FusionRec

/// `fusionrec evaluate`: fits a model on a training file and reports ranking metrics on a
/// test file.
struct EvaluateCommand: ParsableCommand {
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
    @Option(help: "The cut-off K.")
    var k: Int = 10
    @Option(help: "Output format: table or json.")
    var format: Format = .table
    @Option(help: "Also write per-user values to this CSV file (report,user,test_items,hits,precision,recall,ndcg,ap,hit_rate,rr,auc).")
    var perUser: String?
    @Option(help: "Threads for parallel loops and BLAS (default: FUSIONREC_THREADS or all processors).")
    var threads: Int?
    @OptionGroup(title: "Factorisation models")
    var factorization: FactorizationOptions

    func validate() throws {
        guard k >= 1 else { throw ValidationError("--k must be at least 1, got \(k)") }
    }

    func run() throws {
        try reportingErrors {
            if let threads { Parallel.threadCount = threads }
            let trainData = try readInteractions(train)
            let testData = try readInteractions(test)
            let extraItems = try items.map { try AttributeTable<String>(csvPath: $0).ids.ids } ?? []
            let fitStart = ContinuousClock.now
            let ranker = try model.fitRanker(train: trainData, additionalItems: extraItems, options: factorization)
            let fitSeconds = seconds(since: fitStart)
            let evaluateStart = ContinuousClock.now
            let report = try ranker.evaluate(test: testData, k: k, includingPerUser: perUser != nil)
            let evaluateSeconds = seconds(since: evaluateStart)
            if let perUser { try writePerUser(report, to: perUser) }
            switch format {
            case .json:
                print(json(report, fitSeconds: fitSeconds, evaluateSeconds: evaluateSeconds))
            case .table:
                print(table(report, fitSeconds: fitSeconds, evaluateSeconds: evaluateSeconds))
            }
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
        try writeText(text, to: path)
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

    func json(_ report: EvaluationReport<String>, fitSeconds: Double, evaluateSeconds: Double) -> String {
        var fields: [(String, String)] = [("model", "\"\(model.rawValue)\""), ("k", "\(k)")]
        fields += metricFields(report.metrics)
        fields += [("items", "\(report.metrics.items)")]
        if let rmse = report.rmse, let mae = report.mae { fields += [("rmse", "\(rmse)"), ("mae", "\(mae)")] }
        fields += [
            ("skipped_users", "\(report.skippedUsers)"),
            ("test_items_outside_catalogue", "\(report.testItemsOutsideCatalogue)"),
            ("fit_seconds", "\(fitSeconds)"), ("evaluate_seconds", "\(evaluateSeconds)"),
        ]
        if let cold = report.coldItems {
            fields.append(("cold_items", object(metricFields(cold) + [("items", "\(cold.items)")])))
        }
        return object(fields)
    }

    func table(_ report: EvaluationReport<String>, fitSeconds: Double, evaluateSeconds: Double) -> String {
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
