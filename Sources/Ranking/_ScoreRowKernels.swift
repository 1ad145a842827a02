/// The per-row kernels of ranking and evaluation: top-K selection and AUC over one score
/// row. They run once per score, so they must be specialised: the generic entry points
/// dispatch to concrete `Float` and `Double` instances, because generic code called
/// across modules would otherwise go through witness tables for every comparison.

/// The best `count` positions of `scores`, best first (ties: the lower position),
/// skipping the positions in the ascending lists `first` and `second`.
///
/// - Complexity: O(n log K) worst case, O(n) typically.
func _selectTopK<Scalar: BinaryFloatingPoint>(
    _ count: Int, from scores: UnsafeBufferPointer<Scalar>, skipping first: [Int], _ second: [Int]
) -> [(position: Int, score: Scalar)] {
    if Scalar.self == Float.self {
        return _selectTopKFloat(count, scores._rebound(to: Float.self), first, second).map { ($0.position, Scalar($0.score)) }
    }
    if Scalar.self == Double.self {
        return _selectTopKDouble(count, scores._rebound(to: Double.self), first, second).map { ($0.position, Scalar($0.score)) }
    }
    return _selectTopKGeneric(count, scores, first, second)
}

func _selectTopKFloat(
    _ count: Int, _ scores: UnsafeBufferPointer<Float>, _ first: [Int], _ second: [Int]
) -> [(position: Int, score: Float)] {
    _selectTopKGeneric(count, scores, first, second)
}

func _selectTopKDouble(
    _ count: Int, _ scores: UnsafeBufferPointer<Double>, _ first: [Int], _ second: [Int]
) -> [(position: Int, score: Double)] {
    _selectTopKGeneric(count, scores, first, second)
}

@inline(__always)
func _selectTopKGeneric<Scalar: BinaryFloatingPoint>(
    _ count: Int, _ scores: UnsafeBufferPointer<Scalar>, _ first: [Int], _ second: [Int]
) -> [(position: Int, score: Scalar)] {
    var selection = _TopKSelection<Scalar>(capacity: count)
    guard count > 0 else { return [] }
    var a = 0, b = 0
    // Once K entries are kept, a score must beat the worst kept one strictly: positions
    // come in ascending order, so an equal score loses the tie.
    var full = false, threshold = Scalar.zero
    for position in 0..<scores.count {
        let score = scores[position]
        if full && !(score > threshold) { continue }
        if a < first.count && first[a] <= position {
            while a < first.count && first[a] < position { a += 1 }
            if a < first.count && first[a] == position { continue }
        }
        if b < second.count && second[b] <= position {
            while b < second.count && second[b] < position { b += 1 }
            if b < second.count && second[b] == position { continue }
        }
        selection.offer(position: position, score: score)
        if let worst = selection.worstKeptScore {
            full = true
            threshold = worst
        }
    }
    return selection.sorted()
}

extension UnsafeBufferPointer {
    /// The same memory viewed as `T`, for a caller that has checked `Element == T`.
    func _rebound<T>(to: T.Type) -> UnsafeBufferPointer<T> {
        UnsafeBufferPointer<T>(start: UnsafeRawPointer(baseAddress)?.assumingMemoryBound(to: T.self), count: count)
    }
}

/// The AUC of one score row: positives at the ascending `positives` positions, negatives
/// every other position outside the ascending `excluded` ones; ties count ½. `nil` when
/// either set is empty.
///
/// - Complexity: O(n log |P|), sorting only the positives' scores.
func _areaUnderCurve<Scalar: BinaryFloatingPoint>(
    _ scores: UnsafeBufferPointer<Scalar>, positives: [Int], excluded: [Int]
) -> Double? {
    if Scalar.self == Float.self { return _areaUnderCurveFloat(scores._rebound(to: Float.self), positives, excluded) }
    if Scalar.self == Double.self { return _areaUnderCurveDouble(scores._rebound(to: Double.self), positives, excluded) }
    return _areaUnderCurveGeneric(scores, positives, excluded)
}

func _areaUnderCurveFloat(_ scores: UnsafeBufferPointer<Float>, _ positives: [Int], _ excluded: [Int]) -> Double? {
    _areaUnderCurveGeneric(scores, positives, excluded)
}

func _areaUnderCurveDouble(_ scores: UnsafeBufferPointer<Double>, _ positives: [Int], _ excluded: [Int]) -> Double? {
    _areaUnderCurveGeneric(scores, positives, excluded)
}

@inline(__always)
func _areaUnderCurveGeneric<Scalar: BinaryFloatingPoint>(
    _ scores: UnsafeBufferPointer<Scalar>, _ positives: [Int], _ excluded: [Int]
) -> Double? {
    let positiveScores = positives.map { scores[$0] }.sorted()
    guard !positiveScores.isEmpty else { return nil }
    var wins = 0.0, negatives = 0
    var a = 0, b = 0
    for position in 0..<scores.count {
        while a < excluded.count && excluded[a] < position { a += 1 }
        while b < positives.count && positives[b] < position { b += 1 }
        if a < excluded.count && excluded[a] == position { continue }
        if b < positives.count && positives[b] == position { continue }
        let score = scores[position]
        let notAbove = positiveScores.partitioningIndex { $0 > score }
        let below = positiveScores.partitioningIndex { $0 >= score }
        wins += Double(positiveScores.count - notAbove) + 0.5 * Double(notAbove - below)
        negatives += 1
    }
    guard negatives > 0 else { return nil }
    return wins / (Double(positiveScores.count) * Double(negatives))
}
