import Foundation
import FusionRec
import Testing

// Each region between "BEGIN <file>" and "END <file>" is the first Swift example of that
// guide or DocC catalog, without its import lines; Scripts/check-docs.sh fails when the
// two differ. Examples that read files of their own (ratings.csv) or write into the
// current directory are compiled but not run.

@Suite("Guide examples")
struct GuideExamplesTests {
    @Test("Docs/LinearAlgebra.md: Gram matrix, SPD solve, sparse × dense")
    func linearAlgebraGuide() throws {
        // BEGIN Docs/LinearAlgebra.md
        var generator = SplitMix64(seed: 7)
        let v = Matrix<Float>.randomNormal(rowCount: 10_000, columnCount: 64, using: &generator)
        var gram = v.gram()                        // VᵀV, 64×64, one syrk
        for i in 0..<64 { gram[i, i] += 0.05 }     // + λI
        let rhs = Matrix<Float>(rowCount: 64, columnCount: 1, repeating: 1)
        let x = try gram.solvedSymmetricPositiveDefinite(rhs)

        let r = try SparseMatrix<Float>(rowCount: 3, columnCount: 10_000, triplets: [
            .init(row: 0, column: 17, value: 1), .init(row: 2, column: 9_999, value: 4),
        ])
        let scores = r.multiplied(by: v)           // 3×64, row-parallel
        // END Docs/LinearAlgebra.md
        let residual = gram.multiplied(by: x) - rhs
        #expect(residual.frobeniusNorm < 1e-3)
        #expect(scores.rowCount == 3 && scores.columnCount == 64)
        #expect(scores.row(1).allSatisfy { $0 == 0 })
        #expect(scores.row(2) == v.row(9_999).map { 4 * $0 })
    }

    @Test("LinearAlgebra.docc: Gram matrix and SPD solve")
    func linearAlgebraCatalog() throws {
        // BEGIN Sources/LinearAlgebra/LinearAlgebra.docc/LinearAlgebra.md
        var generator = SplitMix64(seed: 42)
        let a = Matrix<Float>.randomNormal(rowCount: 1_000, columnCount: 64, using: &generator)
        let gram = a.gram()                                   // AᵀA through syrk
        let x = try gram.solvedSymmetricPositiveDefinite(Matrix(rowCount: 64, columnCount: 1, repeating: 1))
        // END Sources/LinearAlgebra/LinearAlgebra.docc/LinearAlgebra.md
        #expect((gram.multiplied(by: x) - Matrix(rowCount: 64, columnCount: 1, repeating: 1)).frobeniusNorm < 1e-3)
    }

    /// Docs/Ranking.md, compiled only: it writes train.csv and test.csv into the current directory.
    func rankingGuide() throws {
        // BEGIN Docs/Ranking.md
        let train = try Interactions<Int, Int>(csvPath: "Data/ml-latest-small/splits/ml-small_u8020_train.csv")
        let test = try Interactions<Int, Int>(csvPath: "Data/ml-latest-small/splits/ml-small_u8020_test.csv")

        let model = Popularity<Double, Int, Int>(fitting: train)        // any FactorModel
        let ranker = try Ranker(model: model, training: train)

        let top10 = try ranker.recommend(user: 42, count: 10)           // [RankedItem<Int>], best first
        let batch = try ranker.recommend(users: [1, 2, 3], count: 10)   // blocked gemm, parallel
        let report = try ranker.evaluate(test: test, k: 10)
        print(report.metrics.ndcg)                                       // 0.178719 (to 6 decimals)

        var generator = SplitMix64(seed: 42)
        let split = try Split.randomHoldout(of: train, testFraction: 0.2, using: &generator)
        try split.write(trainPath: "train.csv", testPath: "test.csv")
        // END Docs/Ranking.md
        _ = (top10, batch)
    }

    /// Docs/Factorization.md, compiled only: it reads ratings.csv from the current directory.
    func factorizationGuide() throws {
        // BEGIN Docs/Factorization.md
        let train = try Interactions<String, String>(csvPath: "ratings.csv")
        var configuration = ImplicitAlternatingLeastSquares.Configuration(factorCount: 64, values: .binary)
        configuration.solver = .conjugateGradient(steps: 3)
        let model = try ImplicitAlternatingLeastSquares(configuration).fit(train, as: Float.self) { progress in
            print(progress.iteration, progress.loss, progress.elapsed)
        }
        // END Docs/Factorization.md
        _ = model
    }

