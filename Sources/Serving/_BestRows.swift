import Factorization
import LinearAlgebra
import Ranking

/// Queries scored together against the rows: the rows are read once per group of up to
/// 32 rather than once per query. 32 queries are two tiles of the panel kernel
/// (``BLASScalar/_scorePanel(rows:rowCount:rowStride:panel:panelWidth:depth:thresholds:scores:passing:)``),
/// and a chunk's 64 × 32 scores stay in L1 while they are selected from.
let _queriesPerProduct = 32

/// How often a norm-ordered pass asks whether its queries are finished: every 2 chunks
/// (128 rows by default). Against every chunk, every 4 and every 8, at ml-latest-small's
/// model, it saved as much in batches of 8 and 32 queries and more for a lone query
/// (Docs/Serving.md, *How the figures got here*).
let _chunksPerBoundCheck = 2

/// The narrowest tile of the panel kernel: a scan of 2–8 queries costs as much as one of 8.
let _queriesPerTile = 8

/// The best `counts[q]` rows of chunked storage for each query `q`, by dot product over
/// the first `width` columns (or by cosine similarity, with `cosine`), best first, ties
/// to the lower row: the one scan behind every read of a ``LiveSnapshot``.
///
/// A dot-product scan scores each chunk for up to ``_queriesPerProduct`` queries at once.
/// Where the processor has the panel kernel (x86-64 with AVX2 and FMA, ARM64) the
/// queries are packed once per scan and each chunk is scored where it lies, the kernel
/// also marking which scores reach each query's current K-th best, so the selection
/// visits only those; every score is accumulated in the same order whatever the batch,
/// so a query's ranking is the same, to the last bit, in any batch of two or more. A lone
/// query, and every scan where the processor lacks the kernel, multiplies each chunk with
/// one single-threaded `gemv` (`gemm` for a batch), BLAS pinned to one thread so that
/// concurrent readers never wake OpenBLAS's pool: for one query a matrix–vector product
/// is bound by reading the rows and the kernel's panel would be seven-eighths padding
/// (a top-10 scan of 50,000 items took 1.2–1.5 ms through a one-query loop of the kernel,
/// 0.76 ms through `gemv`; ServingBenchmarks, Docs/Serving.md). OpenBLAS rounds the last
/// bit of a product differently by the query's place in it (0.3.21 on Zen: by its column
/// within a tile of 8 or 12), so two items whose scores agree to the last bit can swap
/// places between a lone query and a batch.
///
/// With `ordered` (a copy of the first rows in descending order of their factor norms) a
/// full-width dot-product scan reads the rows past the copy from the chunks, then the copy,
/// and each query leaves the scan once no row still to come can reach its K-th best
/// (``_NormOrderedRows``): the same rankings and scores, from fewer rows.
///
/// Specialized for `Float` and `Double` (a generic host calls through to the specialized
/// body), since the selection loop runs once per row and query.
///
/// - Parameters:
///   - chunks: the storage's chunks, `rowsPerChunk` rows of `rowWidth` scalars each (the
///     last may be shorter).
///   - ordered: the first rows of `chunks` in norm order, or `nil`.
///   - queries: one row of at least `width` scalars per query.
///   - excluded: per query, row positions to skip, in any order (repeats allowed).
///   - candidates: when set, only these row positions (ascending) are scored.
///   - counts: per query, the number of rows to keep (≥ 0).
///   - panelScoring: score through the panel kernel (the default where it runs) rather
///     than BLAS; tests set it to compare the two.
/// - Complexity: O(rows·width + rows·log count) per query.
@_specialize(exported: false, where Scalar == Float)
@_specialize(exported: false, where Scalar == Double)
func _bestRows<Scalar: BLASScalar>(
    chunks: [[Scalar]], rowsPerChunk: Int, rowWidth: Int, ordered: _NormOrderedRows<Scalar>? = nil,
    queries: [[Scalar]], width: Int, cosine: Bool, excluded: [[Int]], candidates: [Int]?, counts: [Int],
    panelScoring: Bool = Scalar._panelScoringIsAvailable
) -> [[(position: Int, score: Scalar)]] {
    precondition(queries.count == excluded.count && queries.count == counts.count,
                 "\(queries.count) queries, \(excluded.count) exclusion lists, \(counts.count) counts")
    var selections = counts.map { _TopKSelection<Scalar>(capacity: $0) }
    if let candidates {
        let norms = queries.map { query in query.withUnsafeBufferPointer { _dot($0.baseAddress!, $0.baseAddress!, width).squareRoot() } }
        for (q, query) in queries.enumerated() where counts[q] > 0 {
            let skip = _Exclusions(excluded[q])
            query.withUnsafeBufferPointer { query in
                for position in candidates {
                    if skip.contains(position) { continue }
                    chunks[position / rowsPerChunk].withUnsafeBufferPointer { block in
                        let row = block.baseAddress! + (position % rowsPerChunk) * rowWidth
                        var score = _dot(query.baseAddress!, row, width)
                        if cosine {
                            let norm = _dot(row, row, width).squareRoot() * norms[q]
                            score = norm > 0 ? score / norm : 0
                        }
                        selections[q].offer(position: position, score: score)
                    }
                }
            }
        }
        return selections.map { $0.sorted() }
    }
    if cosine {
        for (q, query) in queries.enumerated() where counts[q] > 0 {
            selections[q] = _bestRowsByCosine(chunks: chunks, rowsPerChunk: rowsPerChunk, rowWidth: rowWidth, query: query,
                                              width: width, excluded: excluded[q], count: counts[q])
        }
        return selections.map { $0.sorted() }
    }
    let sources: [_ScanRows<Scalar>]
    if let ordered, width == rowWidth {
        let rowCount = chunks.reduce(0) { $0 + $1.count / rowWidth }
        precondition(ordered.rowWidth == rowWidth && ordered.rowCount <= rowCount,
                     "\(ordered.rowCount) ordered rows of width \(ordered.rowWidth), \(rowCount) of width \(rowWidth)")
        let appended = _ScanRows(chunks: chunks, rowsPerChunk: rowsPerChunk, rowWidth: rowWidth, start: ordered.rowCount)
        sources = (ordered.rowCount < rowCount ? [appended] : []) + [_ScanRows(ordered)]
    } else {
        sources = [_ScanRows(chunks: chunks, rowsPerChunk: rowsPerChunk, rowWidth: rowWidth, start: 0)]
    }
    let skips = excluded.map(_Exclusions.init)
    let active = queries.indices.filter { counts[$0] > 0 }
    var start = 0
    while start < active.count {
        let group = Array(active[start..<min(start + _queriesPerProduct, active.count)])
        var groupSelections = group.map { selections[$0] }
        for source in sources {
            if panelScoring && group.count > 1 {
                _bestRowsByPanel(source: source, queries: group.map { queries[$0] }, width: width,
                                 excluded: group.map { skips[$0] }, selections: &groupSelections)
            } else {
                _bestRowsByProduct(source: source, queries: group.map { queries[$0] }, width: width,
                                   excluded: group.map { skips[$0] }, selections: &groupSelections)
            }
        }
        for (g, q) in group.enumerated() { selections[q] = groupSelections[g] }
        start += _queriesPerProduct
    }
    return selections.map { $0.sorted() }
}

