/// A dense, row-major, contiguous matrix with value semantics.
///
/// Storage is a single Swift array, so copies are cheap until one of them is mutated
/// (copy-on-write). Element `(i, j)` lives at offset `i * columnCount + j`. Products,
/// Gram matrices and decompositions run on BLAS and LAPACK through ``BLASScalar``.
///
/// ```swift
/// let a = try Matrix<Double>(rows: [[4, 1], [1, 3]])
/// let x = try a.solvedSymmetricPositiveDefinite(Matrix(rowCount: 2, columnCount: 1, repeating: 1))
/// ```
public struct Matrix<Scalar: BLASScalar>: Sendable {
    /// The number of rows.
    public let rowCount: Int
    /// The number of columns.
    public let columnCount: Int
    @usableFromInline
    internal var storage: [Scalar]

    /// The elements in row-major order.
    @inlinable
    public var elements: [Scalar] { storage }

    /// Creates a matrix of the given shape with every element set to `value`.
    ///
    /// - Precondition: both dimensions are non-negative.
    @inlinable
    public init(rowCount: Int, columnCount: Int, repeating value: Scalar = 0) {
        precondition(rowCount >= 0 && columnCount >= 0, "Matrix shape \(rowCount)×\(columnCount) is negative")
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.storage = Array(repeating: value, count: rowCount * columnCount)
    }

    /// Creates a matrix from its elements in row-major order.
    ///
    /// - Throws: ``LinearAlgebraError/elementCountMismatch(expected:actual:rows:columns:)``
    ///   when `elements.count != rowCount * columnCount`, and
    ///   ``LinearAlgebraError/negativeDimension(rows:columns:)`` for a negative shape.
    @inlinable
    public init(rowCount: Int, columnCount: Int, elements: [Scalar]) throws(LinearAlgebraError) {
        guard rowCount >= 0, columnCount >= 0 else {
            throw .negativeDimension(rows: rowCount, columns: columnCount)
        }
        let (expected, overflow) = rowCount.multipliedReportingOverflow(by: columnCount)
        guard !overflow, elements.count == expected else {
            throw .elementCountMismatch(
                expected: overflow ? Int.max : expected, actual: elements.count, rows: rowCount, columns: columnCount)
        }
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.storage = elements
    }

    /// Creates a matrix from an array of rows of equal length.
    ///
    /// An empty array gives a 0×0 matrix.
    /// - Throws: ``LinearAlgebraError/raggedRows(row:expected:actual:)`` when the rows differ in length.
    @inlinable
    public init(rows: [[Scalar]]) throws(LinearAlgebraError) {
        let columns = rows.first?.count ?? 0
        var storage: [Scalar] = []
        storage.reserveCapacity(rows.count * columns)
        for (index, row) in rows.enumerated() {
            guard row.count == columns else { throw .raggedRows(row: index, expected: columns, actual: row.count) }
            storage.append(contentsOf: row)
        }
        self.rowCount = rows.count
        self.columnCount = columns
        self.storage = storage
    }

    /// Creates a matrix whose element `(i, j)` is `element(i, j)`.
    @inlinable
    public init(rowCount: Int, columnCount: Int, _ element: (_ row: Int, _ column: Int) throws -> Scalar) rethrows {
        self.init(rowCount: rowCount, columnCount: columnCount)
        for i in 0..<rowCount {
            for j in 0..<columnCount { storage[i * columnCount + j] = try element(i, j) }
        }
    }

    /// The `n×n` identity matrix.
    @inlinable
    public static func identity(_ n: Int) -> Matrix {
        var result = Matrix(rowCount: n, columnCount: n)
        for i in 0..<n { result.storage[i * n + i] = 1 }
        return result
    }

    /// The shape as `(rowCount, columnCount)`.
    @inlinable
    public var shape: (rows: Int, columns: Int) { (rowCount, columnCount) }

    /// Whether the matrix has no elements.
    @inlinable
    public var isEmpty: Bool { storage.isEmpty }

    /// Accesses the element at row `i`, column `j`.
    @inlinable
    public subscript(i: Int, j: Int) -> Scalar {
        get {
            precondition(i >= 0 && i < rowCount && j >= 0 && j < columnCount,
                         "Index (\(i), \(j)) out of range for a \(rowCount)×\(columnCount) matrix")
            return storage[i * columnCount + j]
        }
        set {
            precondition(i >= 0 && i < rowCount && j >= 0 && j < columnCount,
                         "Index (\(i), \(j)) out of range for a \(rowCount)×\(columnCount) matrix")
            storage[i * columnCount + j] = newValue
        }
    }

    /// A copy of row `i`.
    @inlinable
    public func row(_ i: Int) -> [Scalar] {
        precondition(i >= 0 && i < rowCount, "Row \(i) out of range for \(rowCount) rows")
        return Array(storage[i * columnCount..<(i + 1) * columnCount])
    }

