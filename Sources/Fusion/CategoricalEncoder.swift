import FeatureEncoding
import LinearAlgebra

/// Multi-hot encoding of a separated list of categories, such as MovieLens genres
/// (`"Adventure|Animation|Children"`).
///
/// The vocabulary is fitted on a corpus and sorted, so column `j` is always category
/// ``categories``[j]. Categories outside the vocabulary are ignored; an input with no
/// known category encodes to a zero row.
public struct CategoricalEncoder: TextEncoder, SparseFeatureEncoder {
    /// The categories, in column order.
    public let categories: [String]
    /// The separator between categories in an input.
    public let separator: Character
    private let columnOf: [String: Int]

    /// Fits the vocabulary: every distinct non-empty category in `corpus`, after trimming
    /// spaces, except those in `ignoring` (such as `"(no genres listed)"`).
    public init(fittingOn corpus: [String], separator: Character = "|", ignoring: Set<String> = []) {
        var seen = Set<String>()
        for text in corpus {
            for category in Self.split(text, separator) where !ignoring.contains(category) { seen.insert(category) }
        }
        categories = seen.sorted()
        self.separator = separator
        columnOf = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
    }

    /// An encoder with a vocabulary read back (from a model file, for example): column `j`
    /// is `categories[j]`.
    ///
    /// - Throws: ``FusionError/invalidParameter(name:value:reason:)`` for an empty or
    ///   repeated category, or more than `FeaturePipeline.maximumDimension` of them.
    public init(categories: [String], separator: Character = "|") throws(FusionError) {
        guard categories.count <= FeaturePipeline.maximumDimension else {
            throw .invalidParameter(name: "categories", value: "\(categories.count)",
                                    reason: "at most \(FeaturePipeline.maximumDimension) are supported")
        }
        var columnOf: [String: Int] = [:]
        for (column, category) in categories.enumerated() {
            guard !category.isEmpty, columnOf.updateValue(column, forKey: category) == nil else {
                throw .invalidParameter(name: "category \(column)", value: "\"\(category)\"", reason: "empty or repeated")
            }
        }
        self.categories = categories
        self.separator = separator
        self.columnOf = columnOf
    }

    /// The number of categories.
    public var dimension: Int { categories.count }

    /// A name that changes with the vocabulary.
    public var identifier: String {
        "categorical(\(separator))@" + String(_stableHash(categories.joined(separator: "\u{1F}")), radix: 16)
    }

    /// One multi-hot row per input.
    public func encode(_ inputs: [String]) async throws -> Matrix<Float> {
        var result = Matrix<Float>(rowCount: inputs.count, columnCount: dimension)
        for (row, text) in inputs.enumerated() {
            for category in Self.split(text, separator) {
                if let column = columnOf[category] { result[row, column] = 1 }
            }
        }
        return result
    }

    /// One multi-hot row per input, holding only the input's known categories.
    ///
    /// - Complexity: O(categories in the inputs · log of a row's categories).
    public func encodeSparse(_ inputs: [String]) async throws -> SparseMatrix<Float> {
        var offsets = [0], columns: [Int32] = []
        offsets.reserveCapacity(inputs.count + 1)
        for text in inputs {
            let row = Set(Self.split(text, separator).compactMap { columnOf[$0] }).sorted()
            columns.append(contentsOf: row.map { Int32($0) })
            offsets.append(columns.count)
        }
        return try! SparseMatrix(rowCount: inputs.count, columnCount: dimension, rowOffsets: offsets,
                                 columnIndices: columns, values: [Float](repeating: 1, count: columns.count))
    }

    private static func split(_ text: String, _ separator: Character) -> [String] {
        text.split(separator: separator).compactMap { part in
            var trimmed = part
            while trimmed.first == " " { trimmed = trimmed.dropFirst() }
            while trimmed.last == " " { trimmed = trimmed.dropLast() }
            return trimmed.isEmpty ? nil : String(trimmed)
        }
    }
}
