import Fusion

/// Titles, years and genres of the movies (MovieLens `movies.csv`: movieId,title,year,genres),
/// to show rankings to a person, plus the movies added while the service runs.
struct MovieCatalogue: Sendable {
    struct Movie: Sendable, Codable {
        var title: String
        var year: Int?
        var genres: [String]
    }

    private(set) var movies: [Int: Movie] = [:]

    init() {}

    init(csvPath path: String) throws {
        let table = try AttributeTable<Int>(csvPath: path)
        let titles = table.column(named: "title") ?? []
        let years = table.column(named: "year") ?? []
        let genres = table.column(named: "genres") ?? []
        for (row, id) in table.ids.enumerated() {
            movies[id] = Movie(
                title: row < titles.count ? titles[row] : "",
                year: row < years.count ? Int(years[row]) : nil,
                genres: row < genres.count ? genres[row].split(separator: "|").map(String.init) : [])
        }
    }

    subscript(id: Int) -> Movie? { movies[id] }

    mutating func add(_ id: Int, _ movie: Movie) { movies[id] = movie }

    /// The largest movie id, for numbering added movies.
    var largestID: Int { movies.keys.max() ?? 0 }
}
