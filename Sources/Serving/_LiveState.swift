import Factorization
import Fusion
import LinearAlgebra

/// One recorded interaction of a user's history, by live item index.
struct _HistoryEntry: Sendable, Hashable {
    var item: Int32
    var value: Double
}

/// What a live model serves that no write changes: the fold-in rule, the biases' layout,
/// and the fitted joint model whose pipelines place new rows (shared, never copied).
final class _ServedModel<Scalar: BLASScalar, UserID: Hashable & Sendable, ItemID: Hashable & Sendable>: Sendable {
    let rule: FoldInRule
    let solver: ImplicitSolver
    let factorCount: Int
    let globalBias: Scalar
    let hasUserBiases: Bool
    let predictsValues: Bool
    let joint: JointFactorizationModel<Scalar, UserID, ItemID>?

    init(rule: FoldInRule, solver: ImplicitSolver, factorCount: Int, globalBias: Scalar, hasUserBiases: Bool,
         predictsValues: Bool, joint: JointFactorizationModel<Scalar, UserID, ItemID>?) {
        self.rule = rule
        self.solver = solver
        self.factorCount = factorCount
        self.globalBias = globalBias
        self.hasUserBiases = hasUserBiases
        self.predictsValues = predictsValues
        self.joint = joint
    }
}

/// G = VᵀV + λI over the current item factors, for the implicit re-fold (k×k, row-major).
final class _Gram<Scalar: BLASScalar>: Sendable {
    let values: [Scalar]
    init(_ values: [Scalar]) { self.values = values }
}

/// The storage of one version of a live model. Every field is persistent: a write
/// copies a chunk, a bucket or the k×k Gram, and shares the rest with the version before.
struct _LiveState<Scalar: BLASScalar, UserID: Hashable & Sendable, ItemID: Hashable & Sendable>: Sendable {
    var served: _ServedModel<Scalar, UserID, ItemID>
    var users: _IDIndex<UserID>
    var items: _IDIndex<ItemID>
    /// `[uᵤ, μ + bᵤ, 1]` per user.
    var userRows: _ChunkedRows<Scalar>
    /// `[vᵢ, 1, cᵢ]` per item.
    var itemRows: _ChunkedRows<Scalar>
    /// The loaded model's item rows in descending order of ‖vᵢ‖, for top-K scans that stop
    /// early (``LiveModel/Configuration/prunesScans``); items added since are not in it.
    let itemOrder: _NormOrderedRows<Scalar>?
    /// Each user's interactions, in the order recorded (training first).
    var histories: _ChunkedRows<[_HistoryEntry]>
    /// VᵀV + λI for an implicit rule, `nil` for an explicit one.
    var gram: _Gram<Scalar>?

    var factorCount: Int { served.factorCount }

    /// The state of a freshly loaded model: its factors in chunks, and each model user's
    /// training interactions (items the model does not know are left out) as history.
    init<Model: FactorModel>(
        model: Model, rule: FoldInRule, joint: JointFactorizationModel<Scalar, UserID, ItemID>?,
        training: Interactions<UserID, ItemID>?, configuration: LiveModel<Scalar, UserID, ItemID>.Configuration
    ) throws(ServingError) where Model.Scalar == Scalar, Model.UserID == UserID, Model.ItemID == ItemID {
        let m = model.userIDs.count, n = model.itemIDs.count, k = model.factorCount
        guard model.userFactors.shape == (m, k), model.itemFactors.shape == (n, k), k > 0 else {
            throw .invalidModel("user factors \(model.userFactors.shape), item factors \(model.itemFactors.shape) "
                                + "for \(m) users and \(n) items")
        }
        if let (row, column) = model.userFactors.firstNonFiniteIndex() {
            throw .invalidModel("user factor (\(row), \(column)) is not finite")
        }
        if let (row, column) = model.itemFactors.firstNonFiniteIndex() {
            throw .invalidModel("item factor (\(row), \(column)) is not finite")
        }
        let userBiases = model.userBiases, itemBiases = model.itemBiases, mu = model.globalBias
        guard userBiases.map({ $0.count == m && $0.allSatisfy(\.isFinite) }) ?? true,
              itemBiases.map({ $0.count == n && $0.allSatisfy(\.isFinite) }) ?? true, mu.isFinite
        else { throw .invalidModel("biases do not match the ids or are not finite") }
        served = _ServedModel(
            rule: rule, solver: configuration.solver, factorCount: k, globalBias: mu, hasUserBiases: userBiases != nil,
            predictsValues: model.predictsValues, joint: joint)
        users = _IDIndex(model.userIDs)
        items = _IDIndex(model.itemIDs)
        let userFactors = model.userFactors, itemFactors = model.itemFactors
        userRows = _ChunkedRows(width: k + 2, rowsPerChunk: configuration.rowsPerChunk, rowCount: m) { row, column in
            column < k ? userFactors[row, column] : column == k ? mu + (userBiases?[row] ?? 0) : 1
        }
        itemRows = _ChunkedRows(width: k + 2, rowsPerChunk: configuration.rowsPerChunk, rowCount: n) { row, column in
            column < k ? itemFactors[row, column] : column == k ? 1 : (itemBiases?[row] ?? 0)
        }
        itemOrder = configuration.prunesScans ? Self.itemOrder(itemRows: itemRows, userRows: userRows, factorCount: k) : nil
        var perUser = [[_HistoryEntry]](repeating: [], count: m)
        if let training {
            let itemIndex = training.itemIDs.ids.map { model.itemIDs.index(of: $0) }
            for t in 0..<training.userCount {
                guard let u = model.userIDs.index(of: training.userIDs.id(at: t)) else { continue }
                let range = training.byUser.entryRange(ofRow: t)
                for entry in range {
                    if let i = itemIndex[Int(training.byUser.columnIndices[entry])] {
                        perUser[u].append(_HistoryEntry(item: Int32(i), value: training.byUser.values[entry]))
                    }
                }
            }
        }
        histories = _ChunkedRows(width: 1, rowsPerChunk: configuration.rowsPerChunk, rowCount: m) { row, _ in perUser[row] }
        if case .implicit(_, let regularization, _) = rule {
            var g = itemFactors.gram()
            for a in 0..<k { g[a, a] += Scalar(regularization) }
            gram = _Gram((0..<k * k).map { g[$0 / k, $0 % k] })
        } else {
            gram = nil
        }
    }

