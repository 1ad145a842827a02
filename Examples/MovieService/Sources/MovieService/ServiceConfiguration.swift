import Foundation

/// The service's settings: each flag has an environment variable, and a flag wins.
///
/// | flag | environment | default |
/// | --- | --- | --- |
/// | `--host` | `MOVIE_SERVICE_HOST` | `127.0.0.1` |
/// | `--port` | `MOVIE_SERVICE_PORT` | `8080` |
/// | `--model` | `MOVIE_SERVICE_MODEL` | `.data/ml-small.frm` |
/// | `--ratings` | `MOVIE_SERVICE_RATINGS` | `../../Data/ml-latest-small/ratings.csv` |
/// | `--movies` | `MOVIE_SERVICE_MOVIES` | `../../Data/ml-latest-small/movies.csv` (empty: no titles) |
/// | `--rows-per-chunk` | `MOVIE_SERVICE_ROWS_PER_CHUNK` | `64` |
/// | `--batch-size` | `MOVIE_SERVICE_BATCH_SIZE` | `32`: top-K requests answered by one scan |
/// | `--scans` | `MOVIE_SERVICE_SCANS` | the library's `Parallel.threadCount` (online processors): top-K scans running at once |
struct ServiceConfiguration: Sendable {
    var host = "127.0.0.1"
    var port = 8080
    var modelPath = ".data/ml-small.frm"
    var ratingsPath = "../../Data/ml-latest-small/ratings.csv"
    var moviesPath = "../../Data/ml-latest-small/movies.csv"
    var rowsPerChunk = 64
    var batchSize = 32
    var scans: Int?

    static let usage = """
        usage: movie-service [--host H] [--port P] [--model FILE.frm] [--ratings FILE.csv] [--movies FILE.csv]
                             [--rows-per-chunk N] [--batch-size N] [--scans N]
        Every flag also reads MOVIE_SERVICE_<FLAG> from the environment (e.g. MOVIE_SERVICE_PORT).
        """

    /// Reads the environment, then the flags.
    init(arguments: [String], environment: [String: String]) throws(ConfigurationError) {
        var values: [String: String] = [:]
        for key in Self.keys {
            let variable = "MOVIE_SERVICE_" + key.uppercased().replacingOccurrences(of: "-", with: "_")
            if let value = environment[variable] { values[key] = value }
        }
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--help" || argument == "-h" { throw .help }
            guard argument.hasPrefix("--"), Self.keys.contains(String(argument.dropFirst(2))) else {
                throw .invalid("unknown argument \(argument)")
            }
            guard index + 1 < arguments.count else { throw .invalid("\(argument) needs a value") }
            values[String(argument.dropFirst(2))] = arguments[index + 1]
            index += 2
        }
        if let host = values["host"] { self.host = host }
        if let port = values["port"] {
            guard let number = Int(port), (0...65535).contains(number) else { throw .invalid("port \(port) is not 0–65535") }
            self.port = number
        }
        if let model = values["model"] { modelPath = model }
        if let ratings = values["ratings"] { ratingsPath = ratings }
        if let movies = values["movies"] { moviesPath = movies }
        if let rows = values["rows-per-chunk"] {
            guard let number = Int(rows), number >= 1 else { throw .invalid("rows-per-chunk \(rows) is not a positive integer") }
            rowsPerChunk = number
        }
        if let size = values["batch-size"] {
            guard let number = Int(size), number >= 1 else { throw .invalid("batch-size \(size) is not a positive integer") }
            batchSize = number
        }
        if let scans = values["scans"] {
            guard let number = Int(scans), number >= 1 else { throw .invalid("scans \(scans) is not a positive integer") }
            self.scans = number
        }
    }

    private static let keys = ["host", "port", "model", "ratings", "movies", "rows-per-chunk", "batch-size", "scans"]
}

/// Why the service did not start.
enum ConfigurationError: Error, CustomStringConvertible {
    case help
    case invalid(String)

    var description: String {
        switch self {
        case .help: return ServiceConfiguration.usage
        case .invalid(let message): return message + "\n" + ServiceConfiguration.usage
        }
    }
}
