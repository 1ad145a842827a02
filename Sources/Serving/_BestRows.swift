import Factorization
import LinearAlgebra
import Ranking

/// The best `count` rows of chunked storage for each query, by dot product over the first
/// `width` columns (or by cosine similarity, with `cosine`), best first, ties to the lower
/// row: the one scan behind every read of a ``LiveSnapshot``.
///
/// Specialized for `Float` and `Double` (a generic host calls through to the specialized
/// body), since the inner loop is a short dot product per row that generic code would
/// run through witness tables.
///
/// - Parameters:
///   - chunks: the storage's chunks, `rowsPerChunk` rows of `rowWidth` scalars each (the
///     last may be shorter).
///   - excluded: per query, row positions to skip, ascending.
///   - candidates: when set, only these row positions (ascending) are scored.
/// - Complexity: O(rows·width + rows·log count) per query.
@_specialize(exported: false, where Scalar == Float)
@_specialize(exported: false, where Scalar == Double)
func _bestRows<Scalar: BLASScalar>(
    chunks: [[Scalar]], rowsPerChunk: Int, rowWidth: Int, queries: [[Scalar]], width: Int, cosine: Bool,
    excluded: [[Int]], candidates: [Int]?, count: Int
) -> [[(position: Int, score: Scalar)]] {
    var selections = queries.map { _ in _TopKSelection<Scalar>(capacity: count) }
    guard count > 0 else { return selections.map { $0.sorted() } }
    let norms = queries.map { query in query.withUnsafeBufferPointer { _dot($0.baseAddress!, $0.baseAddress!, width).squareRoot() } }
    @inline(__always)
    func score(_ query: UnsafePointer<Scalar>, _ row: UnsafePointer<Scalar>, _ q: Int) -> Scalar {
        let product = _dot(query, row, width)
        guard cosine else { return product }
        let norm = _dot(row, row, width).squareRoot() * norms[q]
        return norm > 0 ? product / norm : 0
    }
    if let candidates {
        for (q, query) in queries.enumerated() {
            var cursor = 0
            let skip = excluded[q]
            query.withUnsafeBufferPointer { query in
                for position in candidates {
                    while cursor < skip.count && skip[cursor] < position { cursor += 1 }
                    if cursor < skip.count && skip[cursor] == position { continue }
                    chunks[position / rowsPerChunk].withUnsafeBufferPointer { block in
                        let row = block.baseAddress! + (position % rowsPerChunk) * rowWidth
                        selections[q].offer(position: position, score: score(query.baseAddress!, row, q))
                    }
                }
            }
        }
        return selections.map { $0.sorted() }
    }
    // Query by query over all chunks, each query's heap a local value. A dot-product scan
    // scores a chunk with one single-threaded matrix–vector product (OpenBLAS's vector
    // kernels; chunks are far below its threading threshold, so concurrent readers never
    // touch its thread pool); only scores above the current K-th best reach the heap.
    let longest = chunks.map { $0.count / rowWidth }.max() ?? 0
    var scores = [Scalar](repeating: 0, count: longest)
    for (q, query) in queries.enumerated() {
        var selection = selections[q]
        var threshold = -Scalar.infinity
        let skip = excluded[q]
        var cursor = 0
        query.withUnsafeBufferPointer { query in
            scores.withUnsafeMutableBufferPointer { scores in
                for (c, chunk) in chunks.enumerated() {
                    let first = c * rowsPerChunk, rows = chunk.count / rowWidth
                    chunk.withUnsafeBufferPointer { block in
                        if cosine {
                            for r in 0..<rows { scores[r] = score(query.baseAddress!, block.baseAddress! + r * rowWidth, q) }
                        } else {
                            Scalar._gemv(transpose: false, m: rows, n: width, alpha: 1, a: block.baseAddress!, lda: rowWidth,
                                         x: query.baseAddress!, incx: 1, beta: 0, y: scores.baseAddress!, incy: 1)
                        }
                    }
                    for r in 0..<rows {
                        let position = first + r
                        if cursor < skip.count && skip[cursor] == position {
                            cursor += 1
                            continue
                        }
                        guard scores[r] >= threshold else { continue }
                        selection.offer(position: position, score: scores[r])
                        threshold = selection.worstKeptScore ?? -Scalar.infinity
                    }
                }
            }
        }
        selections[q] = selection
    }
    return selections.map { $0.sorted() }
}
