import FeatureEncoding
import LinearAlgebra

/// Encoding of one numeric attribute (a release year, a price, an age).
///
/// Missing values never become a fake number: a block built through this encoder marks
/// rows whose value is `nil` as absent (see
/// `SideInformationBlock.encoding(name:ids:inputs:using:cache:batchSize:weight:preprocessing:)`).
public struct NumericEncoder: SparseFeatureEncoder {
    /// How a value becomes features.
    public enum Representation: Sendable, Hashable {
        /// One column: `(x − mean) / standard deviation`, fitted on the corpus.
        case standardized
        /// One-hot buckets `[origin + w·j, origin + w·(j+1))` spanning the corpus, with
        /// values outside clamped to the first or last bucket. Keeps non-linear signal
        /// (a decade of release) that a single linear column loses.
        case buckets(width: Double)
        /// Decided by the fit: one-hot buckets of width 1 for a column of whole numbers
        /// spanning at most ``NumericEncoder/maximumAutomaticSpan`` values (a year, an age,
        /// a rating), standardised otherwise. One-hot years beat standardised years by
        /// 0.11 AUC and decades by 0.02 on MovieLens cold items (`Docs/Fusion.md`). The
        /// fitted encoder holds the representation chosen, never `automatic`.
        case automatic
    }

    /// The representation.
    public let representation: Representation
    /// The fitted mean (standardized) or the first bucket's lower edge (buckets).
    public let origin: Double
    /// The fitted standard deviation (standardized) or the bucket width (buckets).
    public let scale: Double
    /// The number of output columns.
    public let dimension: Int

    /// The most buckets a fitted encoder may have, 1,048,576 (2²⁰): the span of the corpus
    /// divided by the bucket width must stay below it, so that a stray value (`1e19`) or a
    /// tiny width cannot ask for terabytes of features.
    public static let maximumBucketCount = 1 << 20

    /// The widest span of whole numbers (largest − smallest + 1) that
    /// ``Representation/automatic`` one-hot encodes, 256.
    public static let maximumAutomaticSpan = 256

    /// Fits the encoder on the finite values of `corpus`.
    ///
    /// - Throws: ``FusionError/invalidParameter(name:value:reason:)`` when the corpus holds
    ///   no finite value, a bucket width is not positive and finite, or the corpus spans
    ///   more than ``maximumBucketCount`` buckets.
    public init(fittingOn corpus: [Double], representation: Representation = .automatic) throws(FusionError) {
        let values = corpus.filter(\.isFinite)
        guard let low = values.min(), let high = values.max() else {
            throw .invalidParameter(name: "numeric corpus", value: "\(corpus.count) values",
                                    reason: "holds no finite value")
        }
        let chosen = representation == .automatic
            ? Self.automaticRepresentation(low: low, high: high, values: values) : representation
        self.representation = chosen
        switch chosen {
        case .automatic:
            preconditionFailure("automaticRepresentation chose automatic")
        case .standardized:
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
            origin = mean
            scale = variance > 0 ? variance.squareRoot() : 1
            dimension = 1
        case .buckets(let width):
            guard width > 0, width.isFinite else {
                throw .invalidParameter(name: "bucket width", value: "\(width)", reason: "must be positive and finite")
            }
            // Rounding can put the edge above `low` when the width is tiny next to the
            // values (1995 with width 1e-300); the edge never passes the lowest value.
            let origin = min((low / width).rounded(.down) * width, low)
            let count = ((high - origin) / width).rounded(.down) + 1
            guard origin.isFinite, count >= 1, count <= Double(Self.maximumBucketCount) else {
                throw .invalidParameter(
                    name: "bucket width", value: "\(width)",
                    reason: "values from \(low) to \(high) need more than \(Self.maximumBucketCount) buckets")
            }
            self.origin = origin
            scale = width
            dimension = Int(count)
        }
    }

    /// What ``Representation/automatic`` becomes for finite values from `low` to `high`.
    static func automaticRepresentation(low: Double, high: Double, values: [Double]) -> Representation {
        let isWhole = values.allSatisfy { $0 == $0.rounded() }
        return isWhole && high - low < Double(maximumAutomaticSpan) ? .buckets(width: 1) : .standardized
    }

