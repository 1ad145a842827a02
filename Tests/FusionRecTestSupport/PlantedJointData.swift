import Factorization
import Fusion
import LinearAlgebra

/// Seeded synthetic data with planted shared factors: item factors are a linear map of
/// the item features (V* = Y·B*), user factors are Gaussian, and each user interacts with
/// the warm items it scores highest. The last `coldCount` items have no interactions.
public struct PlantedJointData: Sendable {
    public let interactions: Interactions<Int, Int>
    public let features: SideInformationBlock<Int, Double>
    public let plantedUsers: Matrix<Double>
    public let plantedItems: Matrix<Double>
    public let coldItems: [Int]

    public init(users m: Int = 240, items n: Int = 300, features e: Int = 16, factors k: Int = 6, coldCount: Int = 60,
         positivesPerUser: Int = 30, seed: UInt64 = 11) throws {
        var generator = SplitMix64(seed: seed)
        let y = Matrix<Double>.randomNormal(rowCount: n, columnCount: e, using: &generator)
        let map = Matrix<Double>.randomNormal(rowCount: e, columnCount: k, using: &generator)
        plantedItems = y.multiplied(by: map)
        plantedUsers = Matrix<Double>.randomNormal(rowCount: m, columnCount: k, using: &generator)
        let scores = plantedUsers.multiplied(by: plantedItems, transposingOther: true)
        let warm = n - coldCount
        var records: [Interactions<Int, Int>.Record] = []
        for u in 0..<m {
            let ranked = (0..<warm).sorted { scores[u, $0] > scores[u, $1] }
            for i in ranked.prefix(positivesPerUser) { records.append(.init(user: u, item: i, value: 1)) }
        }
        interactions = try Interactions(records)
        features = try SideInformationBlock(name: "features", ids: Array(0..<n), features: y)
        coldItems = Array(warm..<n)
    }

    /// The Pearson correlation between the scores of every planted user on the cold items
    /// from a model's user factors and `coldFactors` (rows in ``coldItems`` order), and the
    /// planted scores.
    public func coldScoreCorrelation(userIDs: IDMap<Int>, userFactors: Matrix<Double>, coldFactors: Matrix<Double>) -> Double {
        var predicted: [Double] = [], planted: [Double] = []
        for user in 0..<plantedUsers.rowCount {
            let u = userIDs.index(of: user)!
            for (row, item) in coldItems.enumerated() {
                predicted.append(zip(userFactors.row(u), coldFactors.row(row)).reduce(0) { $0 + $1.0 * $1.1 })
                planted.append(zip(plantedUsers.row(user), plantedItems.row(item)).reduce(0) { $0 + $1.0 * $1.1 })
            }
        }
        return correlation(predicted, planted)
    }
}

/// Pearson correlation of two equally long sequences.
public func correlation(_ x: [Double], _ y: [Double]) -> Double {
    let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for (a, b) in zip(x, y) {
        sxy += (a - mx) * (b - my)
        sxx += (a - mx) * (a - mx)
        syy += (b - my) * (b - my)
    }
    return sxy / (sxx * syy).squareRoot()
}
