import Foundation
import Fusion
import Hummingbird
import Ranking
import Serving

extension ServiceState {
    /// The endpoints; see Docs/Serving.md for their bodies.
    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: Page.html)))
        }
        router.get("/health") { _, _ in
            let snapshot = self.live.snapshot
            return API.Health(status: "ok", version: snapshot.version, generation: snapshot.generation,
                              users: snapshot.userCount, items: snapshot.itemCount, modelAgeSeconds: self.metrics.modelAge)
        }
        router.get("/metrics") { _, _ in
            let snapshot = self.live.snapshot
            let text = self.metrics.render(gauges: [
                ("movie_service_model_version", "Writes applied to the live model.", Double(snapshot.version)),
                ("movie_service_model_generation", "Model swaps since start.", Double(snapshot.generation)),
                ("movie_service_users", "Users with factors.", Double(snapshot.userCount)),
                ("movie_service_items", "Items with factors.", Double(snapshot.itemCount)),
                ("movie_service_journal_entries", "Writes a swap would replay.", Double(self.live.journalCount)),
            ])
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/api/users/:user/recommendations") { request, context in
            let user = try context.parameters.require("user", as: Int.self)
            // Parsed once: `URI.queryParameters` parses the query string at every call.
            let parameters = request.uri.queryParameters
            let count = try Self.count(parameters.get("count"))
            let filter = RankingFilter(excluded: Set(try Self.ids(parameters.get("exclude"), "exclude") ?? []),
                                       candidates: try Self.ids(parameters.get("allow"), "allow").map { Set($0) })
            do {
                let answer = try await self.batcher.recommend(RecommendationQuery(user: user, count: count, filter: filter))
                return API.Recommendations(user: user, version: answer.version, items: self.movies(answer.items)).response()
            } catch let error as ServingError {
                throw Self.httpError(error)
            }
        }
        router.get("/api/items/:item/similar") { request, context in
            let item = try context.parameters.require("item", as: Int.self)
            let count = try Self.count(request.uri.queryParameters.get("count"))
            let snapshot = self.live.snapshot
            do {
                let ranked = try snapshot.similarItems(to: item, count: count)
                return API.Similar(item: item, version: snapshot.version, items: self.movies(ranked))
            } catch let error as ServingError {
                throw Self.httpError(error)
            }
        }
        router.post("/api/interactions") { request, context in
            let body = try await Self.decode(API.RecordRequest.self, request, context, direct: API.RecordRequest.init(directlyFrom:))
            guard !body.interactions.isEmpty, body.interactions.count <= 1_000 else {
                throw HTTPError(.badRequest, message: "send 1 to 1,000 interactions, got \(body.interactions.count)")
            }
            do {
                let interactions = body.interactions.map { (user: $0.user, item: $0.item, value: $0.value ?? 1) }
                let version = try await withTaskExecutorPreference(self.writeExecutor) { try self.live.record(interactions) }
                return API.RecordResponse(version: version, recorded: body.interactions.count).response()
            } catch let error as ServingError {
                throw Self.httpError(error)
            }
        }
        router.post("/api/items") { request, context in
            let movie = try await Self.decode(API.NewMovie.self, request, context)
            let title = movie.title.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !title.isEmpty, title.count <= 200, movie.genres.count <= 20,
                  movie.genres.allSatisfy({ !$0.contains("|") && $0.count <= 40 })
            else {
                throw HTTPError(.badRequest, message: "a movie needs a title (≤ 200 characters) and at most 20 genres without '|'")
            }
            if let year = movie.year, !(1800...2200).contains(year) {
                throw HTTPError(.badRequest, message: "year \(year) is outside 1800–2200")
            }
            let id = movie.id ?? self.nextMovieID.withLock { next in
                defer { next += 1 }
                return next
            }
            let table: AttributeTable<Int>
            do {
                table = try AttributeTable(
                    columnNames: ["movieId", "title", "year", "genres"],
                    rows: [[String(id), title, movie.year.map(String.init) ?? "", movie.genres.joined(separator: "|")]])
            } catch {
                throw HTTPError(.badRequest, message: "\(error)")
            }
            let added: [Int]
            do {
                added = try await self.live.addItems(table)
            } catch let error as ServingError {
                throw Self.httpError(error)
            }
            guard added == [id] else {
                throw HTTPError(.conflict, message: "movie \(id) already exists, or has none of the attributes the model reads")
            }
            self.catalogue.withLock { $0.add(id, .init(title: title, year: movie.year, genres: movie.genres)) }
            let snapshot = self.live.snapshot
            do {
                let audience = try snapshot.audience(of: id, count: 10).map { API.RankedUser(id: $0.id, score: $0.score) }
                let similar = self.movies(try snapshot.similarItems(to: id, count: 10))
                return API.AddedMovie(id: id, version: snapshot.version, audience: audience, similar: similar)
            } catch let error as ServingError {
                throw Self.httpError(error)
            }
        }
        router.post("/api/admin/reload") { request, context in
            let body = try await Self.decode(API.ReloadRequest.self, request, context)
            let policy: LiveModel<Float, Int, Int>.SwapPolicy
            switch body.policy ?? "replay" {
            case "replay": policy = .replay
            case "drop": policy = .drop
            case let other: throw HTTPError(.badRequest, message: "policy \(other): use replay or drop")
            }
            do {
                let path = body.path ?? self.configuration.modelPath
                let report = try await withTaskExecutorPreference(self.swapExecutor) {
                    try await self.live.reloadModel(contentsOfFile: path, policy: policy)
                }
                // The old version's storage is freed when the last request reading it ends;
                // then give back the pages glibc would otherwise keep for reuse.
                Task(executorPreference: self.swapExecutor) {
                    try? await Task.sleep(for: .milliseconds(200))
                    ThreadExecutor.releaseFreeMemory()
                }
                self.metrics.modelLoaded()
                return API.ReloadResponse(
                    version: report.version, generation: report.generation, replayedUsers: report.replayedUsers,
                    replayedPlacements: report.replayedPlacements, droppedInteractions: report.droppedInteractions,
                    failures: report.failures)
            } catch let error as ServingError {
                throw Self.httpError(error)
            }
        }
    }

    /// The `count` query parameter's value: 1 to 1,000, default 10.
    static func count(_ text: String?) throws -> Int {
        guard let text else { return 10 }
        guard let count = Int(text), (1...1_000).contains(count) else {
            throw HTTPError(.badRequest, message: "count \(text) is not an integer from 1 to 1,000")
        }
        return count
    }

    /// The value of `name`, a comma-separated id list query parameter, if present.
    static func ids(_ text: String?, _ name: String) throws -> [Int]? {
        guard let text, !text.isEmpty else { return nil }
        return try text.split(separator: ",").map { part in
            guard let id = Int(part) else { throw HTTPError(.badRequest, message: "\(name): \(part) is not an id") }
            return id
        }
    }

    /// A JSON body, or 400 with the decoder's reason; `direct` may read the body's bytes
    /// first, `JSONDecoder` decoding whatever it declines.
    static func decode<T: Decodable>(
        _ type: T.Type, _ request: Request, _ context: BasicRequestContext,
        direct: (UnsafeRawBufferPointer) -> T? = { _ in nil }
    ) async throws -> T {
        do {
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            if let value = body.withUnsafeReadableBytes(direct) { return value }
            return try JSONDecoder().decode(type, from: Data(body.readableBytesView))
        } catch let error as DecodingError {
            throw HTTPError(.badRequest, message: "invalid JSON body: \(error)")
        } catch let error as HTTPError {
            throw error
        } catch {
            throw HTTPError(.badRequest, message: "invalid body: \(error)")
        }
    }
}
