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

    @OptionGroup
    var fitting: ModelOptions
    @Option(help: "Test interactions (CSV, same layout as --train).")
    var test: String
    @Option(parsing: .unconditional, help: "The cut-off K.")
    var k: Int = 10
    @Option(help: "Output format: table or json.")
    var format: Format = .table
    @Option(help: "Also write per-user values to this CSV file (report,user,test_items,hits,precision,recall,ndcg,ap,hit_rate,rr,auc).")
    var perUser: String?

    func validate() throws {
        guard k >= 1 else { throw ValidationError("--k must be at least 1, got \(k)") }
    }

    func run() async throws {
        try await reportingErrors {
            if let perUser { try checkOutputFile(perUser, option: "--per-user", allowsStandardOutput: true) }
            try fitting.prepare()
            let data = try fitting.readData()
            let testData = try readInteractions(test, option: "--test")
            switch fitting.factorization.precision {
            case .float: try await evaluate(data, testData, as: Float.self)
            case .double: try await evaluate(data, testData, as: Double.self)
            }
        }
    }

    /// Fits, evaluates and prints with factors of type `Scalar`.
    private func evaluate<Scalar: BLASScalar>(
        _ data: ModelData, _ testData: Interactions<String, String>, as scalarType: Scalar.Type
    ) async throws {
        let fitStart = ContinuousClock.now
        let fitted = try await fitting.fit(data, as: scalarType)
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
        if fitting.sideInformation.ablateBlocks, let joint = fitted.joint {
            ablation = try fitting.sideInformation.trainer(
                fitting.factorization, feedback: fitting.model == .fusion ? .implicit : .explicit
            ).modalityReport(
                training: data.train, test: testData, k: k, itemBlocks: joint.blocks,
                additionalItems: data.items?.ids ?? [], as: scalarType)
        }
        switch format {
        case .json:
            print(try EvaluationSummary(
                model: fitting.model.rawValue, report: report, fitSeconds: fitSeconds, encodingSeconds: encodingSeconds,
                evaluateSeconds: evaluateSeconds, ablation: ablation
            ).jsonText())
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
                    name, entry.user.csvEscaped(), "\(m.testItemCount)", "\(m.hits)", "\(m.precision)", "\(m.recall)",
                    "\(m.ndcg)", "\(m.averagePrecision)", "\(m.hitRate)", "\(m.reciprocalRank)", m.auc.map { "\($0)" } ?? "",
                ]
                text += fields.joined(separator: ",") + "\n"
            }
        }
        try writeText(text, to: path, option: "--per-user")
    }

    func ablationTable(_ report: ModalityReport) -> String {
        var lines = ["", "change of each metric with a block removed (ablated − full model)"]
        for entry in EvaluationSummary.ablations(report) {
            let show = { (deltas: EvaluationSummary.Deltas) in
                deltas.values.map { "\($0.key) \(String(format: "%+.4f", $0.delta))" }.joined(separator: "  ")
            }
            lines.append("without \(entry.removed)")
            lines.append("  warm  " + show(entry.warm))
            if let cold = entry.coldItems { lines.append("  cold  " + show(cold)) }
        }
        return lines.joined(separator: "\n")
    }

    func table(
        _ report: EvaluationReport<String>, fitSeconds: Double, encodingSeconds: Double?, evaluateSeconds: Double
    ) -> String {
        func format(_ value: Double) -> String { String(format: "%.6f", value) }
        func rows(_ metrics: RankingMetrics) -> [(String, String)] {
            [("users evaluated", "\(metrics.usersEvaluated)"), ("items ranked", "\(metrics.items)")]
                + reportedMetrics.map { ($0.label + ($0.atK ? "@\(k)" : ""), format(metrics[keyPath: $0.value])) }
        }
        var lines: [(String, String)] = [("model", fitting.model.rawValue)]
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
