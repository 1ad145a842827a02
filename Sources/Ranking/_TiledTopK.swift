import LinearAlgebra

/// How batched top-K covers the queries × universe score matrix: blocks of query rows,
/// each scored against the universe one tile of positions at a time, so only a
/// `rows × columns` tile of scores exists per block and it is selected from while it
/// is still in cache.
package struct _TopKTiling: Sendable, Hashable {
    /// Query rows per block: the unit of parallel work.
    package var rows: Int
    /// Universe positions per tile: one gemm of `rows × columns` scores per (block, tile).
    package var columns: Int
    /// `false`: blocks run in parallel on `Parallel`, each gemm on one BLAS thread.
    /// `true`: blocks run one after another, each tile's gemm on BLAS's threads and the
    /// selection over the tile's rows on `Parallel`. Slower on two cores, and OpenBLAS
    /// 0.3.21's threaded gemm rounds about 1 % of the scores differently at 2 threads than
    /// at 1, so the lists can depend on the thread count; kept for benchmarks only.
    package var threadedProducts: Bool

    package init(rows: Int, columns: Int, threadedProducts: Bool = false) {
        precondition(rows > 0 && columns > 0, "Tile sizes must be positive, got \(rows) × \(columns)")
        self.rows = rows
        self.columns = columns
        self.threadedProducts = threadedProducts
    }

    /// 256 rows (or `rows`) by 1,024 positions: 256K scores per tile, 1 MB in `Float` and
    /// 2 MB in `Double`, so a tile stays in a core's L2 between the gemm that writes it and
    /// the selection that reads it. A block whose whole score rows fit in that budget — one
    /// user against up to 256K items, say — is scored in one product, as it was before tiling.
    package static func standard(universeCount: Int, rows: Int? = nil) -> _TopKTiling {
        let budget = 1 << 18
        let rows = rows ?? 256
        let columns = universeCount <= budget / rows ? max(1, universeCount) : 1024
        return _TopKTiling(rows: rows, columns: columns)
    }
}

/// The best `count` universe positions for each query row, best first (ties: the lower
/// position), leaving out each query's excluded positions and the `denied` ones; the same
/// lists as ``_selectTopK(_:from:skipping:_:)`` over each full score row.
///
/// Scores come from one gemm per tile (see ``_TopKTiling``); a row's selection keeps its
/// K-th best score as a threshold, so once K entries are kept almost every score is
/// rejected by one (vectorised) compare against it. Exclusions are checked only for the
/// scores that pass the threshold, through a cursor into each row's ascending list.
///
/// - Parameters:
///   - count: K.
///   - queries: the query vectors; `rows` selects and orders the ones to rank.
///   - universe: what is ranked; its width must equal the queries'.
///   - appendExcluded: appends the ascending universe positions to leave out for a query
///     (an index into `rows`).
///   - denied: ascending universe positions left out for every query.
/// - Complexity: O(|rows|·n·k) for the products, O(|rows|·n) compares, and heap updates
///   for the scores that beat the threshold: O(|rows|·K log(n/K)·log K) expected when
///   scores come in random order, O(|rows|·n log K) at worst; scratch memory of one tile
///   per thread.
func _tiledTopK<Scalar: BLASScalar>(
    _ count: Int, queries: Matrix<Scalar>, rows: [Int], universe: _ScoringUniverse<Scalar>,
    excluding appendExcluded: (_ query: Int, _ positions: inout [Int32]) -> Void, denied: [Int],
    tiling: _TopKTiling
) -> [[(position: Int, score: Scalar)]] {
    precondition(queries.columnCount == universe.vectors.columnCount,
                 "Query width \(queries.columnCount) differs from universe width \(universe.vectors.columnCount)")
    if Scalar.self == Float.self {
        let result = _tiledTopKFloat(
            count, unsafeBitCast(queries, to: Matrix<Float>.self), rows,
            unsafeBitCast(universe, to: _ScoringUniverse<Float>.self), appendExcluded, denied, tiling)
        return unsafeBitCast(result, to: [[(position: Int, score: Scalar)]].self)
    }
    if Scalar.self == Double.self {
        let result = _tiledTopKDouble(
            count, unsafeBitCast(queries, to: Matrix<Double>.self), rows,
            unsafeBitCast(universe, to: _ScoringUniverse<Double>.self), appendExcluded, denied, tiling)
        return unsafeBitCast(result, to: [[(position: Int, score: Scalar)]].self)
    }
    return _mapScoreRows(queries: queries, rows: rows, universe: universe, blockSize: tiling.rows) { query, scores in
        var excluded: [Int32] = []
        appendExcluded(query, &excluded)
        return _selectTopK(count, from: scores, skipping: excluded.map { Int($0) }, denied)
    }
}

func _tiledTopKFloat(
    _ count: Int, _ queries: Matrix<Float>, _ rows: [Int], _ universe: _ScoringUniverse<Float>,
    _ appendExcluded: (Int, inout [Int32]) -> Void, _ denied: [Int], _ tiling: _TopKTiling
) -> [[(position: Int, score: Float)]] {
    _tiledTopKGeneric(count, queries, rows, universe, appendExcluded, denied, tiling)
}

