import LinearAlgebra

/// The items (or users) a batch of queries is scored against: a matrix of vectors, one
/// row per position, with the map between positions and catalogue indices.
struct _ScoringUniverse<Scalar: BLASScalar>: Sendable {
    /// One row per position.
    let vectors: Matrix<Scalar>
    /// The catalogue index of each position, ascending; `nil` when position = index.
    let catalogueIndices: [Int]?
    /// The position of each catalogue index, -1 when absent; `nil` when position = index.
    let positions: [Int32]?

    var count: Int { vectors.rowCount }

    /// Every row of `vectors`.
    init(all vectors: Matrix<Scalar>) {
        self.vectors = vectors
        catalogueIndices = nil
        positions = nil
    }

    /// The rows `indices` (deduplicated and sorted, so that position order is catalogue order).
    init(_ vectors: Matrix<Scalar>, restrictedTo indices: some Sequence<Int>) {
        let sortedIndices = Array(Set(indices)).sorted()
        var subset = Matrix<Scalar>(rowCount: sortedIndices.count, columnCount: vectors.columnCount)
        var positions = [Int32](repeating: -1, count: vectors.rowCount)
        for (position, index) in sortedIndices.enumerated() {
            vectors.withRow(index) { subset.setRow(position, to: $0) }
            positions[index] = Int32(position)
        }
        self.vectors = subset
        self.catalogueIndices = sortedIndices
        self.positions = positions
    }

    @inline(__always)
    func catalogueIndex(ofPosition position: Int) -> Int { catalogueIndices?[position] ?? position }

    @inline(__always)
    func position(ofCatalogueIndex index: Int) -> Int { positions.map { Int($0[index]) } ?? index }
}

/// The number of query rows per block: enough to keep gemm efficient, few enough that a
/// block's score matrix (rows × universe) stays near `budget` scalars.
func _defaultBlockSize(universeCount: Int, budget: Int = 1 << 22) -> Int {
    max(1, min(1024, budget / max(1, universeCount)))
}

/// Scores blocks of query rows against a universe with one gemm per block and calls
/// `body` with each query's score row, in parallel over blocks; results come back in
/// query order.
///
/// Peak memory is one `blockSize × universe.count` score block per thread: never the
/// full queries × universe matrix.
func _mapScoreRows<Scalar: BLASScalar, T>(
    queries: Matrix<Scalar>, rows: [Int], universe: _ScoringUniverse<Scalar>, blockSize: Int,
    _ body: (_ query: Int, _ scores: UnsafeBufferPointer<Scalar>) -> T
) -> [T] {
    precondition(blockSize > 0, "Block size must be positive, got \(blockSize)")
    precondition(queries.columnCount == universe.vectors.columnCount,
                 "Query width \(queries.columnCount) differs from universe width \(universe.vectors.columnCount)")
    let chunks = Parallel.mapChunks(of: 0..<rows.count, grainSize: blockSize) { chunk -> [T] in
        var block = Matrix<Scalar>(rowCount: chunk.count, columnCount: queries.columnCount)
        for (offset, query) in chunk.enumerated() {
            queries.withRow(rows[query]) { block.setRow(offset, to: $0) }
        }
        var scores = Matrix<Scalar>(rowCount: chunk.count, columnCount: universe.count)
        scores.addProduct(block, universe.vectors, transposingSecond: true, beta: 0)
        var results: [T] = []
        results.reserveCapacity(chunk.count)
        for (offset, query) in chunk.enumerated() {
            results.append(scores.withRow(offset) { body(query, $0) })
        }
        return results
    }
    return chunks.flatMap { $0 }
}