    /// Replaces row `i` with `values`.
    @inlinable
    public mutating func setRow(_ i: Int, to values: some Collection<Scalar>) {
        precondition(i >= 0 && i < rowCount, "Row \(i) out of range for \(rowCount) rows")
        precondition(values.count == columnCount, "Row of \(values.count) values for \(columnCount) columns")
        var offset = i * columnCount
        for value in values {
            storage[offset] = value
            offset += 1
        }
    }

    /// A copy of column `j`.
    @inlinable
    public func column(_ j: Int) -> [Scalar] {
        precondition(j >= 0 && j < columnCount, "Column \(j) out of range for \(columnCount) columns")
        return (0..<rowCount).map { storage[$0 * columnCount + j] }
    }

    /// Calls `body` with a borrowed pointer to the elements (row-major), without copying.
    @inlinable
    public func withUnsafeBufferPointer<R, E: Error>(
        _ body: (UnsafeBufferPointer<Scalar>) throws(E) -> R
    ) throws(E) -> R {
        try storage.withUnsafeBufferPointer { buffer throws(E) in try body(buffer) }
    }

    /// Calls `body` with a mutable pointer to the elements (row-major). The storage is
    /// made unique first, so other copies of the matrix never see the writes.
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R, E: Error>(
        _ body: (inout UnsafeMutableBufferPointer<Scalar>) throws(E) -> R
    ) throws(E) -> R {
        try storage.withUnsafeMutableBufferPointer { buffer throws(E) in try body(&buffer) }
    }

    /// Calls `body` with a borrowed pointer to row `i`, without copying.
    @inlinable
    public func withRow<R, E: Error>(
        _ i: Int, _ body: (UnsafeBufferPointer<Scalar>) throws(E) -> R
    ) throws(E) -> R {
        precondition(i >= 0 && i < rowCount, "Row \(i) out of range for \(rowCount) rows")
        return try storage.withUnsafeBufferPointer { buffer throws(E) in
            try body(UnsafeBufferPointer(rebasing: buffer[i * columnCount..<(i + 1) * columnCount]))
        }
    }

    /// Calls `body` with a mutable pointer to row `i`.
    @inlinable
    public mutating func withMutableRow<R, E: Error>(
        _ i: Int, _ body: (UnsafeMutableBufferPointer<Scalar>) throws(E) -> R
    ) throws(E) -> R {
        precondition(i >= 0 && i < rowCount, "Row \(i) out of range for \(rowCount) rows")
        let columns = columnCount
        return try storage.withUnsafeMutableBufferPointer { buffer throws(E) in
            try body(UnsafeMutableBufferPointer(rebasing: buffer[i * columns..<(i + 1) * columns]))
        }
    }

    /// The transpose.
    ///
    /// - Complexity: O(rows × columns), blocked for cache locality.
    @inlinable
    public func transposed() -> Matrix {
        var result = Matrix(rowCount: columnCount, columnCount: rowCount)
        let rows = rowCount, columns = columnCount
        let tile = 32
        storage.withUnsafeBufferPointer { source in
            result.storage.withUnsafeMutableBufferPointer { target in
                for i0 in stride(from: 0, to: rows, by: tile) {
                    for j0 in stride(from: 0, to: columns, by: tile) {
                        for i in i0..<min(i0 + tile, rows) {
                            for j in j0..<min(j0 + tile, columns) {
                                target[j * rows + i] = source[i * columns + j]
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    /// The index of the first NaN or infinite element as `(row, column)`, or `nil`.
    @inlinable
    public func firstNonFiniteIndex() -> (row: Int, column: Int)? {
        let offset: Int? = storage.withUnsafeBufferPointer { buffer in
            for index in buffer.indices where !buffer[index].isFinite { return index }
            return nil
        }
        guard let offset else { return nil }
        return (offset / columnCount, offset % columnCount)
    }

    /// Throws ``LinearAlgebraError/nonFiniteValue(row:column:operation:)`` naming the
    /// first NaN or infinite element, if any.
    @inlinable
    public func validateFinite(_ operation: String) throws(LinearAlgebraError) {
        if let (row, column) = firstNonFiniteIndex() {
            throw .nonFiniteValue(row: row, column: column, operation: operation)
        }
    }
}

extension Matrix: Equatable {
    @inlinable
    public static func == (lhs: Matrix, rhs: Matrix) -> Bool {
        lhs.rowCount == rhs.rowCount && lhs.columnCount == rhs.columnCount && lhs.storage == rhs.storage
    }
}

extension Matrix: CustomStringConvertible {
    public var description: String {
        var lines = ["\(rowCount)×\(columnCount) Matrix<\(Scalar.self)>"]
        for i in 0..<min(rowCount, 8) {
            let shown = (0..<min(columnCount, 8)).map { "\(self[i, $0])" }.joined(separator: "  ")
            lines.append("  [" + shown + (columnCount > 8 ? "  …]" : "]"))
        }
        if rowCount > 8 { lines.append("  …") }
        return lines.joined(separator: "\n")
    }
}
