/// A sparse matrix in compressed sparse row (CSR) form.
///
/// Row `i` holds the entries at offsets `rowOffsets[i]..<rowOffsets[i + 1]` of
/// ``columnIndices`` and ``values``; within a row, column indices are strictly
/// ascending. Explicit zeros given as input are kept (an implicit-feedback model may
/// give them meaning).
///
/// ```swift
/// let r = try SparseMatrix<Float>(rowCount: 2, columnCount: 3, triplets: [
///     .init(row: 0, column: 2, value: 5), .init(row: 1, column: 0, value: 3),
/// ])
/// ```
public struct SparseMatrix<Scalar: BLASScalar>: Sendable {
    /// One entry given to the builder.
    public struct Triplet: Sendable, Hashable {
        /// The row index.
        public var row: Int
        /// The column index.
        public var column: Int
        /// The value; entries repeated at one position are summed by the builder.
        public var value: Scalar

        /// Creates an entry.
        public init(row: Int, column: Int, value: Scalar) {
            self.row = row
            self.column = column
            self.value = value
        }
    }

    /// What to do with several triplets at the same position.
    public enum DuplicatePolicy: Sendable, Hashable {
        /// Add the values.
        case sum
        /// Keep the value that came last in the input.
        case last
    }

    /// The number of rows.
    public let rowCount: Int
    /// The number of columns.
    public let columnCount: Int
    /// `rowCount + 1` offsets into ``columnIndices`` and ``values``.
    public let rowOffsets: [Int]
    /// The column of each stored entry, ascending within each row.
    public let columnIndices: [Int32]
    /// The value of each stored entry.
    public let values: [Scalar]

    /// The number of stored entries.
    @inlinable
    public var nonZeroCount: Int { values.count }

    /// Builds a matrix from `(row, column, value)` triplets.
    ///
    /// - Throws: ``LinearAlgebraError/invalidTriplet(index:row:column:value:reason:)`` naming
    ///   the first triplet (by position in the input) whose index is out of range or whose
    ///   value is NaN or infinite, and ``LinearAlgebraError/negativeDimension(rows:columns:)``.
    /// - Complexity: O(nnz + rows) plus a sort of each row's columns.
    public init(
        rowCount: Int, columnCount: Int, triplets: some Sequence<Triplet>, duplicates: DuplicatePolicy = .sum
    ) throws(LinearAlgebraError) {
        var rows: [Int] = [], columns: [Int] = [], values: [Scalar] = []
        for triplet in triplets {
            rows.append(triplet.row)
            columns.append(triplet.column)
            values.append(triplet.value)
        }
        try self.init(rowCount: rowCount, columnCount: columnCount, rows: rows, columns: columns, values: values,
                      duplicates: duplicates)
    }

