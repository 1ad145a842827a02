/// A bias kept in the last column of a factor matrix, as the explicit half-step solves
/// factors and bias together.
extension Matrix {
    /// This matrix without its last column.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    package func droppingLastColumn() -> Matrix {
        let width = columnCount
        var result = Matrix(rowCount: rowCount, columnCount: width - 1)
        withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                for row in 0..<rowCount {
                    for column in 0..<(width - 1) { target[row * (width - 1) + column] = source[row * width + column] }
                }
            }
        }
        return result
    }

    /// This matrix with `column` (one value per row; zeros when `nil`) appended as its
    /// last column.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    package func appendingColumn(_ column: [Scalar]?) -> Matrix {
        precondition(column.map { $0.count == rowCount } ?? true, "\(column!.count) values for \(rowCount) rows")
        let width = columnCount
        var result = Matrix(rowCount: rowCount, columnCount: width + 1)
        withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                for row in 0..<rowCount {
                    for c in 0..<width { target[row * (width + 1) + c] = source[row * width + c] }
                    target[row * (width + 1) + width] = column?[row] ?? 0
                }
            }
        }
        return result
    }
}
