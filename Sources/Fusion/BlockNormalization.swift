import LinearAlgebra

/// The column and row transformation fitted on a block, replayed on rows encoded later.
public struct BlockNormalization<Scalar: BLASScalar>: Sendable, Hashable {
    /// The column means subtracted (zeros when not centring).
    public let columnMeans: [Scalar]
    /// The column divisors (ones when not scaling).
    public let columnScales: [Scalar]
    /// Whether rows are scaled to unit norm after the column steps.
    public let normalizeRows: Bool

    /// Creates a normalization from fitted statistics.
    public init(columnMeans: [Scalar], columnScales: [Scalar], normalizeRows: Bool) {
        precondition(columnMeans.count == columnScales.count,
                     "\(columnMeans.count) column means for \(columnScales.count) column scales")
        self.columnMeans = columnMeans
        self.columnScales = columnScales
        self.normalizeRows = normalizeRows
    }

    /// The number of columns it applies to.
    public var dimension: Int { columnMeans.count }

    /// Fits the statistics of `preprocessing` on the present rows of `features`, checking
    /// them for NaN and infinity.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    static func fitted(
        to features: Matrix<Scalar>, presence: [Bool], preprocessing: BlockPreprocessing, block: String
    ) throws(FusionError) -> BlockNormalization {
        let columns = features.columnCount
        var means = [Scalar](repeating: 0, count: columns)
        var scales = [Scalar](repeating: 1, count: columns)
        let presentCount = presence.reduce(0) { $0 + ($1 ? 1 : 0) }
        try features.withUnsafeBufferPointer { (x) throws(FusionError) in
            for row in 0..<features.rowCount where presence[row] {
                for column in 0..<columns where !x[row * columns + column].isFinite {
                    throw .nonFiniteFeature(block: block, row: row, column: column)
                }
            }
            if presentCount > 0, preprocessing.centerColumns || preprocessing.scaleColumns {
                var sums = [Double](repeating: 0, count: columns), squares = sums
                for row in 0..<features.rowCount where presence[row] {
                    for column in 0..<columns {
                        let value = Double(x[row * columns + column])
                        sums[column] += value
                        squares[column] += value * value
                    }
                }
                for column in 0..<columns {
                    let mean = sums[column] / Double(presentCount)
                    let variance = max(0, squares[column] / Double(presentCount) - mean * mean)
                    if preprocessing.centerColumns { means[column] = Scalar(mean) }
                    if preprocessing.scaleColumns, variance > 0 { scales[column] = Scalar(variance.squareRoot()) }
                }
            }
        }
        return BlockNormalization(columnMeans: means, columnScales: scales, normalizeRows: preprocessing.normalizeRows)
    }

    /// Validates raw rows (column count, finiteness) and transforms them.
    ///
    /// - Throws: ``FusionError/blockShape(block:reason:)``, ``FusionError/nonFiniteFeature(block:row:column:)``.
    func validatedApply(to rows: Matrix<Scalar>, block: String) throws(FusionError) -> Matrix<Scalar> {
        guard rows.columnCount == dimension else {
            throw .blockShape(block: block, reason: "\(rows.columnCount) feature columns, the block has \(dimension)")
        }
        if let (row, column) = rows.firstNonFiniteIndex() {
            throw .nonFiniteFeature(block: block, row: row, column: column)
        }
        return apply(to: rows, presence: [Bool](repeating: true, count: rows.rowCount))
    }

    /// Transforms rows; absent rows become zero.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    func apply(to raw: Matrix<Scalar>, presence: [Bool]) -> Matrix<Scalar> {
        var result = raw
        let columns = raw.columnCount
        result.withUnsafeMutableBufferPointer { x in
            for row in 0..<raw.rowCount {
                let base = row * columns
                guard presence[row] else {
                    for column in 0..<columns { x[base + column] = 0 }
                    continue
                }
                for column in 0..<columns {
                    x[base + column] = (x[base + column] - columnMeans[column]) / columnScales[column]
                }
            }
        }
        if normalizeRows { result.normalizeRows() }
        return result
    }

    /// Fits the statistics of `preprocessing` on the present rows of sparse `features`:
    /// the column scales of the dense rows (their zeros included), no centring.
    ///
    /// - Throws: ``FusionError/invalidParameter(name:value:reason:)`` when `preprocessing`
    ///   centres columns, ``FusionError/nonFiniteFeature(block:row:column:)``.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    static func fitted(
        toSparse features: SparseMatrix<Scalar>, presence: [Bool], preprocessing: BlockPreprocessing, block: String
    ) throws(FusionError) -> BlockNormalization {
        guard !preprocessing.centerColumns else {
            throw .invalidParameter(name: "preprocessing of block '\(block)'", value: "centerColumns",
                                    reason: "centring makes a sparse block dense; build the block dense to centre it")
        }
        let columns = features.columnCount
        var scales = [Scalar](repeating: 1, count: columns)
        let presentCount = presence.reduce(0) { $0 + ($1 ? 1 : 0) }
        var sums = [Double](repeating: 0, count: preprocessing.scaleColumns ? columns : 0), squares = sums
        for row in 0..<features.rowCount where presence[row] {
            for index in features.rowOffsets[row]..<features.rowOffsets[row + 1] {
                let column = Int(features.columnIndices[index]), value = features.values[index]
                guard value.isFinite else { throw .nonFiniteFeature(block: block, row: row, column: column) }
                if preprocessing.scaleColumns {
                    sums[column] += Double(value)
                    squares[column] += Double(value) * Double(value)
                }
            }
        }
        if presentCount > 0, preprocessing.scaleColumns {
            for column in 0..<columns {
                let mean = sums[column] / Double(presentCount)
                let variance = max(0, squares[column] / Double(presentCount) - mean * mean)
                if variance > 0 { scales[column] = Scalar(variance.squareRoot()) }
            }
        }
        return BlockNormalization(
            columnMeans: [Scalar](repeating: 0, count: columns), columnScales: scales,
            normalizeRows: preprocessing.normalizeRows)
    }

    /// Validates raw sparse rows (column count, no centring) and transforms them.
    ///
    /// - Throws: ``FusionError/blockShape(block:reason:)``, ``FusionError/invalidParameter(name:value:reason:)``.
    func validatedApply(toSparse rows: SparseMatrix<Scalar>, block: String) throws(FusionError) -> SparseMatrix<Scalar> {
        guard rows.columnCount == dimension else {
            throw .blockShape(block: block, reason: "\(rows.columnCount) feature columns, the block has \(dimension)")
        }
        guard columnMeans.allSatisfy({ $0 == 0 }) else {
            throw .invalidParameter(name: "preprocessing of block '\(block)'", value: "centerColumns",
                                    reason: "the block's columns are centred, which sparse rows cannot be")
        }
        return try apply(toSparse: rows, presence: [Bool](repeating: true, count: rows.rowCount), block: block)
    }

    /// Transforms sparse rows (this normalization centres nothing); absent rows become
    /// empty. Entries are scaled exactly as ``apply(to:presence:)`` scales dense ones.
    ///
    /// - Throws: ``FusionError/nonFiniteFeature(block:row:column:)`` when a scaled entry
    ///   overflows.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    func apply(toSparse raw: SparseMatrix<Scalar>, presence: [Bool], block: String) throws(FusionError) -> SparseMatrix<Scalar> {
        var offsets = [0], columns: [Int32] = [], values: [Scalar] = []
        offsets.reserveCapacity(raw.rowCount + 1)
        columns.reserveCapacity(raw.nonZeroCount)
        values.reserveCapacity(raw.nonZeroCount)
        for row in 0..<raw.rowCount {
            if presence[row] {
                let start = values.count
                for index in raw.rowOffsets[row]..<raw.rowOffsets[row + 1] {
                    let column = Int(raw.columnIndices[index])
                    let value = (raw.values[index] - columnMeans[column]) / columnScales[column]
                    guard value != 0 else { continue }
                    guard value.isFinite else { throw .nonFiniteFeature(block: block, row: row, column: column) }
                    columns.append(raw.columnIndices[index])
                    values.append(value)
                }
                if normalizeRows { _normalize(&values[start...]) }
            }
            offsets.append(columns.count)
        }
        return try! SparseMatrix(rowCount: raw.rowCount, columnCount: raw.columnCount, rowOffsets: offsets,
                                 columnIndices: columns, values: values)
    }
}
