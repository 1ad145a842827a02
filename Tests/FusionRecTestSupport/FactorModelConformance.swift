import Factorization
import LinearAlgebra
import Ranking
import Testing

/// The checks every `FactorModel` must pass to be ranked: consistent shapes, finite
/// values, and a `Ranker` whose scores and top-K agree with the model's own
/// `score(userIndex:itemIndex:)`. Run it on every model type (with a relative tolerance
/// for rounding between gemm and a plain dot product).
public func checkFactorModelConformance<Model: FactorModel>(
    _ model: Model, training: Interactions<Model.UserID, Model.ItemID>, count: Int = 5,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let m = model.userIDs.count, n = model.itemIDs.count, k = model.factorCount
    #expect(model.userFactors.rowCount == m && model.userFactors.columnCount == k, sourceLocation: sourceLocation)
    #expect(model.itemFactors.rowCount == n, sourceLocation: sourceLocation)
    #expect(model.userBiases.map { $0.count == m } ?? true, sourceLocation: sourceLocation)
    #expect(model.itemBiases.map { $0.count == n } ?? true, sourceLocation: sourceLocation)
    #expect(model.userFactors.firstNonFiniteIndex() == nil && model.itemFactors.firstNonFiniteIndex() == nil,
            sourceLocation: sourceLocation)

    let ranker = try Ranker(model: model, training: training)
    let scale = 1e-4 * Double(k + 3)
    for user in model.userIDs.ids.prefix(10) {
        let u = model.userIDs.index(of: user)!
        var scores: [Model.ItemID: Double] = [:]
        for (i, item) in model.itemIDs.ids.enumerated() {
            let expected = Double(model.score(userIndex: u, itemIndex: i))
            scores[item] = expected
            let got = try ranker.score(user: user, item: item)
            #expect(abs(got - expected) <= scale * max(1, abs(expected)), sourceLocation: sourceLocation)
        }
        let trained = Set(training.userIDs.index(of: user).map {
            training.items(ofUser: $0).map { training.itemIDs.id(at: Int($0)) }
        } ?? [])
        let ranking = try ranker.recommend(user: user, count: count)
        let eligible = model.itemIDs.ids.filter { !trained.contains($0) }
        #expect(ranking.count == min(count, eligible.count), sourceLocation: sourceLocation)
        #expect(Set(ranking.map(\.id)).isDisjoint(with: trained), sourceLocation: sourceLocation)
        for (a, b) in zip(ranking, ranking.dropFirst()) {
            #expect(a.score >= b.score, sourceLocation: sourceLocation)
        }
        guard let last = ranking.last else { continue }
        let returned = Set(ranking.map(\.id))
        for item in eligible where !returned.contains(item) {
            #expect(scores[item]! <= last.score + scale * max(1, abs(last.score)), sourceLocation: sourceLocation)
        }
    }
}
