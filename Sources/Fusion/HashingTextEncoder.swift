import FeatureEncoding
import LinearAlgebra

/// A light text encoder: word and character n-grams, TF-IDF weighted, hashed with a sign
/// into a fixed number of dimensions, rows scaled to unit length.
///
/// Fitting on a corpus learns the inverse document frequency of every hashed feature;
/// encoding is then a pure function of the text, so the same text always gives the same
/// row. No model files, no network: the default text encoder when no language model is
/// available.
///
/// Text is lower-cased and split into words at every character that is neither a letter
/// nor a digit. Word n-grams join consecutive words; character n-grams are taken from
/// each word padded with `<` and `>`. Each feature lands in bucket `h mod dimension`
/// with sign `±1` from another bit of the same hash (Weinberger et al. 2009), weighted
/// by `tf · idf`, `idf = ln((1 + N) / (1 + df)) + 1` over the N fitted documents.
///
/// [Weinberger 2009]: https://arxiv.org/abs/0902.2206
public struct HashingTextEncoder: TextEncoder, SparseFeatureEncoder {
    /// The number of output dimensions.
    public let dimension: Int
    /// The word n-gram lengths used.
    public let wordNGrams: ClosedRange<Int>
    /// The character n-gram lengths used (within words); `nil` for none.
    public let characterNGrams: ClosedRange<Int>?
    /// The inverse document frequency of each bucket, fitted on the corpus.
    public let inverseDocumentFrequencies: [Float]

    /// The largest dimension, 16,777,216 (2²⁴): the fitted frequencies take 4 bytes per
    /// dimension and every encoded row as many.
    public static let maximumDimension = 1 << 24

    /// Fits the inverse document frequencies on `corpus`.
    ///
    /// The default dimension, 256, is the pipeline's and the command line's: it measured as
    /// well as 512 and 1,024 on MovieLens titles (`Docs/Fusion.md`).
    ///
    /// - Throws: ``FusionError/invalidParameter(name:value:reason:)`` for a dimension below 1
    ///   or above ``maximumDimension``, or n-gram lengths below 1.
    /// - Complexity: O(total characters × n-gram lengths).
    public init(
        fittingOn corpus: [String], dimension: Int = 256, wordNGrams: ClosedRange<Int> = 1...2,
        characterNGrams: ClosedRange<Int>? = 3...5
    ) throws(FusionError) {
        try Self.checkSettings(dimension: dimension, wordNGrams: wordNGrams, characterNGrams: characterNGrams)
        self.dimension = dimension
        self.wordNGrams = wordNGrams
        self.characterNGrams = characterNGrams
        var documentFrequency = [Int](repeating: 0, count: dimension)
        var seen = [Bool](repeating: false, count: dimension)
        for text in corpus {
            var touched: [Int] = []
            Self.forEachFeature(of: text, wordNGrams: wordNGrams, characterNGrams: characterNGrams) { hash in
                let bucket = Int(hash % UInt64(dimension))
                if !seen[bucket] {
                    seen[bucket] = true
                    touched.append(bucket)
                }
            }
            for bucket in touched {
                documentFrequency[bucket] += 1
                seen[bucket] = false
            }
        }
        let n = Float(corpus.count)
        inverseDocumentFrequencies = documentFrequency.map { _logf((1 + n) / (1 + Float($0))) + 1 }
    }

    /// An encoder with fitted state read back (from a model file, for example).
    ///
    /// - Throws: ``FusionError/invalidParameter(name:value:reason:)`` for a dimension outside
    ///   `1...maximumDimension`, n-gram lengths below 1, or frequencies that
    ///   are not `dimension` finite positive values.
    public init(
        dimension: Int, wordNGrams: ClosedRange<Int>, characterNGrams: ClosedRange<Int>?, inverseDocumentFrequencies: [Float]
    ) throws(FusionError) {
        try Self.checkSettings(dimension: dimension, wordNGrams: wordNGrams, characterNGrams: characterNGrams)
        guard inverseDocumentFrequencies.count == dimension, inverseDocumentFrequencies.allSatisfy({ $0.isFinite && $0 > 0 })
        else {
            throw .invalidParameter(name: "inverse document frequencies", value: "\(inverseDocumentFrequencies.count) values",
                                    reason: "must be \(dimension) finite positive values")
        }
        self.dimension = dimension
        self.wordNGrams = wordNGrams
        self.characterNGrams = characterNGrams
        self.inverseDocumentFrequencies = inverseDocumentFrequencies
    }

    /// Checks a dimension and n-gram lengths before anything is allocated.
    ///
    /// - Parameter block: the block the settings belong to, named in the error.
    /// - Throws: ``FusionError/invalidParameter(name:value:reason:)`` for a dimension outside
    ///   `1...maximumDimension` or an n-gram length below 1.
    static func checkSettings(
        dimension: Int, wordNGrams: ClosedRange<Int>, characterNGrams: ClosedRange<Int>?, block: String? = nil
    ) throws(FusionError) {
        let of = block.map { " of block '\($0)'" } ?? ""
        guard (1...maximumDimension).contains(dimension) else {
            throw .invalidParameter(name: "hashing dimension" + of, value: "\(dimension)",
                                    reason: "must be from 1 to \(maximumDimension)")
        }
        guard wordNGrams.lowerBound >= 1, (characterNGrams?.lowerBound ?? 1) >= 1 else {
            throw .invalidParameter(name: "n-gram lengths" + of, value: "\(wordNGrams), \(String(describing: characterNGrams))",
                                    reason: "must start at 1 or more")
        }
    }