    /// Builds a matrix from parallel arrays of row indices, column indices and values.
    ///
    /// - Throws: as ``init(rowCount:columnCount:triplets:duplicates:)``, plus
    ///   ``LinearAlgebraError/shapeMismatch(operation:left:right:)`` when the arrays differ in length.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public init(
        rowCount: Int, columnCount: Int, rows: [Int], columns: [Int], values: [Scalar],
        duplicates: DuplicatePolicy = .sum
    ) throws(LinearAlgebraError) {
        guard rowCount >= 0, columnCount >= 0 else { throw .negativeDimension(rows: rowCount, columns: columnCount) }
        guard columnCount <= Int(Int32.max) else {
            throw .shapeMismatch(operation: "sparse matrix", left: "\(columnCount) columns",
                                 right: "the limit of \(Int32.max)")
        }
        guard rows.count == columns.count, rows.count == values.count else {
            throw .shapeMismatch(operation: "sparse triplets", left: "\(rows.count) rows, \(columns.count) columns",
                                 right: "\(values.count) values")
        }
        for index in rows.indices {
            let (row, column, value) = (rows[index], columns[index], values[index])
            let reason: String? =
                !(0..<rowCount).contains(row) ? "row out of range 0..<\(rowCount)"
                : !(0..<columnCount).contains(column) ? "column out of range 0..<\(columnCount)"
                : !value.isFinite ? "value is not finite" : nil
            if let reason {
                throw .invalidTriplet(index: index, row: row, column: column, value: Double(value), reason: reason)
            }
        }
        // Counting sort by row keeps input order within a row, so a stable sort by column
        // then leaves duplicates in input order and `last` can take the last one.
        var offsets = [Int](repeating: 0, count: rowCount + 1)
        for row in rows { offsets[row + 1] += 1 }
        for i in 0..<rowCount { offsets[i + 1] += offsets[i] }
        var order = [Int](repeating: 0, count: rows.count)
        var cursor = offsets
        for index in rows.indices {
            order[cursor[rows[index]]] = index
            cursor[rows[index]] += 1
        }
        var outOffsets = [Int](repeating: 0, count: rowCount + 1)
        var outColumns: [Int32] = []
        var outValues: [Scalar] = []
        outColumns.reserveCapacity(rows.count)
        outValues.reserveCapacity(rows.count)
        for i in 0..<rowCount {
            var entries = order[offsets[i]..<offsets[i + 1]]
            if !entries.isEmpty && !entries.elementsEqual(entries.sorted(by: { columns[$0] < columns[$1] })) {
                entries = ArraySlice(entries.enumerated()
                    .sorted { (columns[$0.element], $0.offset) < (columns[$1.element], $1.offset) }
                    .map(\.element))
            }
            for index in entries {
                let column = Int32(columns[index])
                if let last = outColumns.last, outColumns.count > outOffsets[i], last == column {
                    switch duplicates {
                    case .sum: outValues[outValues.count - 1] += values[index]
                    case .last: outValues[outValues.count - 1] = values[index]
                    }
                } else {
                    outColumns.append(column)
                    outValues.append(values[index])
                }
            }
            outOffsets[i + 1] = outColumns.count
        }
        self.init(unchecked: rowCount, columnCount, outOffsets, outColumns, outValues)
    }

    /// Wraps existing CSR arrays after validating them.
    ///
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:left:right:)`` when the offsets
    ///   are not `rowCount + 1` non-decreasing values from 0 to `values.count`, and
    ///   ``LinearAlgebraError/invalidTriplet(index:row:column:value:reason:)`` for a column out
    ///   of range, out of order or repeated within a row, or a non-finite value.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public init(
        rowCount: Int, columnCount: Int, rowOffsets: [Int], columnIndices: [Int32], values: [Scalar]
    ) throws(LinearAlgebraError) {
        guard rowCount >= 0, columnCount >= 0 else { throw .negativeDimension(rows: rowCount, columns: columnCount) }
        guard rowOffsets.count == rowCount + 1, rowOffsets.first == 0, rowOffsets.last == values.count,
              columnIndices.count == values.count,
              zip(rowOffsets, rowOffsets.dropFirst()).allSatisfy({ $0 <= $1 })
        else {
            throw .shapeMismatch(
                operation: "CSR arrays", left: "\(rowOffsets.count) offsets for \(rowCount) rows",
                right: "\(columnIndices.count) columns and \(values.count) values")
        }
        for i in 0..<rowCount {
            for index in rowOffsets[i]..<rowOffsets[i + 1] {
                let column = Int(columnIndices[index])
                let reason: String? =
                    !(0..<columnCount).contains(column) ? "column out of range 0..<\(columnCount)"
                    : index > rowOffsets[i] && columnIndices[index - 1] >= columnIndices[index]
                    ? "columns not strictly ascending within the row"
                    : !values[index].isFinite ? "value is not finite" : nil
                if let reason {
                    throw .invalidTriplet(
                        index: index, row: i, column: column, value: Double(values[index]), reason: reason)
                }
            }
        }
        self.init(unchecked: rowCount, columnCount, rowOffsets, columnIndices, values)
    }

    @usableFromInline
    package init(unchecked rowCount: Int, _ columnCount: Int, _ offsets: [Int], _ columns: [Int32], _ values: [Scalar]) {
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.rowOffsets = offsets
        self.columnIndices = columns
        self.values = values
    }

    /// The number of stored entries in row `i`.
    @inlinable
    public func nonZeroCount(inRow i: Int) -> Int { rowOffsets[i + 1] - rowOffsets[i] }

    /// The range of offsets of row `i` into ``columnIndices`` and ``values``.
    @inlinable
    public func entryRange(ofRow i: Int) -> Range<Int> {
        precondition(i >= 0 && i < rowCount, "Row \(i) out of range for \(rowCount) rows")
        return rowOffsets[i]..<rowOffsets[i + 1]
    }

    /// Calls `body` with borrowed buffers of row `i`'s column indices and values, without copying.
    @inlinable
    public func withRow<R, E: Error>(
        _ i: Int, _ body: (UnsafeBufferPointer<Int32>, UnsafeBufferPointer<Scalar>) throws(E) -> R
    ) throws(E) -> R {
        let range = entryRange(ofRow: i)
        return try columnIndices.withUnsafeBufferPointer { columns throws(E) in
            try values.withUnsafeBufferPointer { values throws(E) in
                try body(UnsafeBufferPointer(rebasing: columns[range]), UnsafeBufferPointer(rebasing: values[range]))
            }
        }
    }

    /// The value at `(i, j)`, zero when not stored.
    ///
    /// - Complexity: O(log nnz(row i)).
    @inlinable
    public subscript(i: Int, j: Int) -> Scalar {
        precondition(i >= 0 && i < rowCount && j >= 0 && j < columnCount,
                     "Index (\(i), \(j)) out of range for a \(rowCount)×\(columnCount) sparse matrix")
        var low = rowOffsets[i], high = rowOffsets[i + 1]
        let target = Int32(j)
        while low < high {
            let mid = (low + high) / 2
            if columnIndices[mid] < target { low = mid + 1 } else { high = mid }
        }
        return low < rowOffsets[i + 1] && columnIndices[low] == target ? values[low] : 0
    }

    /// The transpose, in CSR form (equivalently, this matrix in CSC form), built on
    /// ``Parallel/threadCount`` threads.
    ///
    /// - Complexity: O(nnz + threads × columns): each thread counts, then writes, the entries
    ///   of its own range of rows.
    @inlinable
    public func transposed() -> SparseMatrix {
        var offsets: [Int] = []
        var newValues: [Scalar] = []
        let count = nonZeroCount
        let columns = [Int32](unsafeUninitializedCapacity: count) { columns, columnsInitialized in
            newValues = [Scalar](unsafeUninitializedCapacity: count) { newValues, valuesInitialized in
                rowOffsets.withUnsafeBufferPointer { rowOffsets in
                    columnIndices.withUnsafeBufferPointer { columnIndices in
                        values.withUnsafeBufferPointer { values in
                            offsets = _stableScatter(entryCount: count, targetCount: columnCount) { entries, histogram in
                                for entry in entries { histogram[Int(columnIndices[entry])] += 1 }
                            } write: { entries, cursor in
                                guard !entries.isEmpty else { return }
                                var row = _row(holding: entries.lowerBound, offsets: rowOffsets)
                                for entry in entries {
                                    while rowOffsets[row + 1] <= entry { row += 1 }
                                    let j = Int(columnIndices[entry]), position = cursor[j]
                                    cursor[j] = position + 1
                                    columns[position] = Int32(truncatingIfNeeded: row)
                                    newValues[position] = values[entry]
                                }
                            }
                        }
                    }
                }
                valuesInitialized = count
            }
            columnsInitialized = count
        }
        return SparseMatrix(unchecked: columnCount, rowCount, offsets, columns, newValues)
    }

    /// The dense equivalent.
    @inlinable
    public func dense() -> Matrix<Scalar> {
        var result = Matrix<Scalar>(rowCount: rowCount, columnCount: columnCount)
        for i in 0..<rowCount {
            for index in rowOffsets[i]..<rowOffsets[i + 1] { result[i, Int(columnIndices[index])] = values[index] }
        }
        return result
    }
}

extension SparseMatrix: Equatable {}
