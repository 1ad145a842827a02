import Factorization
import LinearAlgebra
import Ranking

/// A table's rows copied in descending order of the norm of their factors, with bounds per
/// chunk, so that a dot-product top-K scan can stop early and still rank exactly as a full
/// scan does.
///
/// For a query q and a row r whose first ``normedWidth`` scalars are factors and whose
/// other columns j are constants (the live model's `[vᵢ, 1, cᵢ]`), Cauchy–Schwarz bounds the
/// score: qᵀr ≤ ‖q₁‖·‖r₁‖ + Σⱼ max(qⱼ·hiⱼ, qⱼ·loⱼ), hiⱼ and loⱼ being the largest and
/// smallest value column j takes in the rows still to come. In this order the bound only
/// falls, so once it is below a query's K-th best score no later row can enter the
/// query's ranking, and the query leaves the scan.
///
/// Factorization models' item norms are heavy-tailed — popular items have long factor
/// vectors, the many rarely seen ones short vectors — so most queries stop early: at
/// ml-latest-small's implicit model (9,066 items) a user's top 10, history left out,
/// stops after 19 % of the rows on average, 14 % at the median (Docs/Serving.md). Where
/// every row has about the same norm (random factors) no query stops; the live model then
/// does not keep the copy (`_LiveState.itemOrder`).
///
/// Rows appended to the table after the copy was made (items added live) are not in it:
/// the scan reads those from the table, unpruned.
///
/// - Complexity: building O(n·w + n log n) for n rows of width w; memory n·w scalars.
final class _NormOrderedRows<Scalar: BLASScalar>: Sendable {
    /// The rows in order, ``rowsPerChunk`` to a chunk (the last may be shorter).
    let chunks: [[Scalar]]
    let rowsPerChunk: Int
    let rowWidth: Int
    /// The number of leading columns that are factors; the rest are bounded by their range.
    let normedWidth: Int
    /// The table position of each row, in order.
    let positions: [Int]
    /// The row of each table position (the inverse of ``positions``).
    private let places: [Int32]
    /// Per chunk, the largest factor norm in it and every later chunk (non-increasing).
    private let norms: [Double]
    /// Per chunk c and constant column t, the largest and smallest value in chunk c and
    /// every later chunk, at `c * (rowWidth - normedWidth) + t`.
    private let highs: [Double]
    private let lows: [Double]

    /// The number of rows copied.
    var rowCount: Int { positions.count }

    /// Copies every row of `table` in descending order of the norm of its first
    /// `normedWidth` scalars (ties in table order), in chunks of the table's size.
    init(_ table: _ChunkedRows<Scalar>, normedWidth: Int) {
        precondition(normedWidth >= 0 && normedWidth <= table.width,
                     "\(normedWidth) factor columns in rows of width \(table.width)")
        let n = table.rowCount, width = table.width, rowsPerChunk = table.rowsPerChunk
        let rowNorms = (0..<n).map { row in
            table.withRow(row) { values in Self.norm(values, count: normedWidth) }
        }
        let order = (0..<n).sorted { rowNorms[$0] > rowNorms[$1] || (rowNorms[$0] == rowNorms[$1] && $0 < $1) }
        var chunks: [[Scalar]] = []
        var norms: [Double] = []
        for start in stride(from: 0, to: n, by: rowsPerChunk) {
            let end = min(start + rowsPerChunk, n)
            var elements: [Scalar] = []
            elements.reserveCapacity((end - start) * width)
            for row in order[start..<end] { table.withRow(row) { elements.append(contentsOf: $0) } }
            chunks.append(elements)
            norms.append(rowNorms[order[start]])
        }
        let tail = width - normedWidth
        var highs = [Double](repeating: -.infinity, count: chunks.count * tail)
        var lows = [Double](repeating: .infinity, count: chunks.count * tail)
        for c in chunks.indices.reversed() {
            for t in 0..<tail {
                var high = c + 1 < chunks.count ? highs[(c + 1) * tail + t] : -.infinity
                var low = c + 1 < chunks.count ? lows[(c + 1) * tail + t] : .infinity
                for r in 0..<chunks[c].count / width {
                    let value = Double(chunks[c][r * width + normedWidth + t])
                    high = max(high, value)
                    low = min(low, value)
                }
                highs[c * tail + t] = high
                lows[c * tail + t] = low
            }
        }
        self.chunks = chunks
        self.rowsPerChunk = rowsPerChunk
        self.rowWidth = width
        self.normedWidth = normedWidth
        self.positions = order
        var places = [Int32](repeating: 0, count: n)
        for (row, position) in order.enumerated() { places[position] = Int32(row) }
        self.places = places
        self.norms = norms
        self.highs = highs
        self.lows = lows
    }

