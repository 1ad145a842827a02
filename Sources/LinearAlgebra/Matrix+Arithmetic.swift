extension Matrix {
    /// Multiplies every element by `alpha` in place.
    @inlinable
    public mutating func scale(by alpha: Scalar) {
        let count = storage.count
        guard count > 0 else { return }
        storage.withUnsafeMutableBufferPointer { p in Scalar._scal(count: count, alpha: alpha, x: p.baseAddress!, incx: 1) }
    }

    /// Adds `alpha · other` to this matrix in place (BLAS `axpy`).
    ///
    /// - Precondition: the shapes are equal.
    @inlinable
    public mutating func add(_ other: Matrix, scaledBy alpha: Scalar = 1) {
        precondition(
            rowCount == other.rowCount && columnCount == other.columnCount,
            "Cannot add a \(other.rowCount)×\(other.columnCount) matrix to a \(rowCount)×\(columnCount) matrix")
        let count = storage.count
        guard count > 0 else { return }
        other.storage.withUnsafeBufferPointer { px in
            storage.withUnsafeMutableBufferPointer { py in
                Scalar._axpy(count: count, alpha: alpha, x: px.baseAddress!, incx: 1, y: py.baseAddress!, incy: 1)
            }
        }
    }

    /// The Frobenius inner product `Σᵢⱼ selfᵢⱼ·otherᵢⱼ`.
    ///
    /// - Precondition: the shapes are equal.
    @inlinable
    public func dot(_ other: Matrix) -> Scalar {
        precondition(
            rowCount == other.rowCount && columnCount == other.columnCount,
            "Cannot take the inner product of \(rowCount)×\(columnCount) and \(other.rowCount)×\(other.columnCount)")
        let count = storage.count
        guard count > 0 else { return 0 }
        return storage.withUnsafeBufferPointer { px in
            other.storage.withUnsafeBufferPointer { py in
                Scalar._dot(count: count, x: px.baseAddress!, incx: 1, y: py.baseAddress!, incy: 1)
            }
        }
    }

    /// The Frobenius norm `√(Σᵢⱼ selfᵢⱼ²)`, computed by BLAS `nrm2` without undue overflow.
    @inlinable
    public var frobeniusNorm: Scalar {
        let count = storage.count
        guard count > 0 else { return 0 }
        return storage.withUnsafeBufferPointer { p in Scalar._nrm2(count: count, x: p.baseAddress!, incx: 1) }
    }

    /// The Euclidean norm of each row.
    @inlinable
    public func rowNorms() -> [Scalar] {
        let columns = columnCount
        guard columns > 0 else { return [Scalar](repeating: 0, count: rowCount) }
        return storage.withUnsafeBufferPointer { p in
            (0..<rowCount).map { i in Scalar._nrm2(count: columns, x: p.baseAddress! + i * columns, incx: 1) }
        }
    }

    /// Scales every row to unit Euclidean norm in place; rows of norm zero stay zero.
    @inlinable
    public mutating func normalizeRows() {
        let norms = rowNorms()
        let columns = columnCount
        storage.withUnsafeMutableBufferPointer { p in
            for (i, norm) in norms.enumerated() where norm > 0 {
                Scalar._scal(count: columns, alpha: 1 / norm, x: p.baseAddress! + i * columns, incx: 1)
            }
        }
    }

    /// A copy with every row scaled to unit Euclidean norm; rows of norm zero stay zero.
    @inlinable
    public func rowNormalized() -> Matrix {
        var result = self
        result.normalizeRows()
        return result
    }

    /// The element-wise (Hadamard) product.
    ///
    /// - Precondition: the shapes are equal.
    @inlinable
    public func elementwiseMultiplied(by other: Matrix) -> Matrix {
        combined(with: other, "multiply element-wise", *)
    }

    /// The element-wise quotient.
    ///
    /// - Precondition: the shapes are equal.
    @inlinable
    public func elementwiseDivided(by other: Matrix) -> Matrix {
        combined(with: other, "divide element-wise", /)
    }

    /// A matrix of the same shape with `transform` applied to every element.
    @inlinable
    public func map(_ transform: (Scalar) throws -> Scalar) rethrows -> Matrix {
        var result = self
        try result.storage.withUnsafeMutableBufferPointer { p in
            for index in p.indices { p[index] = try transform(p[index]) }
        }
        return result
    }

    @inlinable
    internal func combined(with other: Matrix, _ name: String, _ operation: (Scalar, Scalar) -> Scalar) -> Matrix {
        precondition(
            rowCount == other.rowCount && columnCount == other.columnCount,
            "Cannot \(name) a \(rowCount)×\(columnCount) and a \(other.rowCount)×\(other.columnCount) matrix")
        var result = self
        result.storage.withUnsafeMutableBufferPointer { p in
            other.storage.withUnsafeBufferPointer { q in
                for index in p.indices { p[index] = operation(p[index], q[index]) }
            }
        }
        return result
    }

    /// The element-wise sum; the shapes must be equal (a precondition).
    @inlinable
    public static func + (lhs: Matrix, rhs: Matrix) -> Matrix {
        var result = lhs
        result.add(rhs)
        return result
    }

    /// The element-wise difference; the shapes must be equal (a precondition).
    @inlinable
    public static func - (lhs: Matrix, rhs: Matrix) -> Matrix {
        var result = lhs
        result.add(rhs, scaledBy: -1)
        return result
    }

    /// Adds `rhs` element-wise; the shapes must be equal (a precondition).
    @inlinable
    public static func += (lhs: inout Matrix, rhs: Matrix) { lhs.add(rhs) }

    /// Subtracts `rhs` element-wise; the shapes must be equal (a precondition).
    @inlinable
    public static func -= (lhs: inout Matrix, rhs: Matrix) { lhs.add(rhs, scaledBy: -1) }

    /// The matrix with every element negated.
    @inlinable
    public static prefix func - (operand: Matrix) -> Matrix { operand * -1 }

    /// Every element multiplied by `rhs`.
    @inlinable
    public static func * (lhs: Matrix, rhs: Scalar) -> Matrix {
        var result = lhs
        result.scale(by: rhs)
        return result
    }

    /// Every element of `rhs` multiplied by `lhs`.
    @inlinable
    public static func * (lhs: Scalar, rhs: Matrix) -> Matrix { rhs * lhs }

    /// Multiplies every element by `rhs`.
    @inlinable
    public static func *= (lhs: inout Matrix, rhs: Scalar) { lhs.scale(by: rhs) }

    /// Every element divided by `rhs`.
    @inlinable
    public static func / (lhs: Matrix, rhs: Scalar) -> Matrix { lhs.map { $0 / rhs } }
}
