import Factorization
import LinearAlgebra

/// A model with given factors and biases, for tests.
public struct FixedModel<Scalar: BLASScalar>: FactorModel {
    public var userIDs: IDMap<Int>
    public var itemIDs: IDMap<Int>
    public var userFactors: Matrix<Scalar>
    public var itemFactors: Matrix<Scalar>
    public var globalBias: Scalar = 0
    public var userBiases: [Scalar]?
    public var itemBiases: [Scalar]?
    public var predictsValues = false

    public init(
        userIDs: IDMap<Int>, itemIDs: IDMap<Int>, userFactors: Matrix<Scalar>, itemFactors: Matrix<Scalar>,
        globalBias: Scalar = 0, userBiases: [Scalar]? = nil, itemBiases: [Scalar]? = nil, predictsValues: Bool = false
    ) {
        self.userIDs = userIDs
        self.itemIDs = itemIDs
        self.userFactors = userFactors
        self.itemFactors = itemFactors
        self.globalBias = globalBias
        self.userBiases = userBiases
        self.itemBiases = itemBiases
        self.predictsValues = predictsValues
    }

    /// Small-integer factors (exact arithmetic in Float and Double, many ties), user ids
    /// `0..<users` in a shuffled order and item ids `10·j + 7` in a shuffled order.
    public static func random(users: Int, items: Int, factors: Int, biases: Bool, seed: UInt64) -> FixedModel {
        var generator = SplitMix64(seed: seed)
        func integer() -> Scalar { Scalar(Int(generator.next(upperBound: UInt64(7))) - 3) }
        let userIDs = IDMap(Array(0..<users).shuffled(using: &generator))
        let itemIDs = IDMap(Array(0..<items).map { 10 * $0 + 7 }.shuffled(using: &generator))
        var model = FixedModel(
            userIDs: userIDs, itemIDs: itemIDs,
            userFactors: Matrix(rowCount: users, columnCount: factors) { _, _ in integer() },
            itemFactors: Matrix(rowCount: items, columnCount: factors) { _, _ in integer() })
        if biases {
            model.globalBias = 2
            model.userBiases = (0..<users).map { _ in integer() }
            model.itemBiases = (0..<items).map { _ in integer() }
        }
        return model
    }
}

extension FixedModel {
    /// Standard normal factors, user ids `0..<users` and item ids `0..<items` in order: scores
    /// with no ties, rounded as BLAS rounds them.
    public static func gaussian(users: Int, items: Int, factors: Int, seed: UInt64) -> FixedModel {
        var generator = SplitMix64(seed: seed)
        return FixedModel(
            userIDs: IDMap(Array(0..<users)), itemIDs: IDMap(Array(0..<items)),
            userFactors: .randomNormal(rowCount: users, columnCount: factors, using: &generator),
            itemFactors: .randomNormal(rowCount: items, columnCount: factors, using: &generator))
    }
}

/// Random training interactions over a model's ids: each user gets `perUser` distinct items.
public func randomTraining<Scalar>(
    for model: FixedModel<Scalar>, perUser: Int, seed: UInt64
) throws -> Interactions<Int, Int> {
    var generator = SplitMix64(seed: seed)
    var records: [Interactions<Int, Int>.Record] = []
    for user in model.userIDs.ids {
        for item in model.itemIDs.ids.shuffled(using: &generator).prefix(perUser) {
            records.append(.init(user: user, item: item, value: 1))
        }
    }
    return try Interactions(records, userIDs: model.userIDs, itemIDs: model.itemIDs)
}

/// The reference ranking: every eligible item scored one by one, then a full stable sort
/// by descending score and ascending item id.
public func referenceRanking<Scalar>(
    _ model: FixedModel<Scalar>, user: Int, excluding: Set<Int>, candidates: Set<Int>? = nil, count: Int
) -> [Int] {
    let u = model.userIDs.index(of: user)!
    let scored = model.itemIDs.ids.enumerated()
        .filter { !excluding.contains($0.element) && (candidates?.contains($0.element) ?? true) }
        .map { (id: $0.element, score: model.score(userIndex: u, itemIndex: $0.offset)) }
    return scored.sorted { ($0.score > $1.score) || ($0.score == $1.score && $0.id < $1.id) }.prefix(count).map(\.id)
}