    /// A name that changes with the settings and the fitted frequencies.
    public var identifier: String {
        var hasher = _StableHasher(seed: 0)
        for value in inverseDocumentFrequencies {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { for byte in $0 { hasher.combine(byte) } }
        }
        let fingerprint = hasher.finalize()
        let characters = characterNGrams.map { "\($0.lowerBound)-\($0.upperBound)" } ?? "none"
        let hex = String(fingerprint, radix: 16)
        return "hashing-tfidf(d=\(dimension),w=\(wordNGrams.lowerBound)-\(wordNGrams.upperBound),c=\(characters))@\(hex)"
    }

    /// Encodes texts into unit-length rows (all-zero rows for texts without features).
    public func encode(_ inputs: [String]) async throws -> Matrix<Float> { encodeSynchronously(inputs) }

    /// Encodes texts without suspending.
    public func encodeSynchronously(_ inputs: [String]) -> Matrix<Float> {
        var result = Matrix<Float>(rowCount: inputs.count, columnCount: dimension)
        let dimension = self.dimension
        result.withUnsafeMutableBufferPointer { x in
            for (row, text) in inputs.enumerated() {
                let base = row * dimension
                Self.forEachFeature(of: text, wordNGrams: wordNGrams, characterNGrams: characterNGrams) { hash in
                    let bucket = Int(hash % UInt64(dimension))
                    let sign: Float = (hash >> 63) == 0 ? 1 : -1
                    x[base + bucket] += sign * inverseDocumentFrequencies[bucket]
                }
            }
        }
        result.normalizeRows()
        return result
    }

    /// Encodes texts into unit-length sparse rows: the rows of ``encode(_:)``, holding
    /// only the buckets a text's features land in (and do not cancel in).
    ///
    /// - Complexity: O(features of the texts + touched buckets · log touched buckets).
    public func encodeSparse(_ inputs: [String]) async throws -> SparseMatrix<Float> { encodeSparseSynchronously(inputs) }

    /// Encodes texts as sparse rows without suspending.
    public func encodeSparseSynchronously(_ inputs: [String]) -> SparseMatrix<Float> {
        var offsets = [0], columns: [Int32] = [], values: [Float] = []
        offsets.reserveCapacity(inputs.count + 1)
        var accumulator = [Float](repeating: 0, count: dimension)
        var touched: [Int] = []
        for text in inputs {
            Self.forEachFeature(of: text, wordNGrams: wordNGrams, characterNGrams: characterNGrams) { hash in
                let bucket = Int(hash % UInt64(dimension))
                let sign: Float = (hash >> 63) == 0 ? 1 : -1
                if accumulator[bucket] == 0 { touched.append(bucket) }
                accumulator[bucket] += sign * inverseDocumentFrequencies[bucket]
            }
            touched.sort()
            let start = values.count
            var previous = -1
            for bucket in touched where bucket != previous {
                previous = bucket
                if accumulator[bucket] != 0 {
                    columns.append(Int32(bucket))
                    values.append(accumulator[bucket])
                }
                accumulator[bucket] = 0
            }
            touched.removeAll(keepingCapacity: true)
            _normalize(&values[start...])
            offsets.append(values.count)
        }
        return try! SparseMatrix(rowCount: inputs.count, columnCount: dimension, rowOffsets: offsets,
                                 columnIndices: columns, values: values)
    }

    static func forEachFeature(
        of text: String, wordNGrams: ClosedRange<Int>, characterNGrams: ClosedRange<Int>?, _ body: (UInt64) -> Void
    ) {
        // Words as Unicode scalars; a word n-gram is its words joined by one space, and a
        // character n-gram a window of the word padded with "<" and ">".
        var words: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        func endWord() {
            if !current.isEmpty {
                words.append(current)
                current.removeAll(keepingCapacity: true)
            }
        }
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII: the same words as the general path below, without grapheme breaking
            // and Unicode property lookups.
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    current.append(Unicode.Scalar(byte))
                case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                    current.append(Unicode.Scalar(byte + 0x20))
                default:
                    endWord()
                }
            }
        } else {
            for character in text.lowercased() {
                if character.isLetter || character.isNumber {
                    current.append(contentsOf: character.unicodeScalars)
                } else {
                    endWord()
                }
            }
        }
        endWord()
        var gram: [Unicode.Scalar] = []
        for length in wordNGrams where length <= words.count {
            for start in 0...(words.count - length) {
                gram.removeAll(keepingCapacity: true)
                for (offset, word) in words[start..<(start + length)].enumerated() {
                    if offset > 0 { gram.append(" ") }
                    gram.append(contentsOf: word)
                }
                body(_stableHash(gram[...], seed: UInt64(length)))
            }
        }
        guard let characterNGrams else { return }
        for word in words {
            gram.removeAll(keepingCapacity: true)
            gram.append("<")
            gram.append(contentsOf: word)
            gram.append(">")
            for length in characterNGrams where length <= gram.count {
                for start in 0...(gram.count - length) {
                    body(_stableHash(gram[start..<(start + length)], seed: 0x100 + UInt64(length)))
                }
            }
        }
    }
}