func _tiledTopKDouble(
    _ count: Int, _ queries: Matrix<Double>, _ rows: [Int], _ universe: _ScoringUniverse<Double>,
    _ appendExcluded: (Int, inout [Int32]) -> Void, _ denied: [Int], _ tiling: _TopKTiling
) -> [[(position: Int, score: Double)]] {
    _tiledTopKGeneric(count, queries, rows, universe, appendExcluded, denied, tiling)
}

@inline(__always)
func _tiledTopKGeneric<Scalar: BLASScalar>(
    _ count: Int, _ queries: Matrix<Scalar>, _ rows: [Int], _ universe: _ScoringUniverse<Scalar>,
    _ appendExcluded: (Int, inout [Int32]) -> Void, _ denied: [Int], _ tiling: _TopKTiling
) -> [[(position: Int, score: Scalar)]] {
    let n = universe.count
    guard count > 0, n > 0 else { return rows.map { _ in [] } }
    let columns = min(tiling.columns, n)
    return universe.vectors.withUnsafeBufferPointer { items in
        let itemBase = items.baseAddress!
        if !tiling.threadedProducts {
            return Parallel.mapChunks(of: 0..<rows.count, grainSize: tiling.rows) { chunk in
                let block = _TopKBlock<Scalar>(
                    count, queries: queries, rows: rows, chunk: chunk, tileColumns: columns, denied: denied,
                    appendExcluded)
                for start in stride(from: 0, to: n, by: columns) {
                    let width = min(columns, n - start)
                    block.score(itemBase + start * block.width, tile: width)
                    block.select(0..<chunk.count, tile: width, offset: start)
                }
                return block.results()
            }.flatMap { $0 }
        }
        var results: [[(position: Int, score: Scalar)]] = []
        results.reserveCapacity(rows.count)
        for chunkStart in stride(from: 0, to: rows.count, by: tiling.rows) {
            let chunk = chunkStart..<min(chunkStart + tiling.rows, rows.count)
            let block = _TopKBlock<Scalar>(
                count, queries: queries, rows: rows, chunk: chunk, tileColumns: columns, denied: denied,
                appendExcluded)
            let grain = max(1, (chunk.count + 7) / 8)
            for start in stride(from: 0, to: n, by: columns) {
                let width = min(columns, n - start)
                block.score(itemBase + start * block.width, tile: width)
                Parallel.forEachChunk(of: 0..<chunk.count, grainSize: grain) { part in
                    block.select(part, tile: width, offset: start)
                }
            }
            results.append(contentsOf: block.results())
        }
        return results
    }
}

/// One block of query rows: their gathered vectors, one score tile, and each row's
/// selection state. Rows are independent, so disjoint row ranges may be selected from
/// concurrently.
final class _TopKBlock<Scalar: BLASScalar> {
    let rowCount: Int
    let width: Int
    private let queries: UnsafeMutableBufferPointer<Scalar>
    private let tile: UnsafeMutableBufferPointer<Scalar>
    private let selections: UnsafeMutableBufferPointer<_TopKSelection<Scalar>>
    /// Each row's K-th best score so far, meaningful once `full` is set.
    private let thresholds: UnsafeMutableBufferPointer<Scalar>
    private let full: UnsafeMutableBufferPointer<Bool>
    /// Each row's excluded positions, ascending: `excluded[excludedOffsets[r]..<excludedOffsets[r + 1]]`.
    private let excluded: [Int32]
    private let excludedOffsets: [Int]
    private let denied: [Int]
    /// Each row's cursor into its excluded positions and into `denied`: positions arrive in
    /// ascending order, so both only move forward.
    private let excludedCursors: UnsafeMutableBufferPointer<Int>
    private let deniedCursors: UnsafeMutableBufferPointer<Int>

    init(
        _ count: Int, queries source: Matrix<Scalar>, rows: [Int], chunk: Range<Int>, tileColumns: Int,
        denied: [Int], _ appendExcluded: (Int, inout [Int32]) -> Void
    ) {
        let rowCount = chunk.count, width = source.columnCount
        let queries = UnsafeMutableBufferPointer<Scalar>.allocate(capacity: rowCount * width)
        for (offset, query) in chunk.enumerated() {
            source.withRow(rows[query]) { row in
                _ = UnsafeMutableBufferPointer(rebasing: queries[(offset * width)..<((offset + 1) * width)])
                    .initialize(fromContentsOf: row)
            }
        }
        self.rowCount = rowCount
        self.width = width
        self.queries = queries
        tile = .allocate(capacity: rowCount * tileColumns)
        selections = .allocate(capacity: rowCount)
        for r in 0..<rowCount { (selections.baseAddress! + r).initialize(to: _TopKSelection(capacity: count)) }
        thresholds = .allocate(capacity: rowCount)
        thresholds.initialize(repeating: 0)
        full = .allocate(capacity: rowCount)
        full.initialize(repeating: false)
        var excluded: [Int32] = []
        var offsets = [0]
        offsets.reserveCapacity(rowCount + 1)
        for query in chunk {
            appendExcluded(query, &excluded)
            offsets.append(excluded.count)
        }
        self.excluded = excluded
        excludedOffsets = offsets
        self.denied = denied
        excludedCursors = .allocate(capacity: rowCount)
        _ = excludedCursors.initialize(fromContentsOf: offsets.dropLast())
        deniedCursors = .allocate(capacity: rowCount)
        deniedCursors.initialize(repeating: 0)
    }

