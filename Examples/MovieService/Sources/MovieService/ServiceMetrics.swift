import Foundation
import Synchronization

/// Request counts, latency histograms and the model's age, in the Prometheus text format.
final class ServiceMetrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    static let buckets: [Double] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]

    /// A method and route pattern: one latency histogram.
    private struct Route: Hashable {
        var method: String
        var route: String
        /// The order `render` lists histograms in.
        var sortKey: String { "\(method) \(route)" }
    }

    /// A route and status: one request counter.
    private struct Outcome: Hashable {
        var route: Route
        var status: Int
        /// The order `render` lists counters in.
        var sortKey: String { "\(route.sortKey) \(status)" }
    }

    private struct Series {
        /// Requests per bucket, not cumulative (`render` sums them).
        var counts: [Int] = Array(repeating: 0, count: ServiceMetrics.buckets.count)
        var total = 0
        var sum = 0.0

        mutating func add(_ seconds: Double) {
            if let bucket = ServiceMetrics.buckets.firstIndex(where: { seconds <= $0 }) { counts[bucket] += 1 }
            total += 1
            sum += seconds
        }
    }

    private struct State {
        var requests: [Outcome: Int] = [:]
        var latencies: [Route: Series] = [:]
        var modelLoaded = Date()
        var swaps = 0
    }

    private let state = Mutex(State())

    /// Counts a request; updates its counter and histogram in place, without formatting
    /// a label (the hot path's cost is one lock and two hash lookups).
    func record(route: String, method: String, status: Int, seconds: Double) {
        let key = Route(method: method, route: route)
        state.withLock { state in
            state.requests[Outcome(route: key, status: status), default: 0] += 1
            state.latencies[key, default: Series()].add(seconds)
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
        for (outcome, count) in snapshot.requests.sorted(by: { $0.key.sortKey < $1.key.sortKey }) {
            let route = outcome.route
            lines.append("movie_service_requests_total{method=\"\(route.method)\",route=\"\(route.route)\",status=\"\(outcome.status)\"} \(count)")
        }
        lines.append("# HELP movie_service_request_duration_seconds Request latency, by method and route.")
        lines.append("# TYPE movie_service_request_duration_seconds histogram")
        for (route, series) in snapshot.latencies.sorted(by: { $0.key.sortKey < $1.key.sortKey }) {
            let labels = "method=\"\(route.method)\",route=\"\(route.route)\""
            var cumulative = 0
            for (index, bound) in Self.buckets.enumerated() {
                cumulative += series.counts[index]
                lines.append("movie_service_request_duration_seconds_bucket{\(labels),le=\"\(bound)\"} \(cumulative)")
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
