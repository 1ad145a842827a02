import LinearAlgebra

/// Growing a model uses the verbs of every FusionRec model: `foldingIn…` computes new
/// rows from interactions (by the model's ``MatrixFactorizationModel/foldInRule``),
/// `adding…` takes them as given. (Fusion's joint model adds `placing…`: from side
/// information.)
extension MatrixFactorizationModel {
    /// Factors (and a bias, for models with biases) for a user with the given
    /// interactions, computed with the item factors fixed by the model's ``foldInRule`` —
    /// exactly the row update of the alternating least squares half-step, so folding in
    /// a user of a converged ALS model reproduces the user's trained factors.
    ///
    /// Repeated items are summed. The user need not be known to the model.
    /// - Throws: ``FactorizationError/unknownID(kind:id:)`` for an item the model does not
    ///   know, ``FactorizationError/nonFiniteValue(record:user:item:value:)`` for a NaN or
    ///   infinite value (`user` is empty), and ``FactorizationError/inconsistentData(_:)``
    ///   for a negative value under an implicit rule with raw values.
    /// - Complexity: O(nk² + k³) for n items with an implicit rule (it forms VᵀV);
    ///   O(nk² + k³) with an explicit rule.
    public func userFactors(
        foldingIn interactions: some Sequence<(item: ItemID, value: Double)>
    ) throws(FactorizationError) -> (factors: [Scalar], bias: Scalar?) {
        let rows = try _foldInRows(
            [interactions.map { (id: $0.item, value: $0.value) }], ids: itemIDs, kind: "item", binary: foldInRule._binary)
        let (factors, biases) = try Self._foldIn(
            rows, fixed: itemFactors, fixedBiases: itemBiases, columnCount: itemIDs.count, globalBias: globalBias,
            rule: foldInRule, hasBiases: userBiases != nil)
        return (factors.row(0), biases?[0])
    }

    /// Factors (and a bias, for models with biases) for an item with the given
    /// interactions, computed with the user factors fixed; see ``userFactors(foldingIn:)``.
    ///
    /// - Throws: as ``userFactors(foldingIn:)``, with unknown users.
    public func itemFactors(
        foldingIn interactions: some Sequence<(user: UserID, value: Double)>
    ) throws(FactorizationError) -> (factors: [Scalar], bias: Scalar?) {
        let rows = try _foldInRows(
            [interactions.map { (id: $0.user, value: $0.value) }], ids: userIDs, kind: "user",
            binary: foldInRule._binary)
        let (factors, biases) = try Self._foldIn(
            rows, fixed: userFactors, fixedBiases: userBiases, columnCount: userIDs.count, globalBias: globalBias,
            rule: foldInRule, hasBiases: itemBiases != nil)
        return (factors.row(0), biases?[0])
    }

    /// A model with the given users folded in: each user's row is computed as in
    /// ``userFactors(foldingIn:)`` and replaces the user's row when the model knows the
    /// user, or is appended (with a new index) when it does not. Items are unchanged.
    ///
    /// - Throws: as ``userFactors(foldingIn:)``.
    /// - Complexity: O(|Ω_new|k² + (n + users)k³), forming VᵀV once for all users.
    public func foldingInUsers(
        _ users: [(id: UserID, interactions: [(item: ItemID, value: Double)])]
    ) throws(FactorizationError) -> MatrixFactorizationModel {
        let rows = try _foldInRows(
            users.map { $0.interactions.map { (id: $0.item, value: $0.value) } }, ids: itemIDs, kind: "item",
            binary: foldInRule._binary)
        let (factors, biases) = try Self._foldIn(
            rows, fixed: itemFactors, fixedBiases: itemBiases, columnCount: itemIDs.count, globalBias: globalBias,
            rule: foldInRule, hasBiases: userBiases != nil)
        return grownUsers(users.map(\.id), factors, biases)
    }

    /// A model with the given items folded in (replaced when known, appended when new),
    /// with the user factors fixed; see ``foldingInUsers(_:)``.
    ///
    /// - Throws: as ``itemFactors(foldingIn:)``.
    public func foldingInItems(
        _ items: [(id: ItemID, interactions: [(user: UserID, value: Double)])]
    ) throws(FactorizationError) -> MatrixFactorizationModel {
        let rows = try _foldInRows(
            items.map { $0.interactions.map { (id: $0.user, value: $0.value) } }, ids: userIDs, kind: "user",
            binary: foldInRule._binary)
        let (factors, biases) = try Self._foldIn(
            rows, fixed: userFactors, fixedBiases: userBiases, columnCount: userIDs.count, globalBias: globalBias,
            rule: foldInRule, hasBiases: itemBiases != nil)
        return grownItems(items.map(\.id), factors, biases)
    }


    /// A model in which `ids` have the given factors (and biases, for a model with biases;
    /// 0 when `nil`): known users' rows are replaced, new users appended.
    ///
    /// - Throws: ``FactorizationError/inconsistentData(_:)`` when `factors` is not
    ///   `ids.count × k`, `biases` not `ids.count` long, or either holds NaN or infinity.
    public func addingUsers(
        _ ids: [UserID], factors: Matrix<Scalar>, biases: [Scalar]? = nil
    ) throws(FactorizationError) -> MatrixFactorizationModel {
        try Self.validate(factors, biases, count: ids.count, k: factorCount)
        return grownUsers(ids, factors, biases)
    }

    /// A model in which `ids` have the given factors (and biases); see ``addingUsers(_:factors:biases:)``.
    public func addingItems(
        _ ids: [ItemID], factors: Matrix<Scalar>, biases: [Scalar]? = nil
    ) throws(FactorizationError) -> MatrixFactorizationModel {
        try Self.validate(factors, biases, count: ids.count, k: factorCount)
        return grownItems(ids, factors, biases)
    }

