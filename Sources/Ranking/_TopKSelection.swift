/// Partial selection of the K best entries of a score row, with ties broken by position
/// (the lower position wins), through a bounded heap whose root is the worst kept entry.
///
/// - Complexity: O(n log K) worst case, O(n) when most scores fall below the K-th best.
package struct _TopKSelection<Scalar: BinaryFloatingPoint> {
    private(set) var positions: [Int] = []
    private(set) var scores: [Scalar] = []
    let capacity: Int

    package init(capacity: Int) {
        self.capacity = capacity
        // K comes from callers' requests and may be far above the row length (Int.max
        // means "all"); reserving that much overflows the allocation size and corrupts
        // the heap, so reserve a bounded amount and let the arrays grow.
        let reserved = Swift.max(0, Swift.min(capacity, 1 << 12))
        positions.reserveCapacity(reserved)
        scores.reserveCapacity(reserved)
    }

    /// The score of the worst kept entry once `capacity` entries are kept, else `nil`.
    package var worstKeptScore: Scalar? { positions.count == capacity && capacity > 0 ? scores[0] : nil }

    /// Whether entry `a` ranks below entry `b`.
    @inline(__always)
    private func isWorse(_ a: Int, than b: Int) -> Bool {
        scores[a] < scores[b] || (scores[a] == scores[b] && positions[a] > positions[b])
    }

    /// Offers an entry; call with positions in ascending order for the fast path to hold.
    /// Prespecialized for the scalars, so that another module's specialized loop (the live
    /// model's scan in Serving) calls it without generic dispatch.
    @inline(__always)
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    package mutating func offer(position: Int, score: Scalar) {
        if positions.count < capacity {
            positions.append(position)
            scores.append(score)
            siftUp(positions.count - 1)
        } else if capacity > 0 && (score > scores[0] || (score == scores[0] && position < positions[0])) {
            positions[0] = position
            scores[0] = score
            siftDown(0)
        }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard isWorse(child, than: parent) else { break }
            positions.swapAt(child, parent)
            scores.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        let count = positions.count
        while true {
            let left = 2 * parent + 1, right = left + 1
            var worst = parent
            if left < count && isWorse(left, than: worst) { worst = left }
            if right < count && isWorse(right, than: worst) { worst = right }
            if worst == parent { return }
            positions.swapAt(parent, worst)
            scores.swapAt(parent, worst)
            parent = worst
        }
    }

    /// The kept entries, best first.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    package func sorted() -> [(position: Int, score: Scalar)] {
        zip(positions, scores).sorted { a, b in a.1 > b.1 || (a.1 == b.1 && a.0 < b.0) }.map { ($0.0, $0.1) }
    }
}