/// ``_bestRows(chunks:rowsPerChunk:rowWidth:ordered:queries:width:cosine:excluded:candidates:counts:panelScoring:)``
/// with one count for every query.
func _bestRows<Scalar: BLASScalar>(
    chunks: [[Scalar]], rowsPerChunk: Int, rowWidth: Int, queries: [[Scalar]], width: Int, cosine: Bool,
    excluded: [[Int]], candidates: [Int]?, count: Int
) -> [[(position: Int, score: Scalar)]] {
    _bestRows(chunks: chunks, rowsPerChunk: rowsPerChunk, rowWidth: rowWidth, queries: queries, width: width,
              cosine: cosine, excluded: excluded, candidates: candidates, counts: queries.map { _ in count })
}

/// The rows one pass of a dot-product scan reads: a table's chunks from row `start` on,
/// or a norm-ordered copy, whose bounds let queries leave the pass early.
struct _ScanRows<Scalar: BLASScalar> {
    let chunks: [[Scalar]]
    let rowsPerChunk: Int
    let rowWidth: Int
    /// The first row read; the rows before it in its chunk are scored but not offered.
    let start: Int
    let ordered: _NormOrderedRows<Scalar>?

    init(chunks: [[Scalar]], rowsPerChunk: Int, rowWidth: Int, start: Int) {
        self.chunks = chunks
        self.rowsPerChunk = rowsPerChunk
        self.rowWidth = rowWidth
        self.start = start
        ordered = nil
    }

    init(_ ordered: _NormOrderedRows<Scalar>) {
        chunks = ordered.chunks
        rowsPerChunk = ordered.rowsPerChunk
        rowWidth = ordered.rowWidth
        start = 0
        self.ordered = ordered
    }

    /// The table position of row `row` of the pass.
    @inline(__always)
    func position(_ row: Int) -> Int { ordered?.positions[row] ?? row }

    /// Per query, what a norm-ordered pass needs to bound its scores (empty for a table's
    /// own chunks).
    func boundTerms(_ queries: [[Scalar]]) -> [Double] { ordered?.boundTerms(queries) ?? [] }
}

