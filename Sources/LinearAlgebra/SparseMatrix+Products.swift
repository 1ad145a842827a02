extension SparseMatrix {
    /// The product `self · dense`, computed row-parallel on ``Parallel``.
    ///
    /// - Precondition: `dense.rowCount == columnCount`.
    /// - Complexity: O(nnz · dense.columnCount).
    @inlinable
    public func multiplied(by dense: Matrix<Scalar>) -> Matrix<Scalar> {
        precondition(
            dense.rowCount == columnCount,
            "Sparse–dense product shapes do not fit: \(rowCount)×\(columnCount) · \(dense.rowCount)×\(dense.columnCount)")
        let width = dense.columnCount
        var result = Matrix<Scalar>(rowCount: rowCount, columnCount: width)
        guard width > 0, rowCount > 0 else { return result }
        // Enough chunks (about 64) that rows of very different lengths still balance
        // across threads; each row is independent, so chunking never changes the result.
        let grain = max(1, min(16_384 / max(1, width), rowCount / 64))
        dense.withUnsafeBufferPointer { b in
            result.withUnsafeMutableBufferPointer { c in
                let shared = _UncheckedSendable((b, c))
                Parallel.forEachChunk(of: 0..<rowCount, grainSize: grain) { rows in
                    let (b, c) = shared.value
                    for i in rows {
                        let target = c.baseAddress! + i * width
                        for index in rowOffsets[i]..<rowOffsets[i + 1] {
                            let value = values[index]
                            let source = b.baseAddress! + Int(columnIndices[index]) * width
                            for j in 0..<width { target[j] += value * source[j] }
                        }
                    }
                }
            }
        }
        return result
    }

    /// The product `self · x`.
    ///
    /// - Precondition: `x.count == columnCount`.
    /// - Complexity: O(nnz).
    @inlinable
    public func multiplied(by x: [Scalar]) -> [Scalar] {
        precondition(x.count == columnCount,
                     "Sparse–vector product shapes do not fit: \(rowCount)×\(columnCount) · \(x.count)")
        return (0..<rowCount).map { i in
            var sum: Scalar = 0
            for index in rowOffsets[i]..<rowOffsets[i + 1] { sum += values[index] * x[Int(columnIndices[index])] }
            return sum
        }
    }
}