    /// This model with the rows of `ids` set to `factors` and `biases` (checked by the caller).
    private func grownUsers(_ ids: [UserID], _ factors: Matrix<Scalar>, _ biases: [Scalar]?) -> MatrixFactorizationModel {
        let grown = _grown(ids: userIDs, factors: userFactors, biases: userBiases, newIDs: ids, newFactors: factors,
                           newBiases: biases)
        return MatrixFactorizationModel(
            userIDs: grown.ids, itemIDs: itemIDs, userFactors: grown.factors, itemFactors: itemFactors,
            globalBias: globalBias, userBiases: grown.biases, itemBiases: itemBiases,
            predictsValues: predictsValues, foldInRule: foldInRule)
    }

    /// This model with the rows of `ids` set to `factors` and `biases` (checked by the caller).
    private func grownItems(_ ids: [ItemID], _ factors: Matrix<Scalar>, _ biases: [Scalar]?) -> MatrixFactorizationModel {
        let grown = _grown(ids: itemIDs, factors: itemFactors, biases: itemBiases, newIDs: ids, newFactors: factors,
                           newBiases: biases)
        return MatrixFactorizationModel(
            userIDs: userIDs, itemIDs: grown.ids, userFactors: userFactors, itemFactors: grown.factors,
            globalBias: globalBias, userBiases: userBiases, itemBiases: grown.biases,
            predictsValues: predictsValues, foldInRule: foldInRule)
    }

    private static func validate(_ factors: Matrix<Scalar>, _ biases: [Scalar]?, count: Int, k: Int) throws(FactorizationError) {
        switch _GrowthProblem(factors, biases, count: count, k: k) {
        case .shape(let what, let reason): throw .inconsistentData("\(what): \(reason)")
        case .nonFinite(let what, let row, let column):
            throw .inconsistentData("\(what): row \(row), column \(column) is NaN or infinite")
        case nil: return
        }
    }

    /// Solves the fold-in rows against `fixed` by the model's rule.
    private static func _foldIn(
        _ rows: [[(index: Int, value: Double)]], fixed: Matrix<Scalar>, fixedBiases: [Scalar]?, columnCount: Int,
        globalBias: Scalar, rule: FoldInRule, hasBiases: Bool
    ) throws(FactorizationError) -> (Matrix<Scalar>, [Scalar]?) {
        var offsets = [0], columns: [Int32] = [], values: [Scalar] = []
        for row in rows {
            for entry in row {
                columns.append(Int32(entry.index))
                values.append(Scalar(entry.value))
            }
            offsets.append(columns.count)
        }
        let data = _CompressedRows<Scalar>(
            rowCount: rows.count, columnCount: columnCount, offsets: offsets, columns: columns, values: values)
        let k = fixed.columnCount
        do {
            switch rule {
            case let .implicit(alpha, regularization, binary):
                if !binary, let negative = values.firstIndex(where: { $0 < 0 }) {
                    throw FactorizationError.inconsistentData(
                        "fold-in value \(values[negative]) is negative; implicit-feedback values must not be")
                }
                var solved = Matrix<Scalar>(rowCount: rows.count, columnCount: k)
                try _implicitHalfStep(data, fixed: fixed, solving: &solved, alpha: Scalar(alpha),
                                      regularization: Scalar(regularization), solver: .cholesky)
                return (solved, hasBiases ? [Scalar](repeating: 0, count: rows.count) : nil)
            case let .explicit(regularization, biasRegularization, weighted):
                let augmented = fixed.appendingColumn(fixedBiases)
                var solved = Matrix<Scalar>(rowCount: rows.count, columnCount: k + 1)
                try _explicitHalfStep(data, fixed: augmented, solving: &solved, globalBias: globalBias,
                                      regularization: Scalar(regularization),
                                      biasRegularization: Scalar(biasRegularization), weighted: weighted)
                let bias = solved.column(k)
                return (solved.droppingLastColumn(), hasBiases ? bias : nil)
            }
        } catch let error as FactorizationError {
            throw error
        } catch let error as LinearAlgebraError {
            throw .linearAlgebra(error)
        } catch {
            throw .inconsistentData("\(error)")
        }
    }
}

extension FoldInRule {
    var _binary: Bool {
        if case .implicit(_, _, let binary) = self { return binary }
        return false
    }
}

/// Maps each new row's (id, value) pairs — ids of the other side: items for a new user,
/// users for a new item — to sorted, summed (index, value) pairs, for every fold-in (the
/// factorization models here, the joint models of Fusion).
///
/// - Throws: ``FactorizationError/nonFiniteValue(record:user:item:value:)`` and
///   ``FactorizationError/unknownID(kind:id:)``; `kind` names what the ids are.
package func _foldInRows<ID>(
    _ rows: [[(id: ID, value: Double)]], ids: IDMap<ID>, kind: String, binary: Bool
) throws(FactorizationError) -> [[(index: Int, value: Double)]] {
    var result: [[(index: Int, value: Double)]] = []
    for row in rows {
        var summed: [Int: Double] = [:]
        for (position, entry) in row.enumerated() {
            guard entry.value.isFinite else {
                throw .nonFiniteValue(
                    record: position, user: kind == "item" ? "" : "\(entry.id)",
                    item: kind == "item" ? "\(entry.id)" : "", value: entry.value)
            }
            guard let index = ids.index(of: entry.id) else { throw .unknownID(kind: kind, id: "\(entry.id)") }
            summed[index, default: 0] += entry.value
        }
        let sorted = summed.sorted { $0.key < $1.key }.map { (index: $0.key, value: binary ? 1 : $0.value) }
        result.append(sorted)
    }
    return result
}
