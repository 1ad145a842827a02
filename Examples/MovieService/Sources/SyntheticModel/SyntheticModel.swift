import Factorization
import LinearAlgebra

/// `synthetic-model USERS ITEMS FACTORS OUTPUT.frm [RATINGS.csv]`: an implicit model of
/// N(0, 0.1²) factors (seed 7), and optionally a ratings file with 20 interactions per
/// user, so a service can be load-tested at a size MovieLens does not have.
@main
struct SyntheticModel {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count >= 5, let users = Int(arguments[1]), let items = Int(arguments[2]),
              let factors = Int(arguments[3]), users > 0, items > 0, factors > 0
        else {
            print("usage: synthetic-model USERS ITEMS FACTORS OUTPUT.frm [RATINGS.csv]")
            return
        }
        var generator = SplitMix64(seed: 7)
        var userFactors = Matrix<Float>.randomNormal(rowCount: users, columnCount: factors, using: &generator)
        var itemFactors = Matrix<Float>.randomNormal(rowCount: items, columnCount: factors, using: &generator)
        userFactors.scale(by: 0.1)
        itemFactors.scale(by: 0.1)
        let model = MatrixFactorizationModel(
            userIDs: IDMap(1...users), itemIDs: IDMap(1...items), userFactors: userFactors, itemFactors: itemFactors,
            predictsValues: false, foldInRule: .implicit(alpha: 40, regularization: 0.05, binaryValues: true))
        try model.write(toFile: arguments[4])
        if arguments.count >= 6 {
            var records: [Interactions<Int, Int>.Record] = []
            records.reserveCapacity(users * 20)
            for user in 1...users {
                for _ in 0..<20 {
                    records.append(.init(user: user, item: 1 + Int(generator.next(upperBound: UInt64(items))), value: 1))
                }
            }
            try Interactions<Int, Int>.writeCSV(records: records, path: arguments[5], header: ("userId", "movieId", "rating", "timestamp"))
        }
    }
}
