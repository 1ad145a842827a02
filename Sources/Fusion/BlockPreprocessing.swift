/// Column and row transformations applied before factorization, fitted on the
/// block's present rows and applied identically to rows encoded later.
public struct BlockPreprocessing: Sendable, Hashable, Codable {
    /// Subtract each column's mean.
    public var centerColumns: Bool
    /// Divide each column by its standard deviation (columns of zero spread are left).
    public var scaleColumns: Bool
    /// Scale each row to unit Euclidean norm, after the column steps.
    public var normalizeRows: Bool

    /// Creates preprocessing options; all off by default.
    public init(centerColumns: Bool = false, scaleColumns: Bool = false, normalizeRows: Bool = false) {
        self.centerColumns = centerColumns
        self.scaleColumns = scaleColumns
        self.normalizeRows = normalizeRows
    }

    /// No preprocessing.
    public static let none = BlockPreprocessing()
}
