import LinearAlgebra

/// Seeded initial factors, drawn straight from the generator's bits in a loop that is
/// specialised for Float and Double (the generic `Matrix.random` costs a dynamic call
/// per element, which shows at millions of elements).
package enum _RandomFactors {
    /// A matrix of draws uniform on [0, scale).
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    package static func uniform<Scalar: BLASScalar>(
        rowCount: Int, columnCount: Int, scale: Double, using generator: inout SplitMix64
    ) -> Matrix<Scalar> {
        var result = Matrix<Scalar>(rowCount: rowCount, columnCount: columnCount)
        result.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices {
                buffer[index] = Scalar(Double(generator.next() >> 11) * 0x1p-53 * scale)
            }
        }
        return result
    }

    /// A matrix of draws from N(0, standardDeviation²), by the Box–Muller transform.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    package static func normal<Scalar: BLASScalar>(
        rowCount: Int, columnCount: Int, standardDeviation: Double, using generator: inout SplitMix64
    ) -> Matrix<Scalar> {
        var result = Matrix<Scalar>(rowCount: rowCount, columnCount: columnCount)
        result.withUnsafeMutableBufferPointer { buffer in
            var index = 0
            while index < buffer.count {
                // 1 − U lies in (0, 1], so the logarithm is finite.
                let u1 = 1 - Double(generator.next() >> 11) * 0x1p-53
                let u2 = Double(generator.next() >> 11) * 0x1p-53
                let radius = (-2 * _log(u1)).squareRoot() * standardDeviation
                let angle = 2 * Double.pi * u2
                buffer[index] = Scalar(radius * _cos(angle))
                if index + 1 < buffer.count { buffer[index + 1] = Scalar(radius * _sin(angle)) }
                index += 2
            }
        }
        return result
    }
}