    deinit {
        queries.deallocate()
        tile.deallocate()
        selections.deinitialize().deallocate()
        thresholds.deallocate()
        full.deallocate()
        excludedCursors.deallocate()
        deniedCursors.deallocate()
    }

    /// Scores every row against the `columns` item vectors at `items` into the tile.
    func score(_ items: UnsafePointer<Scalar>, tile columns: Int) {
        Matrix<Scalar>.multiply(
            m: rowCount, n: columns, k: width, queries.baseAddress!, lda: width, items, ldb: width,
            transposingB: true, into: tile.baseAddress!, ldc: columns)
    }

    /// Offers the tile's scores of `rowRange` to their rows' selections; the tile holds
    /// universe positions `offset..<offset + columns`.
    func select(_ rowRange: Range<Int>, tile columns: Int, offset: Int) {
        let lanes = _anyAboveLanes
        for r in rowRange {
            let scores = UnsafePointer(tile.baseAddress! + r * columns)
            var j = 0
            while j < columns && !full[r] {
                offer(row: r, position: offset + j, score: scores[j])
                j += 1
            }
            var threshold = thresholds[r]
            while j + lanes <= columns {
                // One vector compare for 32 scores; they are revisited one by one only when
                // some score beats the threshold.
                let chunk = scores + j
                if _anyAbove(chunk, threshold) {
                    for lane in 0..<lanes where chunk[lane] > threshold {
                        offer(row: r, position: offset &+ j &+ lane, score: chunk[lane])
                        threshold = thresholds[r]
                    }
                }
                j += lanes
            }
            while j < columns {
                if scores[j] > threshold {
                    offer(row: r, position: offset + j, score: scores[j])
                    threshold = thresholds[r]
                }
                j += 1
            }
        }
    }

    /// Offers one score unless its position is excluded; once K entries are kept, only
    /// a score strictly above the K-th best gets here (positions ascend, so an equal
    /// score loses the tie).
    @inline(__always)
    private func offer(row r: Int, position: Int, score: Scalar) {
        var cursor = excludedCursors[r]
        let end = excludedOffsets[r + 1]
        while cursor < end && Int(excluded[cursor]) < position { cursor += 1 }
        excludedCursors[r] = cursor
        if cursor < end && Int(excluded[cursor]) == position { return }
        if !denied.isEmpty {
            var deniedCursor = deniedCursors[r]
            while deniedCursor < denied.count && denied[deniedCursor] < position { deniedCursor += 1 }
            deniedCursors[r] = deniedCursor
            if deniedCursor < denied.count && denied[deniedCursor] == position { return }
        }
        selections[r].offer(position: position, score: score)
        if let worst = selections[r].worstKeptScore {
            full[r] = true
            thresholds[r] = worst
        }
    }

    /// Each row's kept entries, best first.
    func results() -> [[(position: Int, score: Scalar)]] {
        selections.map { $0.sorted() }
    }
}

/// The number of scores ``_anyAbove(_:_:)`` compares at once.
let _anyAboveLanes = 32

/// Whether any of the 32 scores at `scores` is strictly above `threshold` (`false` for NaN).
///
/// `Float` and `Double` compare whole vectors at once: the comparison operators of the
/// concrete `SIMD16<Float>` and `SIMD8<Double>` lower to vector compares, while the
/// generic ones (chosen inside generic code even when it is specialised) go lane by lane.
@inline(__always)
func _anyAbove<Scalar: BinaryFloatingPoint>(_ scores: UnsafePointer<Scalar>, _ threshold: Scalar) -> Bool {
    let raw = UnsafeRawPointer(scores)
    if Scalar.self == Float.self {
        let t = SIMD16<Float>(repeating: unsafeBitCast(threshold, to: Float.self))
        let a = raw.loadUnaligned(as: SIMD16<Float>.self)
        let b = raw.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
        return any((a .> t) .| (b .> t))
    }
    if Scalar.self == Double.self {
        let t = SIMD8<Double>(repeating: unsafeBitCast(threshold, to: Double.self))
        let a = raw.loadUnaligned(as: SIMD8<Double>.self)
        let b = raw.loadUnaligned(fromByteOffset: 64, as: SIMD8<Double>.self)
        let c = raw.loadUnaligned(fromByteOffset: 128, as: SIMD8<Double>.self)
        let d = raw.loadUnaligned(fromByteOffset: 192, as: SIMD8<Double>.self)
        return any((a .> t) .| (b .> t) .| (c .> t) .| (d .> t))
    }
    for lane in 0..<_anyAboveLanes where scores[lane] > threshold { return true }
    return false
}
