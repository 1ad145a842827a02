import Factorization
import LinearAlgebra

/// Ranks the items of a catalogue for users of a `FactorModel`: top-K recommendations
/// (one user or a batch), similar items and users, and evaluation.
///
/// The ranker copies the model's factors once, in catalogue order (ascending id, see
/// ``catalogueOrder(of:)``), with the biases folded into two extra columns, so a score is
/// one dot product and ties are broken by position. The catalogue is every item of the
/// model and of the training interactions, plus any additional items (for example the
/// rows of an item attribute table). Catalogue items the model has no factors for score
/// μ + bᵤ, as if their factors and bias were zero.
///
/// ```swift
/// let model = Popularity<Double, Int, Int>(fitting: train)
/// let ranker = try Ranker(model: model, training: train)
/// let top10 = try ranker.recommend(user: 42, count: 10)
/// ```
public struct Ranker<Scalar: BLASScalar, UserID: Hashable & Sendable, ItemID: Hashable & Sendable>: Sendable {
    /// The users, in catalogue order (ascending id).
    public let users: IDMap<UserID>
    /// The catalogue, in catalogue order (ascending id).
    public let catalogue: IDMap<ItemID>
    /// Whether the model's scores estimate interaction values (see `FactorModel.predictsValues`).
    public let predictsValues: Bool

    /// User rows `[uᵤ, μ + bᵤ, 1]`, in user order.
    let userVectors: Matrix<Scalar>
    /// Item rows `[vᵢ, 1, cᵢ]`, in catalogue order; zero factors and bias for unknown items.
    let itemVectors: Matrix<Scalar>
    /// Raw factors, for cosine similarity.
    let userFactors: Matrix<Scalar>
    let itemFactors: Matrix<Scalar>
    /// Whether each catalogue item has at least one training interaction (or, without
    /// training data, is known to the model).
    let hasTrainingInteractions: [Bool]
    /// Per user (ranker order), the catalogue indices of the training items, ascending.
    let trainingOffsets: [Int]
    let trainingItems: [Int32]

