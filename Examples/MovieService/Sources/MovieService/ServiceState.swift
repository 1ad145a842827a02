import Factorization
import Hummingbird
import Ranking
import Serving
import Synchronization

/// What the handlers share: the live model, the titles, the metrics.
final class ServiceState: Sendable {
    let live: LiveModel<Float, Int, Int>
    /// Answers top-K requests, coalescing those that arrive while a scan runs.
    let batcher: RecommendationBatcher<Float, Int, Int>
    /// Runs model swaps off the threads that answer requests.
    let swapExecutor = ThreadExecutor(name: "model-swaps")
    /// Runs recorded interactions, one at a time, off the threads that answer reads.
    let writeExecutor = ThreadExecutor(name: "model-writes")
    let catalogue: Mutex<MovieCatalogue>
    let metrics = ServiceMetrics()
    let configuration: ServiceConfiguration
    /// The next id for a movie added without one.
    let nextMovieID: Mutex<Int>

    init(live: LiveModel<Float, Int, Int>, catalogue: MovieCatalogue, training: Interactions<Int, Int>,
         configuration: ServiceConfiguration) {
        self.live = live
        batcher = configuration.scans.map {
            RecommendationBatcher(live: live, maximumBatchSize: configuration.batchSize, maximumConcurrentScans: $0)
        } ?? RecommendationBatcher(live: live, maximumBatchSize: configuration.batchSize)
        self.catalogue = Mutex(catalogue)
        self.configuration = configuration
        let largest = max(catalogue.largestID, training.itemIDs.ids.max() ?? 0)
        nextMovieID = Mutex(largest + 1)
    }

    /// Rankings with their titles.
    func movies(_ ranked: [RankedItem<Int>]) -> [API.RankedMovie] {
        catalogue.withLock { catalogue in
            ranked.map { item in
                let movie = catalogue[item.id]
                return API.RankedMovie(id: item.id, score: item.score, title: movie?.title, year: movie?.year, genres: movie?.genres)
            }
        }
    }

    /// A library error as an HTTP error: unknown ids are 404, everything else the caller sent is 400.
    static func httpError(_ error: ServingError) -> HTTPError {
        switch error {
        case .unknownUser, .unknownItem: return HTTPError(.notFound, message: error.description)
        case .linearAlgebra: return HTTPError(.internalServerError, message: error.description)
        case .invalidModel, .modelFile: return HTTPError(.unprocessableContent, message: error.description)
        default: return HTTPError(.badRequest, message: error.description)
        }
    }
}