    /// The item rows in norm order, when top-10 scans for an even sample of up to 32 users
    /// would read at most half of them (``LiveModel/Configuration/prunesScans``); `nil` where
    /// the norms are too even for the copy to pay for its memory.
    ///
    /// - Complexity: O(n log n + 32·nk) at most.
    static func itemOrder(itemRows: _ChunkedRows<Scalar>, userRows: _ChunkedRows<Scalar>, factorCount: Int)
        -> _NormOrderedRows<Scalar>? {
        let ordered = _NormOrderedRows(itemRows, normedWidth: factorCount)
        let m = userRows.rowCount, sample = min(m, 32)
        let users = (0..<sample).map { userRows.row($0 * m / sample) }
        return ordered.scansRead(atMost: 0.5, of: users, count: 10) ? ordered : nil
    }

    /// Appends `entries` to `user`'s history (adding the user when new) and re-folds the
    /// user's factors from the whole history.
    ///
    /// - Complexity: O(k² + nᵤk) per conjugate-gradient step (implicit), O(nᵤk² + k³) for
    ///   an exact solve; plus the storage cost of ``_ChunkedRows/setRow(_:to:)``.
    @_specialize(exported: false, where Scalar == Float, UserID == Int, ItemID == Int)
    @_specialize(exported: false, where Scalar == Double, UserID == Int, ItemID == Int)
    mutating func record(user: UserID, entries: [_HistoryEntry]) throws(ServingError) {
        let k = factorCount
        let u: Int
        if let known = users.index(of: user) {
            u = known
        } else {
            u = users.append(user)
            userRows.appendRow([Scalar](repeating: 0, count: k) + [served.globalBias, 1])
            histories.appendRow(CollectionOfOne([]))
        }
        let history = histories.element(u, 0) + entries
        let warm = userRows.withRow(u) { Array($0[0..<k]) }
        let (factors, bias) = try _refold(history: history, warm: warm)
        histories.setRow(u, to: CollectionOfOne(history))
        userRows.setRow(u, to: factors + [served.globalBias + (served.hasUserBiases ? bias : 0), 1])
    }

    /// Adds items with the given factors (zero bias); known ids are refused by the caller.
    /// Keeps VᵀV + λI current with one rank-one update per item.
    ///
    /// - Complexity: O(k²) per item plus the storage cost of ``_ChunkedRows/appendRow(_:)``.
    mutating func addItems(_ ids: [ItemID], factors: Matrix<Scalar>) {
        let k = factorCount
        var g = gram?.values
        for (row, id) in ids.enumerated() {
            _ = items.append(id)
            let v = factors.row(row)
            itemRows.appendRow(v + [1, 0])
            if g != nil {
                for a in 0..<k { for b in 0..<k { g![a * k + b] += v[a] * v[b] } }
            }
        }
        if let g { gram = _Gram(g) }
    }

    /// Adds users with the given factors (μ as their bias) and an empty history.
    mutating func addUsers(_ ids: [UserID], factors: Matrix<Scalar>) {
        for (row, id) in ids.enumerated() {
            _ = users.append(id)
            userRows.appendRow(factors.row(row) + [served.globalBias, 1])
            histories.appendRow(CollectionOfOne([]))
        }
    }
}
