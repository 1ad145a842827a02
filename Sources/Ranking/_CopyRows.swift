import LinearAlgebra

/// Copies row `order[target]` of `source` (a row beyond it: zeros) into row `target` of
/// `factors` and into the first columns of row `target` of `vectors`, whose last two
/// columns get `extra(order[target])`: the ranker's reordered factor tables, one memory
/// copy per row (row-by-row `setRow` of fresh arrays, unspecialised, took seconds at 200k users).
///
/// - Complexity: O(rows × columns).
func _copyRows<Scalar: BLASScalar>(
    of source: Matrix<Scalar>, in order: [Int], into factors: inout Matrix<Scalar>, and vectors: inout Matrix<Scalar>,
    extra: (Int) -> (Scalar, Scalar)
) {
    let k = factors.columnCount, width = vectors.columnCount, stride = MemoryLayout<Scalar>.stride
    source.withUnsafeBufferPointer { source in
        factors.withUnsafeMutableBufferPointer { factors in
            vectors.withUnsafeMutableBufferPointer { vectors in
                for (target, row) in order.enumerated() {
                    if row * k < source.count {
                        let from = UnsafeRawPointer(source.baseAddress! + row * k)
                        UnsafeMutableRawPointer(factors.baseAddress! + target * k).copyMemory(from: from, byteCount: k * stride)
                        UnsafeMutableRawPointer(vectors.baseAddress! + target * width).copyMemory(from: from, byteCount: k * stride)
                    }
                    (vectors[target * width + k], vectors[target * width + k + 1]) = extra(row)
                }
            }
        }
    }
}
