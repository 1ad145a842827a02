import Foundation
import Synchronization

/// Request counts, latency histograms and the model's age, in the Prometheus text format.
final class ServiceMetrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    static let buckets: [Double] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]

    private struct Series {
        var counts: [Int] = Array(repeating: 0, count: ServiceMetrics.buckets.count)
        var total = 0
        var sum = 0.0
    }

    private struct State {
        var requests: [String: Int] = [:]
        var latencies: [String: Series] = [:]
        var modelLoaded = Date()
        var swaps = 0
    }

    private let state = Mutex(State())

    func record(route: String, method: String, status: Int, seconds: Double) {
        state.withLock { state in
            state.requests["\(method) \(route) \(status)", default: 0] += 1
            var series = state.latencies["\(method) \(route)"] ?? Series()
            for (index, bound) in Self.buckets.enumerated() where seconds <= bound { series.counts[index] += 1 }
            series.total += 1
            series.sum += seconds
            state.latencies["\(method) \(route)"] = series
        }
    }

    func modelLoaded() {
        state.withLock {
            $0.modelLoaded = Date()
            $0.swaps += 1
        }
    }

    var modelAge: Double { state.withLock { Date().timeIntervalSince($0.modelLoaded) } }

    /// The metrics as Prometheus exposition text; `gauges` are extra values (users, items, version).
    func render(gauges: [(name: String, help: String, value: Double)]) -> String {
        let snapshot = state.withLock { $0 }
        var lines: [String] = []
        lines.append("# HELP movie_service_requests_total Requests served, by method, route and status.")
        lines.append("# TYPE movie_service_requests_total counter")
        for (key, count) in snapshot.requests.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: " ", maxSplits: 2).map(String.init)
            lines.append("movie_service_requests_total{method=\"\(parts[0])\",route=\"\(parts[1])\",status=\"\(parts[2])\"} \(count)")
        }
        lines.append("# HELP movie_service_request_duration_seconds Request latency, by method and route.")
        lines.append("# TYPE movie_service_request_duration_seconds histogram")
        for (key, series) in snapshot.latencies.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: " ", maxSplits: 1).map(String.init)
            let labels = "method=\"\(parts[0])\",route=\"\(parts[1])\""
            for (index, bound) in Self.buckets.enumerated() {
                lines.append("movie_service_request_duration_seconds_bucket{\(labels),le=\"\(bound)\"} \(series.counts[index])")
            }
            lines.append("movie_service_request_duration_seconds_bucket{\(labels),le=\"+Inf\"} \(series.total)")
            lines.append("movie_service_request_duration_seconds_sum{\(labels)} \(series.sum)")
            lines.append("movie_service_request_duration_seconds_count{\(labels)} \(series.total)")
        }
        lines.append("# HELP movie_service_model_age_seconds Seconds since the served model was loaded.")
        lines.append("# TYPE movie_service_model_age_seconds gauge")
        lines.append("movie_service_model_age_seconds \(Date().timeIntervalSince(snapshot.modelLoaded))")
        lines.append("# HELP movie_service_model_loads_total Models loaded (the first and every reload).")
        lines.append("# TYPE movie_service_model_loads_total counter")
        lines.append("movie_service_model_loads_total \(snapshot.swaps)")
        for gauge in gauges {
            lines.append("# HELP \(gauge.name) \(gauge.help)")
            lines.append("# TYPE \(gauge.name) gauge")
            lines.append("\(gauge.name) \(gauge.value)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
