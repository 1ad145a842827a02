import Factorization
import Fusion
import LinearAlgebra
import Ranking

extension JointFactorizationModel {
    /// A ranker over the training items plus `additionalItems`, in which every additional
    /// item the model has no factors for is placed from its side information first (cold
    /// start through `JointFactorizationModel.itemFactors(for:from:foldingIn:)`).
    ///
    /// Items covered by no block keep no factors and score zero, as the ranker does for
    /// any item without factors.
    /// - Throws: ``EvaluationError/fusion(_:)`` with the errors of
    ///   `JointFactorizationModel.placingItems(_:from:)`, ``EvaluationError/ranking(_:)``
    ///   with those of `Ranker.init`.
    public func ranker(
        training: Interactions<UserID, ItemID>, additionalItems: [ItemID] = [],
        itemBlocks: [SideInformationBlock<ItemID, Scalar>] = []
    ) throws(EvaluationError) -> Ranker<Scalar, UserID, ItemID> {
        var model = self
        let coveredByBlocks = Set(itemBlocks.flatMap(\.ids.ids))
        let cold = additionalItems.filter { itemIDs.index(of: $0) == nil && coveredByBlocks.contains($0) }
        if !cold.isEmpty {
            do { model = try placingItems(cold, from: itemBlocks) } catch { throw .fusion(error) }
        }
        do {
            return try Ranker(model: model, training: training, additionalItems: additionalItems)
        } catch {
            throw .ranking(error)
        }
    }
}