    /// Docs/Fusion.md, compiled only: a full fit on the bundled data is too slow for a debug test run.
    func fusionGuide() async throws {
        // BEGIN Docs/Fusion.md
        let train = try Interactions<String, String>(csvPath: "Data/ml-latest-small/splits/ml-small_coldi10_train.csv")
        let movies = try AttributeTable<String>(csvPath: "Data/ml-latest-small/movies.csv")
        let ids = movies.ids
        let titles = movies.column(named: "title")!, genres = movies.column(named: "genres")!
        let years = movies.column(named: "year")!.map { Double($0) }

        let blocks: [SideInformationBlock<String, Float>] = [
            try await .encoding(name: "title", ids: ids, inputs: titles,
                                using: try HashingTextEncoder(fittingOn: titles, dimension: 256)),
            try await .encoding(name: "genres", ids: ids, inputs: genres,
                                using: CategoricalEncoder(fittingOn: genres, ignoring: ["(no genres listed)"]), weight: 0.3),
            // One column per release year: recent movies draw far fewer ratings, which decades hide.
            try await .encoding(name: "year", ids: ids, inputs: years,
                                using: try NumericEncoder(fittingOn: years.compactMap { $0 }, representation: .buckets(width: 1))),
        ]
        let model = try JointFactorization(.init(feedback: .implicit(.init(alpha: 5)), factorCount: 64))
            .fit(train, itemBlocks: blocks)
        // Every movie of the table is rankable: the ones without interactions are placed from their blocks.
        let ranker = try model.ranker(training: train, additionalItems: ids, itemBlocks: blocks)
        let top = try ranker.recommend(user: "1", count: 10)
        // END Docs/Fusion.md
        _ = top
    }

    /// Factorization.docc, compiled only: it reads ratings.csv from the current directory.
    func factorizationCatalog() throws {
        // BEGIN Sources/Factorization/Factorization.docc/Factorization.md
        let train = try Interactions<String, String>(csvPath: "ratings.csv")
        let model = try ImplicitAlternatingLeastSquares(.init(factorCount: 64))
            .fit(train, as: Float.self) { progress in print(progress.iteration, progress.loss) }
        let newUser = try model.userFactors(foldingIn: [(item: "1", value: 1), (item: "50", value: 1)])
        // END Sources/Factorization/Factorization.docc/Factorization.md
        _ = newUser
    }

    @Test("Ranking.docc: recommend, similar items, evaluate with cold items")
    func rankingCatalog() throws {
        var records: [Interactions<String, String>.Record] = []
        for user in 40...45 {
            for item in 1...8 where (user + item) % 3 != 0 { records.append(.init(user: "\(user)", item: "\(item)", value: 1)) }
        }
        let train = try Interactions(records)
        let test = try Interactions([Interactions<String, String>.Record(user: "42", item: "9", value: 1)])
        let report = try rankingCatalogExample(
            model: Popularity<Double, String, String>(fitting: train), train: train, test: test,
            movieIDs: (1...9).map(String.init))
        #expect(report.coldItems?.usersEvaluated == 1)
        #expect(report.metrics.usersEvaluated == 0)
    }

    func rankingCatalogExample(
        model: Popularity<Double, String, String>, train: Interactions<String, String>,
        test: Interactions<String, String>, movieIDs: [String]
    ) throws -> EvaluationReport<String> {
        // BEGIN Sources/Ranking/Ranking.docc/Ranking.md
        let ranker = try Ranker(model: model, training: train, additionalItems: movieIDs)
        let top10 = try ranker.recommend(user: "42", count: 10)
        let similar = try ranker.similarItems(to: "1", count: 5)
        let report = try ranker.evaluate(test: test, k: 10)
        print(report.metrics.ndcg, report.coldItems?.ndcg ?? 0)
        // END Sources/Ranking/Ranking.docc/Ranking.md
        _ = (top10, similar)
        return report
    }