    /// An encoder with fitted state read back (from a model file, for example).
    ///
    /// - Parameters:
    ///   - representation: standardised or bucketed (the width is `scale` for buckets).
    ///   - origin: the mean, or the first bucket's lower edge.
    ///   - scale: the standard deviation, or the bucket width.
    ///   - dimension: 1 when standardised, else the number of buckets.
    /// - Throws: ``FusionError/invalidParameter(name:value:reason:)`` for values that no
    ///   fit produces: non-finite or non-positive scales, a bucket width that differs from
    ///   `scale`, or a bucket count outside `1...maximumBucketCount`.
    public init(representation: Representation, origin: Double, scale: Double, dimension: Int) throws(FusionError) {
        guard origin.isFinite, scale.isFinite, scale > 0 else {
            throw .invalidParameter(name: "numeric state", value: "origin \(origin), scale \(scale)",
                                    reason: "must be finite with a positive scale")
        }
        switch representation {
        case .automatic:
            throw .invalidParameter(name: "numeric representation", value: "automatic",
                                    reason: "a fitted encoder holds the representation chosen")
        case .standardized:
            guard dimension == 1 else {
                throw .invalidParameter(name: "numeric dimension", value: "\(dimension)", reason: "a standardised column has 1")
            }
        case .buckets(let width):
            guard width == scale, (1...Self.maximumBucketCount).contains(dimension) else {
                throw .invalidParameter(name: "bucket state", value: "width \(width), scale \(scale), \(dimension) buckets",
                                        reason: "width must equal scale and the count lie in 1...\(Self.maximumBucketCount)")
            }
        }
        self.representation = representation
        self.origin = origin
        self.scale = scale
        self.dimension = dimension
    }

    /// A name that changes with the fitted state.
    public var identifier: String {
        switch representation {
        case .automatic: preconditionFailure("a fitted encoder is never automatic")
        case .standardized: return "numeric(standardized,mean=\(origin),sd=\(scale))"
        case .buckets: return "numeric(buckets,origin=\(origin),width=\(scale),count=\(dimension))"
        }
    }

    /// Encodes values.
    ///
    /// - Throws: ``FusionError/invalidParameter(name:value:reason:)`` for a NaN or infinite
    ///   value (pass missing values as `nil` to the block builder instead).
    public func encode(_ inputs: [Double]) async throws -> Matrix<Float> {
        try await encodeSparse(inputs).dense()
    }

    /// The rows of ``encode(_:)`` as a sparse matrix: one entry per bucketed input (its
    /// bucket), one per standardised input that is not exactly the mean.
    ///
    /// - Throws: ``FusionError/invalidParameter(name:value:reason:)`` for a value that is not
    ///   finite, or whose standardised value overflows `Float`.
    public func encodeSparse(_ inputs: [Double]) async throws -> SparseMatrix<Float> {
        var offsets = [0], columns: [Int32] = [], values: [Float] = []
        offsets.reserveCapacity(inputs.count + 1)
        for (row, value) in inputs.enumerated() {
            guard value.isFinite else {
                throw FusionError.invalidParameter(name: "numeric input \(row)", value: "\(value)",
                                                   reason: "must be finite; pass missing values as nil")
            }
            switch representation {
            case .automatic:
                preconditionFailure("a fitted encoder is never automatic")
            case .standardized:
                let standardized = Float((value - origin) / scale)
                guard standardized.isFinite else {
                    throw FusionError.invalidParameter(name: "numeric input \(row)", value: "\(value)",
                                                       reason: "its standardised value overflows Float")
                }
                if standardized != 0 {
                    columns.append(0)
                    values.append(standardized)
                }
            case .buckets:
                let position = min(max(((value - origin) / scale).rounded(.down), 0), Double(dimension - 1))
                columns.append(Int32(position))
                values.append(1)
            }
            offsets.append(columns.count)
        }
        return try! SparseMatrix(rowCount: inputs.count, columnCount: dimension, rowOffsets: offsets,
                                 columnIndices: columns, values: values)
    }
}

extension NumericEncoder {
    /// The coarse bucket width that an automatic cross uses for values from `low` to
    /// `high`: the smallest width of the form 1, 2 or 5 × 10ⁿ that cuts the span into at
    /// most 12 buckets (10 for years from 1902 to 2016), 1 when all values are equal.
    public static func coarseBucketWidth(from low: Double, to high: Double) -> Double {
        let target = high / 12 - low / 12
        guard target > 0, target.isFinite else { return 1 }
        var power = 1.0
        while power * 10 <= target { power *= 10 }
        while power > target { power /= 10 }
        for step in [1.0, 2, 5, 10] where step * power >= target && (step * power).isFinite {
            return step * power
        }
        return target
    }

    /// The lower edge of the bucket of width `width` that holds `value`, as text: the
    /// name of that bucket in a cross of categories and buckets (`Drama@1990`). Edges
    /// that are whole numbers of magnitude below 2⁵³ are written without a fraction
    /// (`1990`), others in Swift's shortest form (`1e+19`, `0.25`).
    ///
    /// - Throws: ``FusionError/invalidParameter(name:value:reason:)`` when `value` or
    ///   `width` is not finite, `width` is not positive, or `value / width` overflows.
    public static func bucketName(of value: Double, width: Double) throws(FusionError) -> String {
        guard width > 0, width.isFinite else {
            throw .invalidParameter(name: "bucket width", value: "\(width)", reason: "must be positive and finite")
        }
        let edge = (value / width).rounded(.down) * width
        guard value.isFinite, edge.isFinite else {
            throw .invalidParameter(name: "numeric value", value: "\(value)",
                                    reason: "has no bucket of width \(width) (not finite, or too large for that width)")
        }
        if edge == edge.rounded(), abs(edge) < 0x1p53 { return String(Int64(edge)) }
        return "\(edge)"
    }
}
