extension Matrix {
    /// A matrix of independent draws from the uniform distribution on `range`.
    ///
    /// - Parameters:
    ///   - rowCount: the number of rows.
    ///   - columnCount: the number of columns.
    ///   - range: the interval the entries are drawn from.
    ///   - generator: the source of randomness; pass a seeded ``SplitMix64`` for
    ///     reproducible results.
    @inlinable
    public static func random(
        rowCount: Int, columnCount: Int, in range: ClosedRange<Scalar>,
        using generator: inout some RandomNumberGenerator
    ) -> Matrix {
        var result = Matrix(rowCount: rowCount, columnCount: columnCount)
        for index in result.storage.indices { result.storage[index] = Scalar.random(in: range, using: &generator) }
        return result
    }

    /// A matrix of independent draws from the normal distribution N(mean, standardDeviation²),
    /// by the Box–Muller transform computed in `Double`.
    @inlinable
    public static func randomNormal(
        rowCount: Int, columnCount: Int, mean: Scalar = 0, standardDeviation: Scalar = 1,
        using generator: inout some RandomNumberGenerator
    ) -> Matrix {
        var result = Matrix(rowCount: rowCount, columnCount: columnCount)
        var index = 0
        let count = result.storage.count
        while index < count {
            // 1 − U lies in (0, 1], so the logarithm is finite.
            let u1 = 1 - Double.random(in: 0..<1, using: &generator)
            let u2 = Double.random(in: 0..<1, using: &generator)
            let radius = (-2 * _log(u1)).squareRoot()
            let angle = 2 * Double.pi * u2
            result.storage[index] = mean + standardDeviation * Scalar(radius * _cos(angle))
            if index + 1 < count {
                result.storage[index + 1] = mean + standardDeviation * Scalar(radius * _sin(angle))
            }
            index += 2
        }
        return result
    }
}
