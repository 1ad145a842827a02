import Factorization
import Foundation
import Fusion
import Hummingbird
import Logging
import Serving
import Synchronization

/// The example service: a FusionRec live model behind JSON endpoints and a small page.
///
/// It loads the model file and the ratings it was trained on (each user's history),
/// serves until SIGTERM or SIGINT, and then stops accepting connections and lets the
/// requests in flight finish (Hummingbird's graceful shutdown through swift-service-lifecycle).
@main
struct MovieService {
    static func main() async {
        do {
            let configuration = try ServiceConfiguration(
                arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
            try await run(configuration)
        } catch let error as ConfigurationError {
            if case .help = error {
                print(error)
                return
            }
            FileHandle.standardError.write(Data("movie-service: \(error)\n".utf8))
            exit(2)
        } catch {
            FileHandle.standardError.write(Data("movie-service: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(_ configuration: ServiceConfiguration) async throws {
        var logger = Logger(label: "movie-service", factory: { ServiceLogHandler(label: $0) })
        logger.logLevel = .info
        let started = ContinuousClock.now
        let training = try Interactions<Int, Int>(csvPath: configuration.ratingsPath)
        let catalogue = configuration.moviesPath.isEmpty ? MovieCatalogue() : try MovieCatalogue(csvPath: configuration.moviesPath)
        let live = try ModelLoader.load(configuration.modelPath, training: training,
                                        configuration: .init(rowsPerChunk: configuration.rowsPerChunk))
        let snapshot = live.snapshot
        logger.info("""
            loaded \(configuration.modelPath): \(snapshot.userCount) users, \(snapshot.itemCount) items, \
            k = \(snapshot.factorCount), in \(ContinuousClock.now - started)
            """)
        let state = ServiceState(live: live, catalogue: catalogue, training: training, configuration: configuration)
        let router = Router()
        router.add(middleware: RequestMetricsMiddleware(metrics: state.metrics))
        state.addRoutes(to: router)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "movie-service"),
            logger: logger)
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        logger.info("stopped after \(state.metrics.modelAge) s on the last model")
    }
}
