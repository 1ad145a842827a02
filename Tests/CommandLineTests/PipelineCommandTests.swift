import Foundation
import Testing

/// The fitted feature pipeline travels with a saved fusion model: new items are placed
/// from a bigger table by `recommend --load` and by `place`, with the model's own state.
@Suite("Command line: placing new items through a saved model's pipeline")
struct PipelineCommandTests {
    static let fusion = ["--model", "fusion", "--factors", "2", "--iterations", "3", "--text-column", "title",
                         "--categorical-column", "genres", "--numeric-column", "year=10", "--cross-column", "genres,year=10"]

    /// `seededItems()` plus two items the fit never saw (a new word, an unseen genre and year).
    static func biggerTable() -> String {
        seededItems() + "n1,A brand new title,Comedy|Western,2031\nn2,\"Quoted, new\",Drama,\n"
    }

    /// A scratch folder with ratings, the item table, the bigger table, and a fusion model
    /// saved from them as `m.frm` (its recommendations in `fit.csv`).
    static func savedModel() throws -> Scratch {
        let scratch = Scratch()
        scratch.write("r.csv", seededRatings())
        scratch.write("items.csv", seededItems())
        scratch.write("bigger.csv", biggerTable())
        expectSuccess(try scratch.run(["recommend", "--train", "r.csv", "--items", "items.csv", "--save", "m.frm",
                                       "--output", "fit.csv", "--k", "20"] + fusion))
        return scratch
    }

    @Test("save, then recommend --load with a bigger --items ranks the new items for every user, exactly as in the fitting run")
    func recommendLoad() throws {
        let scratch = try Self.savedModel()
        // The same table loaded: identical output.
        expectSuccess(try scratch.run(["recommend", "--train", "r.csv", "--items", "items.csv", "--load", "m.frm",
                                       "--output", "loaded.csv", "--k", "20", "--model", "fusion"]))
        #expect(scratch.text("loaded.csv") == scratch.text("fit.csv"))
        // The bigger table: the two new items are placed and ranked.
        expectSuccess(try scratch.run(["recommend", "--train", "r.csv", "--items", "bigger.csv", "--load", "m.frm",
                                       "--output", "bigger-out.csv", "--k", "20", "--model", "fusion"]))
        let rows = (scratch.text("bigger-out.csv") ?? "").split(separator: "\n").dropFirst()
        let users = Set(rows.map { $0.split(separator: ",")[0] })
        #expect(users.count == 12)
        #expect(rows.contains { $0.split(separator: ",")[1] == "n1" })
        #expect(rows.contains { $0.split(separator: ",")[1] == "n2" })
    }

    @Test("place lists, for each new item, the users it reaches first and its closest catalogue items")
    func place() throws {
        let scratch = try Self.savedModel()
        let result = try scratch.run(["place", "--load", "m.frm", "--items", "bigger.csv", "--users", "3", "--similar", "2"])
        expectSuccess(result)
        let lines = result.output.split(separator: "\n")
        #expect(lines.first == "item,relation,rank,id,score")
        let body = lines.dropFirst().map { $0.split(separator: ",") }
        #expect(body.count == 2 * (3 + 2))
        #expect(Set(body.map { String($0[0]) }) == ["n1", "n2"])
        #expect(body.filter { $0[1] == "user" }.allSatisfy { $0[3].hasPrefix("u") })
        #expect(body.filter { $0[1] == "similar-item" }.allSatisfy { $0[3].hasPrefix("i") })
        #expect(result.standardError.contains("placed 2 of the 17 rows of bigger.csv"))
        // A model without a pipeline, and a table missing a column the pipeline reads, are errors.
        expectSuccess(try scratch.run(["recommend", "--train", "r.csv", "--model", "implicit-als", "--factors", "2",
                                       "--save", "plain.frm", "--output", "plain.csv"]))
        expectFailure(try scratch.run(["place", "--load", "plain.frm", "--items", "bigger.csv"]), status: 1,
                      "model file holds a matrix-factorization model, not a joint-factorization model")
        scratch.write("no-year.csv", "itemId,title,genres\nn1,New,Drama\n")
        expectFailure(try scratch.run(["place", "--load", "m.frm", "--items", "no-year.csv"]), status: 1,
                      "no-year.csv: column 'year': the table has no such column (columns: itemId, title, genres)")
    }

    @Test("import: a saved model's exported factors, imported with the same columns, rank known and new items as the saved model does")
    func importExported() throws {
        let scratch = try Self.savedModel()
        expectSuccess(try scratch.run(["export", "--model-file", "m.frm", "--output", "ex"]))
        let columns = Array(Self.fusion.dropFirst(6))
        let result = try scratch.run(["import", "--from", "ex", "--items", "items.csv", "--save", "imported.frm"] + columns)
        expectSuccess(result)
        #expect(result.standardError.contains("imported 12 users and 15 items × 2 factors"))
        for model in ["m.frm", "imported.frm"] {
            expectSuccess(try scratch.run(["recommend", "--train", "r.csv", "--items", "bigger.csv", "--load", model,
                                           "--output", model + ".csv", "--k", "20", "--model", "fusion"]))
        }
        func lists(_ file: String) -> [String] {
            (scratch.text(file) ?? "").split(separator: "\n").map { $0.split(separator: ",").prefix(3).joined(separator: ",") }
        }
        #expect(lists("m.frm.csv").count > 12)
        #expect(lists("imported.frm.csv") == lists("m.frm.csv"))
        // Missing files and missing columns are errors that name them.
        expectFailure(try scratch.run(["import", "--from", "nowhere", "--items", "items.csv", "--save", "x.frm"] + columns),
                      status: 1, "--from nowhere/user-factors.npy")
        expectFailure(try scratch.run(["import", "--from", "ex", "--items", "items.csv", "--save", "x.frm"]), status: 64,
                      "import needs item columns")
    }
}