    /// Whether top-`count` scans for `queries` (full rows, no exclusions, the bound asked
    /// every ``_chunksPerBoundCheck`` chunks as a scan asks it) read at most `share` of the
    /// rows before they stop, on average; the estimate ends as soon as the rows read
    /// already decide it.
    ///
    /// - Complexity: O(queries·rows·rowWidth).
    func scansRead(atMost share: Double, of queries: [[Scalar]], count: Int) -> Bool {
        guard rowCount > 0, !queries.isEmpty else { return false }
        let terms = boundTerms(queries)
        let limit = share * Double(rowCount * queries.count)
        var read = 0
        for (q, query) in queries.enumerated() {
            if Double(read) > limit { return false }
            var selection = _TopKSelection<Scalar>(capacity: count)
            var stop = chunks.count
            var columns = [q], thresholds = [Scalar.infinity]
            for (c, chunk) in chunks.enumerated() {
                // Asked as often as the scans ask (`_chunksPerBoundCheck`).
                thresholds[0] = selection.worstKeptScore ?? -Scalar.infinity
                if c % _chunksPerBoundCheck == 0,
                   finish(columns: &columns, thresholds: &thresholds, terms: terms, from: c) > 0 {
                    stop = c
                    break
                }
                query.withUnsafeBufferPointer { query in
                    chunk.withUnsafeBufferPointer { rows in
                        for r in 0..<rows.count / rowWidth {
                            selection.offer(position: c * rowsPerChunk + r,
                                            score: _dot(query.baseAddress!, rows.baseAddress! + r * rowWidth, rowWidth))
                        }
                    }
                }
            }
            read += min(stop * rowsPerChunk, rowCount)
        }
        return Double(read) <= limit
    }

    /// Calls `body` with the elements of the table's row `position` (< ``rowCount``), read
    /// from the copy: the re-fold gathers a user's items here, where the scans keep the
    /// popular ones in cache, rather than from the table.
    @inline(__always)
    func withRow<R>(_ position: Int, _ body: (UnsafeBufferPointer<Scalar>) -> R) -> R {
        let row = Int(places[position])
        let offset = (row % rowsPerChunk) * rowWidth
        return chunks[row / rowsPerChunk].withUnsafeBufferPointer {
            body(UnsafeBufferPointer(rebasing: $0[offset..<offset + rowWidth]))
        }
    }

    /// The norm of the first `count` scalars, in `Double`.
    static func norm(_ values: UnsafeBufferPointer<Scalar>, count: Int) -> Double {
        var sum = 0.0
        for k in 0..<count { sum += Double(values[k]) * Double(values[k]) }
        return sum.squareRoot()
    }

    /// What ``finish(columns:thresholds:terms:from:)`` needs of each query (rows of ``rowWidth``
    /// scalars): the norm of its factors, then its other columns, `1 + rowWidth −
    /// normedWidth` values a query.
    func boundTerms(_ queries: [[Scalar]]) -> [Double] {
        var terms: [Double] = []
        terms.reserveCapacity(queries.count * (1 + rowWidth - normedWidth))
        for query in queries {
            terms.append(query.withUnsafeBufferPointer { Self.norm($0, count: normedWidth) })
            for column in normedWidth..<rowWidth { terms.append(Double(query[column])) }
        }
        return terms
    }

    /// Takes the queries that cannot gain from chunk `chunk` on out of a scan: for each
    /// `columns[j]` ≥ 0 (a query's index into ``boundTerms(_:)``) whose ranking is full —
    /// `thresholds[j]`, its K-th best score, is finite — and whose bound over the rows still
    /// to come is below it, sets `columns[j]` to −1 and `thresholds[j]` to +∞.
    ///
    /// The bound is widened by 2·w·ε of the terms' magnitudes, twice the worst rounding
    /// error of a w-term dot product in `Scalar`, so a computed score can never exceed it.
    ///
    /// - Returns: the number of queries taken out.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    func finish(columns: inout [Int], thresholds: inout [Scalar], terms: [Double], from chunk: Int) -> Int {
        let tail = rowWidth - normedWidth, stride = 1 + tail
        let norm = norms[chunk]
        let scale = 2 * Double(rowWidth) * Double(Scalar.ulpOfOne), floor = Double(rowWidth) * Double(Scalar.leastNormalMagnitude)
        var finished = 0
        highs.withUnsafeBufferPointer { highs in
            lows.withUnsafeBufferPointer { lows in
                terms.withUnsafeBufferPointer { terms in
                    for j in columns.indices where columns[j] >= 0 {
                        let threshold = thresholds[j]
                        guard threshold.isFinite else { continue }
                        let query = terms.baseAddress! + columns[j] * stride
                        var bound = query[0] * norm, magnitude = bound
                        for t in 0..<tail {
                            let high = query[1 + t] * highs[chunk * tail + t], low = query[1 + t] * lows[chunk * tail + t]
                            bound += max(high, low)
                            magnitude += max(abs(high), abs(low))
                        }
                        if bound + magnitude * scale + floor < Double(threshold) {
                            columns[j] = -1
                            thresholds[j] = .infinity
                            finished += 1
                        }
                    }
                }
            }
        }
        return finished
    }
}
