/// Maximal marginal relevance (Carbonell and Goldstein 1998): re-orders a ranking so that
/// each next item trades its relevance against its similarity to the items already chosen.
///
/// The relevances are rescaled to [0, 1] (min–max over the input; all 1 when they are
/// equal). Then, starting from an empty selection S, the next item is the one that
/// maximises λ·rel(i) − (1 − λ)·max_{j∈S} sim(i, j) (the maximum is 0 while S is empty);
/// ties go to the item that came first in the input. λ = 1 keeps the input order; λ = 0
/// picks by diversity alone after the first.
///
/// [Carbonell 1998]: https://doi.org/10.1145/290941.291025
///
/// - Parameters:
///   - relevance: one relevance per input item, in input order.
///   - count: the number of items to choose (at most `relevance.count`).
///   - lambda: the trade-off λ in [0, 1].
///   - similarity: the similarity of input items `i` and `j` (by input position).
/// - Returns: input positions in the new order.
/// - Throws: ``RankingError/invalidArgument(_:)`` unless `0 ≤ λ ≤ 1` and `count ≥ 0`, as
///   ``Ranker/diversified(_:count:lambda:)`` does.
/// - Complexity: O(count · n) similarity evaluations.
public func maximalMarginalRelevance(
    relevance: [Double], count: Int, lambda: Double, similarity: (Int, Int) -> Double
) throws(RankingError) -> [Int] {
    guard lambda >= 0, lambda <= 1 else { throw .invalidArgument("MMR trade-off λ must lie in 0...1, got \(lambda)") }
    guard count >= 0 else { throw .invalidArgument("MMR count must be non-negative, got \(count)") }
    let n = relevance.count
    guard n > 0 else { return [] }
    let low = relevance.min()!, high = relevance.max()!
    let scaled = relevance.map { high > low ? ($0 - low) / (high - low) : 1 }
    var maxSimilarity = [Double](repeating: -.infinity, count: n)
    var chosen = [Bool](repeating: false, count: n)
    var result: [Int] = []
    result.reserveCapacity(min(count, n))
    while result.count < min(count, n) {
        var best = -1, bestValue = -Double.infinity
        for i in 0..<n where !chosen[i] {
            let penalty = result.isEmpty ? 0 : maxSimilarity[i]
            let value = lambda * scaled[i] - (1 - lambda) * penalty
            if best < 0 || value > bestValue {
                best = i
                bestValue = value
            }
        }
        chosen[best] = true
        result.append(best)
        for i in 0..<n where !chosen[i] { maxSimilarity[i] = max(maxSimilarity[i], similarity(i, best)) }
    }
    return result
}