/// Scores every chunk of a pass for a group of up to 64 queries with the panel kernel: the
/// queries are packed column by column, the kernel scores a chunk and marks the scores that
/// reach each query's K-th best as of the chunk's start, and only those are offered. A query
/// that finishes early (a norm-ordered pass) gets a threshold of +∞, and the queries still
/// scanning are packed again once they fit a narrower panel.
@_specialize(exported: false, where Scalar == Float)
@_specialize(exported: false, where Scalar == Double)
private func _bestRowsByPanel<Scalar: BLASScalar>(
    source: _ScanRows<Scalar>, queries: [[Scalar]], width: Int, excluded: [_Exclusions],
    selections: inout [_TopKSelection<Scalar>]
) {
    precondition(queries.count <= 64, "\(queries.count) queries in one panel; at most 64")
    let rowWidth = source.rowWidth, rowsPerChunk = source.rowsPerChunk
    let terms = source.boundTerms(queries)
    // Panel column → query, -1 for a finished query or padding.
    var columns: [Int] = []
    var panel: [Scalar] = []
    // A padding or finished column's threshold is +∞: its scores never pass.
    var thresholds: [Scalar] = []
    func pack(_ members: [Int]) {
        let panelWidth = (members.count + 7) / 8 * 8
        columns = members + [Int](repeating: -1, count: panelWidth - members.count)
        panel = [Scalar](repeating: 0, count: width * panelWidth)
        thresholds = [Scalar](repeating: .infinity, count: panelWidth)
        for (column, q) in members.enumerated() {
            for k in 0..<width { panel[k * panelWidth + column] = queries[q][k] }
            thresholds[column] = selections[q].worstKeptScore ?? -Scalar.infinity
        }
    }
    pack(Array(queries.indices))
    var remaining = queries.count
    let longest = source.chunks.map { $0.count / rowWidth }.max() ?? 0
    // Repacking only narrows the panel: the first is the widest.
    var scores = [Scalar](repeating: 0, count: longest * columns.count)
    var passing = [UInt64](repeating: 0, count: longest)
    for c in source.start / rowsPerChunk..<source.chunks.count {
        if let ordered = source.ordered, c % _chunksPerBoundCheck == 0 {
            let finished = ordered.finish(columns: &columns, thresholds: &thresholds, terms: terms, from: c)
            remaining -= finished
            if remaining == 0 { break }
            if finished > 0 && (remaining + 7) / 8 * 8 < columns.count { pack(columns.filter { $0 >= 0 }) }
        }
        let first = c * rowsPerChunk, rows = source.chunks[c].count / rowWidth, panelWidth = columns.count
        guard rows > 0 else { continue }
        scores.withUnsafeMutableBufferPointer { scores in
            passing.withUnsafeMutableBufferPointer { passing in
                source.chunks[c].withUnsafeBufferPointer { block in
                    panel.withUnsafeBufferPointer { panel in
                        thresholds.withUnsafeBufferPointer { thresholds in
                            Scalar._scorePanel(
                                rows: block.baseAddress!, rowCount: rows, rowStride: rowWidth, panel: panel.baseAddress!,
                                panelWidth: panelWidth, depth: width, thresholds: thresholds.baseAddress!,
                                scores: scores.baseAddress!, passing: passing.baseAddress!)
                        }
                    }
                }
                for r in max(0, source.start - first)..<rows {
                    var bits = passing[r]
                    while bits != 0 {
                        let column = bits.trailingZeroBitCount
                        bits &= bits &- 1
                        let score = scores[r * panelWidth + column]
                        guard score >= thresholds[column] else { continue }
                        let q = columns[column], position = source.position(first + r)
                        if q < 0 || excluded[q].contains(position) { continue }
                        selections[q].offer(position: position, score: score)
                        thresholds[column] = selections[q].worstKeptScore ?? -Scalar.infinity
                    }
                }
            }
        }
    }
}

