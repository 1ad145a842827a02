import Foundation
import Testing

/// User attribute tables on the command line: cold users (a sign-up form) are placed from
/// their attributes after a fit and through a saved model's user pipeline after `--load`.
@Suite("Command line: cold users from a user table")
struct UserAttributeCommandTests {
    static let fusion = ["--model", "fusion", "--factors", "2", "--iterations", "3"]
    static let userColumns = ["--user-categorical-column", "country", "--user-text-column", "interests",
                              "--user-numeric-column", "age"]

    /// A row per training user of `seededRatings()` plus `extra` users without interactions.
    static func users(extra: [String]) -> String {
        var text = "userId,country,interests,age\n"
        for user in 1...12 { text += "u\(user),\(["FR", "JP", "BR"][user % 3]),\"films, \(user % 2 == 0 ? "drama" : "action")\",\(20 + user)\n" }
        for user in extra { text += "\(user),JP,\"action, space\",33\n" }
        return text
    }

    @Test("cold users of --user-table get recommendations, and a loaded model places them exactly as the fit did")
    func coldUsers() throws {
        let scratch = Scratch()
        scratch.write("r.csv", seededRatings())
        scratch.write("users.csv", Self.users(extra: ["n1", "n2"]))
        scratch.write("more-users.csv", Self.users(extra: ["n1", "n2", "n3"]))
        scratch.write("pick.csv", "userId\nn3\nn1\n")
        expectSuccess(try scratch.run(["recommend", "--train", "r.csv", "--user-table", "users.csv", "--save", "m.frm",
                                       "--output", "fit.csv", "--k", "5"] + Self.fusion + Self.userColumns))
        let rows = (scratch.text("fit.csv") ?? "").split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
        #expect(Set(rows.map { String($0[0]) }) == Set((1...12).map { "u\($0)" } + ["n1", "n2"]))
        #expect(rows.filter { $0[0] == "n1" }.count == 5)
        // Loaded with the same table: identical; with a bigger one: the new user is placed too.
        expectSuccess(try scratch.run(["recommend", "--train", "r.csv", "--user-table", "users.csv", "--load", "m.frm",
                                       "--output", "loaded.csv", "--k", "5", "--model", "fusion"]))
        #expect(scratch.text("loaded.csv") == scratch.text("fit.csv"))
        expectSuccess(try scratch.run(["recommend", "--train", "r.csv", "--user-table", "more-users.csv", "--load", "m.frm",
                                       "--output", "more.csv", "--k", "5", "--model", "fusion", "--users", "pick.csv"]))
        let more = (scratch.text("more.csv") ?? "").split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
        #expect(more.map { String($0[0]) } == Array(repeating: "n3", count: 5) + Array(repeating: "n1", count: 5))
        #expect(more.filter { $0[0] == "n1" }.map { $0[1] } == rows.filter { $0[0] == "n1" }.map { $0[1] })
    }

    @Test("user columns without a user table, or with a model that takes no side information, are usage errors")
    func usageErrors() throws {
        let scratch = Scratch()
        scratch.write("r.csv", seededRatings())
        scratch.write("users.csv", Self.users(extra: []))
        expectFailure(try scratch.run(["recommend", "--train", "r.csv", "--output", "o.csv", "--user-text-column", "interests"]
                                      + Self.fusion),
                      status: 64, "--user-text-column, --user-categorical-column and --user-numeric-column need --user-table")
        expectFailure(try scratch.run(["recommend", "--train", "r.csv", "--output", "o.csv", "--model", "als",
                                       "--user-table", "users.csv"]),
                      status: 64, "--user-table needs --model fusion or fusion-explicit")
        expectFailure(try scratch.run(["recommend", "--train", "r.csv", "--output", "o.csv", "--user-table", "users.csv",
                                       "--user-categorical-column", "planet"] + Self.fusion),
                      status: 1, "users.csv: column 'planet': the table has no such column")
        #expect(!scratch.exists("o.csv"))
    }
}
