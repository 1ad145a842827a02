import LinearAlgebra

// Short-vector kernels for the per-row loops of the factorisation models. Vectors are
// k long (k is the factor count, tens to a few hundred), far too short for a BLAS call
// to pay for itself, so these are plain loops that the optimiser vectorises once the
// caller is specialised for Float or Double. The dot product keeps eight independent
// partial sums: a single running sum is a dependency chain that cannot be vectorised
// without reassociation, which Swift does not allow on its own.

/// `xᵀy` over `count` elements.
@inlinable @inline(__always)
package func _dot<Scalar: BLASScalar>(_ x: UnsafePointer<Scalar>, _ y: UnsafePointer<Scalar>, _ count: Int) -> Scalar {
    var s0: Scalar = 0, s1: Scalar = 0, s2: Scalar = 0, s3: Scalar = 0
    var s4: Scalar = 0, s5: Scalar = 0, s6: Scalar = 0, s7: Scalar = 0
    var index = 0
    while index + 8 <= count {
        s0 += x[index] * y[index]
        s1 += x[index + 1] * y[index + 1]
        s2 += x[index + 2] * y[index + 2]
        s3 += x[index + 3] * y[index + 3]
        s4 += x[index + 4] * y[index + 4]
        s5 += x[index + 5] * y[index + 5]
        s6 += x[index + 6] * y[index + 6]
        s7 += x[index + 7] * y[index + 7]
        index += 8
    }
    while index < count {
        s0 += x[index] * y[index]
        index += 1
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
}

/// `y ← y + a·x` over `count` elements.
@inlinable @inline(__always)
package func _axpy<Scalar: BLASScalar>(_ a: Scalar, _ x: UnsafePointer<Scalar>, _ y: UnsafeMutablePointer<Scalar>, _ count: Int) {
    for index in 0..<count { y[index] += a * x[index] }
}

/// `y ← G·x` for a symmetric `count×count` row-major `G`, as a sum of rows scaled by
/// the entries of `x` (axpy form, which vectorises without reassociation).
@inline(__always)
func _symmetricMultiply<Scalar: BLASScalar>(
    _ g: UnsafePointer<Scalar>, _ x: UnsafePointer<Scalar>, _ y: UnsafeMutablePointer<Scalar>, _ count: Int
) {
    for index in 0..<count { y[index] = 0 }
    for row in 0..<count { _axpy(x[row], g + row * count, y, count) }
}

/// Whether all `count` elements are finite: x·0 is NaN exactly when x is NaN or infinite.
@inline(__always)
func _allFinite<Scalar: BLASScalar>(_ x: UnsafePointer<Scalar>, _ count: Int) -> Bool {
    var s0: Scalar = 0, s1: Scalar = 0, s2: Scalar = 0, s3: Scalar = 0
    var index = 0
    while index + 4 <= count {
        s0 += x[index] * 0
        s1 += x[index + 1] * 0
        s2 += x[index + 2] * 0
        s3 += x[index + 3] * 0
        index += 4
    }
    while index < count {
        s0 += x[index] * 0
        index += 1
    }
    return (s0 + s1 + s2 + s3) == 0
}

extension Matrix {
    /// Whether every element is finite, by a vectorisable scan.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    package func _isFinite() -> Bool {
        withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return true }
            return _allFinite(base, buffer.count)
        }
    }
}