    @Test("Fusion.docc: blocks, joint fit, ranker, cold start")
    func fusionCatalog() async throws {
        // 150 users and 140 movies (the default k = 128 needs at least 128 of each) in two
        // taste groups that follow the genres; movies 141 and 142 have no interactions.
        var records: [Interactions<String, String>.Record] = []
        for user in 1...150 {
            for item in 1...140 where item % 2 == user % 2 && (user * 7 + item * 3) % 5 < 2 {
                records.append(.init(user: "\(user)", item: "\(item)", value: 1))
            }
        }
        let train = try Interactions(records)
        let movieIDs = (1...142).map(String.init)
        let genreLists = movieIDs.map { Int($0)! % 2 == 0 ? "Drama|Romance" : "Action|Sci-Fi" }
        let titles = try SideInformationBlock<String, Float>(
            name: "title", ids: movieIDs, features: Matrix(rowCount: 142, columnCount: 3) { row, column in
                Float((row + column) % 3)
            })
        let newMovieBlocks = [try await SideInformationBlock<String, Float>.encoding(
            name: "genres", ids: ["new"], inputs: ["Action|Sci-Fi"], using: CategoricalEncoder(fittingOn: genreLists))]
        let newMovie = try await fusionCatalogExample(
            train: train, movieIDs: movieIDs, genreLists: genreLists, titles: titles, newMovieBlocks: newMovieBlocks)
        #expect(newMovie.rowCount == 1 && newMovie.columnCount == 128)
        #expect(newMovie.firstNonFiniteIndex() == nil && newMovie.frobeniusNorm > 0)
    }

    func fusionCatalogExample(
        train: Interactions<String, String>, movieIDs: [String], genreLists: [String],
        titles: SideInformationBlock<String, Float>, newMovieBlocks: [SideInformationBlock<String, Float>]
    ) async throws -> Matrix<Float> {
        // BEGIN Sources/Fusion/Fusion.docc/Fusion.md
        let genres = try await SideInformationBlock<String, Float>.encoding(
            name: "genres", ids: movieIDs, inputs: genreLists, using: CategoricalEncoder(fittingOn: genreLists))
        let model = try JointFactorization().fit(train, itemBlocks: [titles, genres], as: Float.self)
        let ranker = try model.ranker(training: train, additionalItems: movieIDs, itemBlocks: [titles, genres])
        let newMovie = try model.itemFactors(for: ["new"], from: newMovieBlocks)
        // END Sources/Fusion/Fusion.docc/Fusion.md
        _ = ranker
        return newMovie
    }

    /// Serving.docc, compiled only: it reads ratings.csv and model.frm from the current directory.
    func servingCatalog() async throws {
        // BEGIN Sources/Serving/Serving.docc/Serving.md
        let train = try Interactions<Int, Int>(csvPath: "ratings.csv")
        let live = try LiveModel(model: try JointFactorizationModel<Float, Int, Int>(contentsOfFile: "model.frm"),
                                 training: train)
        let snapshot = live.snapshot                                   // one version per request
        let top10 = try snapshot.recommend(user: 1, count: 10)         // seen items left out
        let similar = try snapshot.similarItems(to: 318, count: 10)
        try live.record([(user: 1, item: 318, value: 1)])              // re-folds user 1; the next read sees it
        let movie = try AttributeTable<Int>(columnNames: ["movieId", "title", "year", "genres"],
                                            rows: [["200001", "Galaxy Toys", "2026", "Animation|Sci-Fi"]])
        try await live.addItems(movie)                                 // placed through the model's pipeline
        try await live.reloadModel(contentsOfFile: "model.frm")        // hot swap; recorded writes replayed
        // END Sources/Serving/Serving.docc/Serving.md
        _ = (top10, similar)
    }

    /// Docs/Serving.md, compiled only: it reads model.frm and ratings.csv from the current directory.
    func servingGuide() async throws {
        // BEGIN Docs/Serving.md
        // What the host keeps for its lifetime: one live model.
        let live = try LiveModel(model: try JointFactorizationModel<Float, Int, Int>(contentsOfFile: "model.frm"),
                                 training: try Interactions<Int, Int>(csvPath: "ratings.csv"))

        // A request handler (a Hummingbird or Vapor route, a gRPC method): one snapshot per request.
        @Sendable func recommendations(for user: Int, excluding: Set<Int>) throws(ServingError) -> [RankedItem<Int>] {
            try live.snapshot.recommend(user: user, count: 10, filter: RankingFilter(excluded: excluding))
        }

        // A queue worker: feedback events become writes, a batch at a time.
        let (events, continuation) = AsyncStream.makeStream(of: (user: Int, item: Int, value: Double).self)
        let worker = Task {
            var batch: [(user: Int, item: Int, value: Double)] = []
            for await event in events {
                batch.append(event)
                if batch.count == 100 {
                    try live.record(batch)
                    batch.removeAll()
                }
            }
            if !batch.isEmpty { try live.record(batch) }
        }
        continuation.yield((user: 1, item: 318, value: 1))
        continuation.finish()
        try await worker.value
        let top = try recommendations(for: 1, excluding: [])
        // END Docs/Serving.md
        _ = top
    }
}
