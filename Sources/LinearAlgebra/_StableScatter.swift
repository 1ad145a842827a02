/// A stable counting scatter on ``Parallel/threadCount`` threads: entries, taken in order,
/// go to the rows of `targetCount` targets, and every target row receives its entries in
/// entry order whatever the number of threads. Returns the target rows' offsets (CSR).
///
/// The entries are cut into consecutive pieces of about equal size, one per thread. Each
/// piece counts its entries per target (`count` adds one to `histogram[target]` for each
/// entry of its range); a piece's cursor for a target then starts after the earlier
/// pieces' entries of that target, and each piece writes its own entries (`write` puts an
/// entry at `cursor[target]` and advances it). So each thread reads only its own entries,
/// and no thread skips entries on a branch that depends on their target.
///
/// Fewer pieces are used when a histogram per thread would take more memory than the
/// entries' targets do (many targets, few entries).
///
/// - Complexity: O(entries + pieces × targets) time; pieces × targets integers of memory.
@usableFromInline
package func _stableScatter(
    entryCount: Int, targetCount: Int,
    count: (_ entries: Range<Int>, _ histogram: UnsafeMutableBufferPointer<Int>) -> Void,
    write: (_ entries: Range<Int>, _ cursor: UnsafeMutableBufferPointer<Int>) -> Void
) -> [Int] {
    let pieces = max(1, min(Parallel.threadCount, entryCount / max(2 * targetCount, 1)))
    func entries(_ piece: Int) -> Range<Int> { (entryCount * piece / pieces)..<(entryCount * (piece + 1) / pieces) }
    let table = UnsafeMutableBufferPointer<Int>.allocate(capacity: pieces * targetCount)
    defer { table.deallocate() }
    func row(_ piece: Int) -> UnsafeMutableBufferPointer<Int> {
        UnsafeMutableBufferPointer(rebasing: table[(piece * targetCount)..<((piece + 1) * targetCount)])
    }
    Parallel.forEachChunk(of: 0..<pieces, grainSize: 1) { range in
        let histogram = row(range.lowerBound)
        histogram.initialize(repeating: 0)
        count(entries(range.lowerBound), histogram)
    }
    // Each piece's counts become its cursors: target j's row starts at offsets[j], and a
    // piece's entries of j follow the earlier pieces'.
    var offsets = [Int](repeating: 0, count: targetCount + 1)
    for target in 0..<targetCount {
        var position = offsets[target]
        for piece in 0..<pieces {
            let entriesOfPiece = table[piece * targetCount + target]
            table[piece * targetCount + target] = position
            position += entriesOfPiece
        }
        offsets[target + 1] = position
    }
    Parallel.forEachChunk(of: 0..<pieces, grainSize: 1) { range in
        write(entries(range.lowerBound), row(range.lowerBound))
    }
    return offsets
}

/// The row of the CSR `offsets` that holds `entry` (the last row that starts at or before
/// it, so empty rows are passed over).
///
/// - Complexity: O(log rows).
@usableFromInline
package func _row(holding entry: Int, offsets: UnsafeBufferPointer<Int>) -> Int {
    var low = 0, high = offsets.count - 1
    while high - low > 1 {
        let middle = (low + high) / 2
        if offsets[middle] <= entry { low = middle } else { high = middle }
    }
    return low
}
