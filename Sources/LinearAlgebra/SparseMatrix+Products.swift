extension SparseMatrix {
    /// The product `self · dense`, computed row-parallel on ``Parallel``.
    ///
    /// Each result row is accumulated in registers, 32 columns at a time, over the row's
    /// entries in order, so the result does not depend on the thread count.
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
        // About 64 chunks of equal work (a row costs its entries plus one), so that a few
        // long rows — an intercept column of a transposed design — do not leave one
        // thread working alone; each row is independent, so chunking never changes the
        // result.
        let chunkCount = min(rowCount, 64)
        let work = nonZeroCount + rowCount
        let boundaries = (0...chunkCount).map { chunk -> Int in
            let target = work * chunk / chunkCount
            var (low, high) = (0, rowCount)
            while low < high {
                let middle = (low + high) / 2
                if rowOffsets[middle] + middle < target { low = middle + 1 } else { high = middle }
            }
            return low
        }
        dense.withUnsafeBufferPointer { b in
            result.withUnsafeMutableBufferPointer { c in
                rowOffsets.withUnsafeBufferPointer { offsets in
                    columnIndices.withUnsafeBufferPointer { columns in
                        values.withUnsafeBufferPointer { values in
                            let shared = _UncheckedSendable((b, c, offsets, columns, values))
                            Parallel.forEachChunk(of: 0..<chunkCount, grainSize: 1) { chunks in
                                let (b, c, offsets, columns, values) = shared.value
                                for chunk in chunks {
                                    for i in boundaries[chunk]..<boundaries[chunk + 1] {
                                        _sparseRowProduct(
                                            offsets[i]..<offsets[i + 1], columns, values, b.baseAddress!, width,
                                            into: c.baseAddress! + i * width)
                                    }
                                }
                            }
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

/// `target[0..<width] = Σ values[e] · dense[columns[e]][0..<width]` over the entries `e`
/// of one sparse row, in entry order, 32 columns at a time accumulated in a stack tile the
/// compiler keeps in registers — instead of a load and store of the target per entry
/// (about twice as fast at width 64). Generic SIMD types would be simpler but are not
/// specialised into vector code here.
extension SparseMatrix {
    /// `selfᵀ · dense` (`columnCount × dense.columnCount`) without forming the transpose.
    ///
    /// A fixed number of row chunks (at most 16, fewer when the partial products would pass
    /// 4M scalars) each scatter their rows into a partial product, reading `dense` row by
    /// row in order; the partials are summed in chunk order, so the result depends on the
    /// shapes only, never on the thread count. Suits a narrow transpose (a feature design
    /// with a few thousand columns); for very many columns multiply the ``transposed()``
    /// matrix instead.
    ///
    /// - Complexity: O(nnz · width + chunks · columnCount · width) time, O(chunks ·
    ///   columnCount · width) scratch.
    @inlinable
    public func transposeMultiplied(by dense: Matrix<Scalar>) -> Matrix<Scalar> {
        precondition(
            dense.rowCount == rowCount,
            "Sparse-transpose–dense product shapes do not fit: (\(rowCount)×\(columnCount))ᵀ · \(dense.rowCount)×\(dense.columnCount)")
        let width = dense.columnCount, n = columnCount
        let partialSize = max(1, n * width)
        let chunkCount = max(1, min(rowCount, 16, (1 << 22) / partialSize))
        guard width > 0, n > 0, rowCount > 0 else { return Matrix(rowCount: n, columnCount: width) }
        let boundaries = (0...chunkCount).map { chunk -> Int in
            let target = (nonZeroCount + rowCount) * chunk / chunkCount
            var (low, high) = (0, rowCount)
            while low < high {
                let middle = (low + high) / 2
                if rowOffsets[middle] + middle < target { low = middle + 1 } else { high = middle }
            }
            return low
        }
        let partials: [[Scalar]] = dense.withUnsafeBufferPointer { b in
            rowOffsets.withUnsafeBufferPointer { offsets in
                columnIndices.withUnsafeBufferPointer { columns in
                    values.withUnsafeBufferPointer { values in
                        let shared = _UncheckedSendable((b, offsets, columns, values))
                        return Parallel.mapChunks(of: 0..<chunkCount, grainSize: 1) { chunks in
                            let (b, offsets, columns, values) = shared.value
                            var partial = [Scalar](repeating: 0, count: n * width)
                            partial.withUnsafeMutableBufferPointer { c in
                                for chunk in chunks {
                                    for i in boundaries[chunk]..<boundaries[chunk + 1] {
                                        let row = b.baseAddress! + i * width
                                        for e in offsets[i]..<offsets[i + 1] {
                                            let value = values[e], target = c.baseAddress! + Int(columns[e]) * width
                                            for j in 0..<width { target[j] += value * row[j] }
                                        }
                                    }
                                }
                            }
                            return partial
                        }
                    }
                }
            }
        }
        var result = Matrix<Scalar>(rowCount: n, columnCount: width)
        result.withUnsafeMutableBufferPointer { c in
            for partial in partials {
                for index in 0..<(n * width) { c[index] += partial[index] }
            }
        }
        return result
    }
}

@inlinable @inline(__always)
func _sparseRowProduct<Scalar: BLASScalar>(
    _ entries: Range<Int>, _ columns: UnsafeBufferPointer<Int32>, _ values: UnsafeBufferPointer<Scalar>,
    _ dense: UnsafePointer<Scalar>, _ width: Int, into target: UnsafeMutablePointer<Scalar>
) {
    let tile = 32
    withUnsafeTemporaryAllocation(of: Scalar.self, capacity: tile) { sum in
        var start = 0
        while start + tile <= width {
            for j in 0..<tile { sum[j] = 0 }
            for e in entries {
                let value = values[e], row = dense + Int(columns[e]) * width + start
                for j in 0..<tile { sum[j] += value * row[j] }
            }
            for j in 0..<tile { target[start + j] = sum[j] }
            start += tile
        }
        let rest = width - start
        guard rest > 0 else { return }
        for j in 0..<rest { sum[j] = 0 }
        for e in entries {
            let value = values[e], row = dense + Int(columns[e]) * width + start
            for j in 0..<rest { sum[j] += value * row[j] }
        }
        for j in 0..<rest { target[start + j] = sum[j] }
    }
}
