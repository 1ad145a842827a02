import Foundation
import FusionRec

/// The metrics the command line prints, once: the JSON key, the table label (`@K` is
/// appended where the metric has a cut-off) and where the value is.
let reportedMetrics: [(key: String, label: String, atK: Bool, value: KeyPath<RankingMetrics, Double> & Sendable)] = [
    ("precision", "precision", true, \.precision), ("recall", "recall", true, \.recall), ("ndcg", "NDCG", true, \.ndcg),
    ("map", "MAP", true, \.map), ("hit_rate", "hit rate", true, \.hitRate), ("mrr", "MRR", true, \.mrr),
    ("auc", "AUC", false, \.auc), ("coverage", "coverage", true, \.coverage),
]

/// `fusionrec evaluate --format json`: one object with the metrics of the warm report at
/// the top level, the cold-item report under `cold_items`, timings, and the ablation when
/// asked for. `fit_seconds` includes `encoding_seconds`, the time spent encoding the item
/// blocks (fusion models only).
struct EvaluationSummary: Encodable {
    /// A report's metrics as JSON fields.
    struct Metrics: Encodable {
        var metrics: RankingMetrics

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(metrics.usersEvaluated, forKey: Key("users_evaluated"))
            for metric in reportedMetrics { try container.encode(metrics[keyPath: metric.value], forKey: Key(metric.key)) }
            try container.encode(metrics.items, forKey: Key("items"))
        }
    }

    /// The change of each metric with one block removed (ablated − full model).
    struct Ablation: Encodable {
        var removed: String
        var warm: Deltas
        var coldItems: Deltas?
    }

    /// Metric differences keyed like ``Metrics``.
    struct Deltas: Encodable {
        var values: [(key: String, delta: Double)]

        init(_ ablated: RankingMetrics, _ full: RankingMetrics) {
            values = reportedMetrics.map { ($0.key, ablated[keyPath: $0.value] - full[keyPath: $0.value]) }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            for (key, delta) in values { try container.encode(delta, forKey: Key(key)) }
        }
    }

    var model: String
    var k: Int
    var metrics: Metrics
    var rmse: Double?
    var mae: Double?
    var skippedUsers: Int
    var testItemsOutsideCatalogue: Int
    var fitSeconds: Double
    var evaluateSeconds: Double
    var encodingSeconds: Double?
    var coldItems: Metrics?
    var ablation: [Ablation]?

    init(model: String, report: EvaluationReport<String>, fitSeconds: Double, encodingSeconds: Double?,
         evaluateSeconds: Double, ablation: ModalityReport?) {
        self.model = model
        k = report.metrics.k
        metrics = Metrics(metrics: report.metrics)
        rmse = report.rmse
        mae = report.mae
        skippedUsers = report.skippedUsers
        testItemsOutsideCatalogue = report.testItemsOutsideCatalogue
        self.fitSeconds = fitSeconds
        self.evaluateSeconds = evaluateSeconds
        self.encodingSeconds = encodingSeconds
        coldItems = report.coldItems.map(Metrics.init)
        self.ablation = ablation.map { Self.ablations($0) }
    }

    static func ablations(_ report: ModalityReport) -> [Ablation] {
        report.ablations.map { entry in
            let cold: Deltas? = if let c = entry.cold, let f = report.full.cold { Deltas(c, f) } else { nil }
            return Ablation(removed: entry.removedBlock ?? "", warm: Deltas(entry.warm, report.full.warm), coldItems: cold)
        }
    }

    private enum CodingKeys: String, CodingKey {
        case model, k, rmse, mae, skippedUsers, testItemsOutsideCatalogue, fitSeconds, evaluateSeconds, encodingSeconds
        case coldItems, ablation
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encode(k, forKey: .k)
        try metrics.encode(to: encoder)
        try container.encodeIfPresent(rmse, forKey: .rmse)
        try container.encodeIfPresent(mae, forKey: .mae)
        try container.encode(skippedUsers, forKey: .skippedUsers)
        try container.encode(testItemsOutsideCatalogue, forKey: .testItemsOutsideCatalogue)
        try container.encode(fitSeconds, forKey: .fitSeconds)
        try container.encode(evaluateSeconds, forKey: .evaluateSeconds)
        try container.encodeIfPresent(encodingSeconds, forKey: .encodingSeconds)
        try container.encodeIfPresent(coldItems, forKey: .coldItems)
        try container.encodeIfPresent(ablation, forKey: .ablation)
    }

    /// The summary as one line of JSON with snake_case keys, sorted.
    func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

/// A coding key made from a string, for keys listed in ``reportedMetrics``.
private struct Key: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
