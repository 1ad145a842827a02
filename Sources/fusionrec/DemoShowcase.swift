import Foundation
import FusionRec

/// The second half of `fusionrec demo`: the fused model of the warm split at work —
/// recommendations with titles, similar movies, and a brand-new movie placed from its title
/// and genres alone.
struct DemoShowcase {
    let ranker: Ranker<Double, String, String>
    let model: JointFactorizationModel<Double, String, String>
    let training: Interactions<String, String>
    let sideInformation: SideInformationOptions

    /// Prints the three sections.
    func show(table: AttributeTable<String>, newTitle: String, newGenres: String) async throws {
        let titles = table.column(named: "title") ?? []
        let years = table.column(named: "year") ?? []
        let genres = table.column(named: "genres") ?? []
        func label(_ id: String) -> String {
            guard let row = table.rowIndex(of: id) else { return "movie \(id)" }
            let title = row < titles.count && !titles[row].isEmpty ? titles[row] : "movie \(id)"
            return row < years.count && !years[row].isEmpty ? "\(title) (\(years[row]))" : title
        }
        func genreSet(_ id: String) -> Set<Substring> {
            guard let row = table.rowIndex(of: id), row < genres.count else { return [] }
            return Set(genres[row].split(separator: "|"))
        }

        var ratingsByUser: [String: [(item: String, value: Double)]] = [:]
        for record in training.records { ratingsByUser[record.user, default: []].append((record.item, record.value)) }

        print("")
        print("Recommendations of the fused model (u8020 training data; training movies left out)")
        for user in ranker.users.ids.prefix(3) {
            let favourites = (ratingsByUser[user] ?? []).sorted { ($0.value, $1.item) > ($1.value, $0.item) }.prefix(3)
            print("  user \(user), who rated \(ratingsByUser[user]?.count ?? 0) movies, highest: "
                  + favourites.map { "\(label($0.item)) \(formatRating($0.value))" }.joined(separator: "; "))
            for (rank, entry) in try ranker.recommend(user: user, count: 5).enumerated() {
                print("    \(rank + 1). \(label(entry.id))  [\(String(format: "%.3f", entry.score))]")
            }
        }

        let anchor = ranker.catalogue.contains("1") ? "1" : ranker.catalogue.id(at: 0)
        let minimumRatings = 20
        let established = Set((0..<training.itemCount).filter { training.users(ofItem: $0).count >= minimumRatings }
            .map { training.itemIDs.id(at: $0) })
        print("")
        print("Movies most similar to \(label(anchor)) (cosine of item factors, among the \(established.count) movies "
              + "with at least \(minimumRatings) training ratings)")
        let similar = try ranker.similarItems(to: anchor, count: 5, filter: RankingFilter(candidates: established))
        for (rank, entry) in similar.enumerated() {
            print("  \(rank + 1). \(label(entry.id))  [\(String(format: "%.3f", entry.score))]")
        }

        var newID = "new-movie"
        while table.contains(newID) || ranker.catalogue.contains(newID) { newID += "'" }
        // The new movie as one more row of the table, placed through the model's own
        // pipeline: the catalogue is not encoded again.
        let row = table.columnNames.map { column in
            column == table.idColumn ? newID : column == "title" ? newTitle : column == "genres" ? newGenres : ""
        }
        let newMovie = try AttributeTable<String>(columnNames: table.columnNames, rows: [row], idColumn: table.idColumn)
        let placed = try await model.placingItems(newMovie, encoders: sideInformation.encoders(),
                                                  cache: TextEncoderCache.shared.vectors)
        let extended = try Ranker(model: placed, training: training, additionalItems: table.ids + [newID])
        let wanted = Set(newGenres.split(separator: "|"))
        print("")
        print("A new movie, \"\(newTitle)\" (\(newGenres)), placed from its title and genres alone")
        print("  closest movies:")
        for (rank, entry) in try extended.similarItems(to: newID, count: 5).enumerated() {
            print("    \(rank + 1). \(label(entry.id))  [\(String(format: "%.3f", entry.score))]")
        }
        print("  users it would be recommended to first (movies they rated with any of its genres):")
        for (rank, entry) in try extended.audience(of: newID, count: 5).enumerated() {
            let rated = ratingsByUser[entry.id] ?? []
            let matching = rated.filter { !genreSet($0.item).isDisjoint(with: wanted) }.count
            print("    \(rank + 1). user \(entry.id)  [\(String(format: "%.3f", entry.score))]  "
                  + "\(matching) of \(rated.count) rated movies share a genre")
        }
    }

    private func formatRating(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))★" : String(format: "%.1f★", value)
    }
}
