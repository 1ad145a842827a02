import Factorization
import Fusion
import LinearAlgebra
import Ranking

/// How much each side-information block contributes: the metrics of the full joint model
/// and of refits with each block removed in turn, on warm and on cold-start items.
public struct ModalityReport: Sendable {
    /// The evaluation of one fit.
    public struct Entry: Sendable {
        /// The block left out (`"user:<name>"` or `"item:<name>"`), or `nil` for the full model.
        public var removedBlock: String?
        /// Metrics over warm test items (see `Ranker.evaluate(test:k:includingPerUser:blockSize:)`).
        public var warm: RankingMetrics
        /// Metrics over cold test items, when the test set has any.
        public var cold: RankingMetrics?
    }

    /// The full model.
    public var full: Entry
    /// One refit per block, in the order user blocks then item blocks.
    public var ablations: [Entry]
}

extension JointFactorization {
    /// Fits the full model and one model per block with that block removed, evaluates each
    /// on `test` at cut-off `k`, and reports the metrics side by side (the change a block
    /// makes is the full model's metric minus the ablation's).
    ///
    /// Cold test items are placed from the remaining blocks, so removing the only
    /// informative item block shows up in the cold metrics.
    ///
    /// - Parameters:
    ///   - training: the training interactions.
    ///   - test: the test interactions.
    ///   - k: the cut-off K of the metrics.
    ///   - userBlocks: side information about users.
    ///   - itemBlocks: side information about items; cold test items are placed from them.
    ///   - additionalItems: the catalogue beyond the training items (for example every id
    ///     of an item attribute table).
    ///   - scalarType: the scalar of the fitted models, `Float` or `Double`.
    /// - Throws: ``EvaluationError/fusion(_:)`` with the errors of
    ///   `fit(_:userBlocks:itemBlocks:as:progress:)`, ``EvaluationError/ranking(_:)`` with
    ///   those of evaluation.
    /// - Complexity: 1 + (number of blocks) fits and evaluations.
    public func modalityReport<Scalar: BLASScalar, UserID, ItemID>(
        training: Interactions<UserID, ItemID>, test: Interactions<UserID, ItemID>, k: Int,
        userBlocks: [SideInformationBlock<UserID, Scalar>] = [],
        itemBlocks: [SideInformationBlock<ItemID, Scalar>] = [],
        additionalItems: [ItemID] = [], as scalarType: Scalar.Type = Scalar.self
    ) throws(EvaluationError) -> ModalityReport {
        func evaluate(
            _ users: [SideInformationBlock<UserID, Scalar>], _ items: [SideInformationBlock<ItemID, Scalar>],
            removed: String?
        ) throws(EvaluationError) -> ModalityReport.Entry {
            let model: JointFactorizationModel<Scalar, UserID, ItemID>
            do { model = try fit(training, userBlocks: users, itemBlocks: items, as: scalarType) } catch { throw .fusion(error) }
            let ranker = try model.ranker(training: training, additionalItems: additionalItems, itemBlocks: items)
            do {
                let report = try ranker.evaluate(test: test, k: k)
                return .init(removedBlock: removed, warm: report.metrics, cold: report.coldItems)
            } catch {
                throw .ranking(error)
            }
        }
        let full = try evaluate(userBlocks, itemBlocks, removed: nil)
        var ablations: [ModalityReport.Entry] = []
        for index in userBlocks.indices {
            var remaining = userBlocks
            let removed = remaining.remove(at: index)
            ablations.append(try evaluate(remaining, itemBlocks, removed: "user:" + removed.name))
        }
        for index in itemBlocks.indices {
            var remaining = itemBlocks
            let removed = remaining.remove(at: index)
            ablations.append(try evaluate(userBlocks, remaining, removed: "item:" + removed.name))
        }
        return ModalityReport(full: full, ablations: ablations)
    }
}