/// Scores every chunk of a pass for a group of queries with one `gemm` (S = Q·Cᵀ, a row of
/// scores per query; `gemv` for one query), then offers each query the scores above its
/// current K-th best. Queries that finish early (a norm-ordered pass) leave the product.
@_specialize(exported: false, where Scalar == Float)
@_specialize(exported: false, where Scalar == Double)
private func _bestRowsByProduct<Scalar: BLASScalar>(
    source: _ScanRows<Scalar>, queries: [[Scalar]], width: Int, excluded: [_Exclusions],
    selections: inout [_TopKSelection<Scalar>]
) {
    let rowWidth = source.rowWidth, rowsPerChunk = source.rowsPerChunk
    let terms = source.boundTerms(queries)
    var members = Array(queries.indices)
    var matrix: [Scalar] = []
    func pack() {
        matrix = []
        matrix.reserveCapacity(members.count * width)
        for q in members { matrix.append(contentsOf: queries[q][0..<width]) }
    }
    pack()
    let longest = source.chunks.map { $0.count / rowWidth }.max() ?? 0
    var scores = [Scalar](repeating: 0, count: queries.count * longest)
    var thresholds = [Scalar](repeating: 0, count: queries.count)
    BLASThreads.withSingleThreadedBLAS {
        for c in source.start / rowsPerChunk..<source.chunks.count {
            if let ordered = source.ordered, c % _chunksPerBoundCheck == 0 {
                for (m, q) in members.enumerated() { thresholds[m] = selections[q].worstKeptScore ?? -Scalar.infinity }
                if ordered.finish(columns: &members, thresholds: &thresholds, terms: terms, from: c) > 0 {
                    members.removeAll { $0 < 0 }
                    if members.isEmpty { break }
                    pack()
                }
            }
            let first = c * rowsPerChunk, rows = source.chunks[c].count / rowWidth, b = members.count
            guard rows > 0 else { continue }
            scores.withUnsafeMutableBufferPointer { scores in
                source.chunks[c].withUnsafeBufferPointer { block in
                    matrix.withUnsafeBufferPointer { matrix in
                        if b == 1 {
                            Scalar._gemv(transpose: false, m: rows, n: width, alpha: 1, a: block.baseAddress!, lda: rowWidth,
                                         x: matrix.baseAddress!, incx: 1, beta: 0, y: scores.baseAddress!, incy: 1)
                        } else {
                            Scalar._gemm(transposeA: false, transposeB: true, m: b, n: rows, k: width, alpha: 1,
                                         a: matrix.baseAddress!, lda: width, b: block.baseAddress!, ldb: rowWidth,
                                         beta: 0, c: scores.baseAddress!, ldc: rows)
                        }
                    }
                }
                for (m, q) in members.enumerated() {
                    let row = scores.baseAddress! + m * rows
                    var threshold = selections[q].worstKeptScore ?? -Scalar.infinity
                    for r in max(0, source.start - first)..<rows {
                        let score = row[r]
                        guard score >= threshold else { continue }
                        let position = source.position(first + r)
                        if excluded[q].contains(position) { continue }
                        selections[q].offer(position: position, score: score)
                        threshold = selections[q].worstKeptScore ?? -Scalar.infinity
                    }
                }
            }
        }
    }
}

/// The best `count` rows by cosine similarity to `query` (a row with zero norm scores 0).
@_specialize(exported: false, where Scalar == Float)
@_specialize(exported: false, where Scalar == Double)
private func _bestRowsByCosine<Scalar: BLASScalar>(
    chunks: [[Scalar]], rowsPerChunk: Int, rowWidth: Int, query: [Scalar], width: Int, excluded: [Int], count: Int
) -> _TopKSelection<Scalar> {
    var selection = _TopKSelection<Scalar>(capacity: count)
    var threshold = -Scalar.infinity
    let skip = _Exclusions(excluded)
    query.withUnsafeBufferPointer { query in
        let q = query.baseAddress!
        let queryNorm = _dot(q, q, width).squareRoot()
        for (c, chunk) in chunks.enumerated() {
            let first = c * rowsPerChunk, rows = chunk.count / rowWidth
            chunk.withUnsafeBufferPointer { block in
                for r in 0..<rows {
                    let row = block.baseAddress! + r * rowWidth
                    let norm = _dot(row, row, width).squareRoot() * queryNorm
                    let score = norm > 0 ? _dot(q, row, width) / norm : 0
                    guard score >= threshold else { continue }
                    let position = first + r
                    if skip.contains(position) { continue }
                    selection.offer(position: position, score: score)
                    threshold = selection.worstKeptScore ?? -Scalar.infinity
                }
            }
        }
    }
    return selection
}

/// Row positions a scan leaves out, in any order (repeats allowed), as a bitset up to
/// the largest: built in O(exclusions + largest/64), each question answered in O(1), so
/// no exclusion list needs sorting and a scan asks only about the rows that reach a
/// query's K-th best.
struct _Exclusions {
    private var words: [UInt64]

    init(_ positions: [Int]) {
        words = [UInt64](repeating: 0, count: (positions.max() ?? -1) / 64 + 1)
        for position in positions {
            precondition(position >= 0, "Excluded row position \(position) is negative")
            words[position >> 6] |= 1 << UInt64(position & 63)
        }
    }

    /// Whether `position` (≥ 0) is left out.
    @inline(__always)
    func contains(_ position: Int) -> Bool {
        let word = position >> 6
        return word < words.count && words[word] & (1 << UInt64(position & 63)) != 0
    }
}