    /// Prepares a model for ranking.
    ///
    /// - Parameters:
    ///   - model: the trained model.
    ///   - training: the interactions the model was trained on; their items are excluded
    ///     from a user's recommendations by default and define which items are warm.
    ///   - additionalItems: more catalogue items, such as the ids of an item attribute table.
    /// - Throws: ``RankingError/invalidModel(_:)`` when the factor shapes, the bias
    ///   lengths and the id maps disagree, or a factor or bias is NaN or infinite.
    /// - Complexity: O((m + n)·k + nnz + n log n).
    public init<Model: FactorModel>(
        model: Model, training: Interactions<UserID, ItemID>? = nil, additionalItems: [ItemID] = []
    ) throws(RankingError) where Model.Scalar == Scalar, Model.UserID == UserID, Model.ItemID == ItemID {
        let m = model.userIDs.count, n = model.itemIDs.count, k = model.itemFactors.columnCount
        guard model.userFactors.rowCount == m, model.itemFactors.rowCount == n, model.userFactors.columnCount == k
        else {
            throw .invalidModel(
                "user factors \(model.userFactors.rowCount)×\(model.userFactors.columnCount) for \(m) users, "
                    + "item factors \(model.itemFactors.rowCount)×\(k) for \(n) items")
        }
        if let biases = model.userBiases, biases.count != m {
            throw .invalidModel("\(biases.count) user biases for \(m) users")
        }
        if let biases = model.itemBiases, biases.count != n {
            throw .invalidModel("\(biases.count) item biases for \(n) items")
        }
        if let (row, column) = model.userFactors.firstNonFiniteIndex() {
            throw .invalidModel("user factor (\(row), \(column)) is not finite")
        }
        if let (row, column) = model.itemFactors.firstNonFiniteIndex() {
            throw .invalidModel("item factor (\(row), \(column)) is not finite")
        }
        let userBiases = model.userBiases ?? [Scalar](repeating: 0, count: m)
        let itemBiases = model.itemBiases ?? [Scalar](repeating: 0, count: n)
        guard model.globalBias.isFinite, userBiases.allSatisfy(\.isFinite), itemBiases.allSatisfy(\.isFinite) else {
            throw .invalidModel("a bias is not finite")
        }

        var allItems = model.itemIDs
        if let training { allItems.append(contentsOf: training.itemIDs.ids) }
        allItems.append(contentsOf: additionalItems)
        let itemOrder = catalogueOrder(of: allItems.ids)
        let catalogue = IDMap(itemOrder.map { allItems.ids[$0] })
        let userOrder = catalogueOrder(of: model.userIDs.ids)
        let users = IDMap(userOrder.map { model.userIDs.ids[$0] })

        let width = k + 2
        var userVectors = Matrix<Scalar>(rowCount: m, columnCount: width)
        var userFactors = Matrix<Scalar>(rowCount: m, columnCount: k)
        _copyRows(of: model.userFactors, in: userOrder, into: &userFactors, and: &userVectors) { source in
            (model.globalBias + userBiases[source], 1)
        }
        let itemCount = catalogue.count
        var itemVectors = Matrix<Scalar>(rowCount: itemCount, columnCount: width)
        var itemFactors = Matrix<Scalar>(rowCount: itemCount, columnCount: k)
        _copyRows(of: model.itemFactors, in: itemOrder, into: &itemFactors, and: &itemVectors) { source in
            source < n ? (1, itemBiases[source]) : (1, 0)
        }

        var warm = [Bool](repeating: false, count: itemCount)
        var offsets = [Int](repeating: 0, count: m + 1)
        var items: [Int32] = []
        if let training {
            items.reserveCapacity(training.count)
            let catalogueIndexOfTrainingItem = training.itemIDs.ids.map { catalogue.index(of: $0)! }
            for i in 0..<training.itemCount where training.byItem.nonZeroCount(inRow: i) > 0 {
                warm[catalogueIndexOfTrainingItem[i]] = true
            }
            for u in 0..<m {
                if let t = training.userIDs.index(of: users.id(at: u)) {
                    let start = items.count
                    for item in training.items(ofUser: t) { items.append(Int32(catalogueIndexOfTrainingItem[Int(item)])) }
                    items[start...].sort()
                }
                offsets[u + 1] = items.count
            }
        } else {
            for id in model.itemIDs.ids { warm[catalogue.index(of: id)!] = true }
        }

        self.users = users
        self.catalogue = catalogue
        self.predictsValues = model.predictsValues
        self.userVectors = userVectors
        self.itemVectors = itemVectors
        self.userFactors = userFactors
        self.itemFactors = itemFactors
        self.hasTrainingInteractions = warm
        self.trainingOffsets = offsets
        self.trainingItems = items
    }

    /// The number of latent factors of the model.
    public var factorCount: Int { itemFactors.columnCount }

    /// The catalogue indices of user index `u`'s training items, ascending.
    func trainingItems(ofUser u: Int) -> ArraySlice<Int32> {
        trainingItems[trainingOffsets[u]..<trainingOffsets[u + 1]]
    }

    /// The model's score for a user and a catalogue item (catalogue items the model has no
    /// factors for score μ + bᵤ).
    ///
    /// - Throws: ``RankingError/unknownUser(_:)``, ``RankingError/unknownItem(_:)``.
    /// - Complexity: O(k).
    public func score(user: UserID, item: ItemID) throws(RankingError) -> Double {
        guard let u = users.index(of: user) else { throw .unknownUser("\(user)") }
        guard let i = catalogue.index(of: item) else { throw .unknownItem("\(item)") }
        return Double(score(userIndex: u, itemIndex: i))
    }

    func score(userIndex u: Int, itemIndex i: Int) -> Scalar {
        userVectors.withRow(u) { a in
            itemVectors.withRow(i) { b in
                var sum: Scalar = 0
                for j in 0..<a.count { sum += a[j] * b[j] }
                return sum
            }
        }
    }
}
