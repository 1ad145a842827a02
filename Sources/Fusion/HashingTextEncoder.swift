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
        // Document frequencies are integer counts, so the chunks' partial counts sum to
        // the same result in any order and for any thread count.
        let partials = Parallel.mapChunks(of: corpus.indices, grainSize: Self.grainSize(corpus.count)) { range in
            var counts = [Int32](repeating: 0, count: dimension)
            var seen = [Bool](repeating: false, count: dimension)
            var touched: [Int] = []
            var buffers = _TextFeatureBuffers()
            for text in corpus[range] {
                Self.forEachFeature(of: text, wordNGrams: wordNGrams, characterNGrams: characterNGrams, buffers: &buffers) {
                    hash in
                    let bucket = Int(hash % UInt64(dimension))
                    if !seen[bucket] {
                        seen[bucket] = true
                        touched.append(bucket)
                    }
                }
                for bucket in touched {
                    counts[bucket] += 1
                    seen[bucket] = false
                }
                touched.removeAll(keepingCapacity: true)
            }
            return counts
        }
        var documentFrequency = [Int](repeating: 0, count: dimension)
        for counts in partials {
            for (bucket, count) in counts.enumerated() { documentFrequency[bucket] += Int(count) }
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
            Parallel.forEachChunk(of: inputs.indices, grainSize: Self.grainSize(inputs.count)) { rows in
                var buffers = _TextFeatureBuffers()
                for row in rows {
                    let base = row * dimension
                    Self.forEachFeature(
                        of: inputs[row], wordNGrams: wordNGrams, characterNGrams: characterNGrams, buffers: &buffers
                    ) { hash in
                        let bucket = Int(hash % UInt64(dimension))
                        let sign: Float = (hash >> 63) == 0 ? 1 : -1
                        x[base + bucket] += sign * inverseDocumentFrequencies[bucket]
                    }
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
        let dimension = self.dimension
        // Rows are independent: each chunk builds its rows, and the chunks are joined in order.
        let chunks = Parallel.mapChunks(of: inputs.indices, grainSize: Self.grainSize(inputs.count)) { rows in
            var lengths: [Int] = [], columns: [Int32] = [], values: [Float] = []
            lengths.reserveCapacity(rows.count)
            var accumulator = [Float](repeating: 0, count: dimension)
            var touched: [Int] = []
            var buffers = _TextFeatureBuffers()
            for row in rows {
                Self.forEachFeature(
                    of: inputs[row], wordNGrams: wordNGrams, characterNGrams: characterNGrams, buffers: &buffers
                ) { hash in
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
                lengths.append(values.count - start)
            }
            return (lengths, columns, values)
        }
        let total = chunks.reduce(0) { $0 + $1.2.count }
        var offsets = [0], columns: [Int32] = [], values: [Float] = []
        offsets.reserveCapacity(inputs.count + 1)
        columns.reserveCapacity(total)
        values.reserveCapacity(total)
        for (lengths, chunkColumns, chunkValues) in chunks {
            for length in lengths { offsets.append(offsets[offsets.count - 1] + length) }
            columns.append(contentsOf: chunkColumns)
            values.append(contentsOf: chunkValues)
        }
        return try! SparseMatrix(rowCount: inputs.count, columnCount: dimension, rowOffsets: offsets,
                                 columnIndices: columns, values: values)
    }

    /// Texts per parallel chunk: a few chunks per thread, each at least 1,024 texts, so the
    /// per-chunk buffers (a `dimension`-long accumulator) stay few.
    static func grainSize(_ count: Int) -> Int {
        max(1_024, (count + 4 * Parallel.threadCount - 1) / (4 * Parallel.threadCount))
    }

    /// Calls `body` with the hash of every feature of `text`: its word n-grams, then the
    /// character n-grams of each word, in order. `buffers` is scratch space a caller keeps
    /// across texts, so that a text costs no allocation once the buffers have grown.
    static func forEachFeature(
        of text: String, wordNGrams: ClosedRange<Int>, characterNGrams: ClosedRange<Int>?,
        buffers: inout _TextFeatureBuffers, _ body: (UInt64) -> Void
    ) {
        buffers.split(text)
        let scalars = buffers.scalars, starts = buffers.wordStarts
        let wordCount = starts.count - 1
        // A word n-gram is its words joined by one space.
        for length in wordNGrams where length <= wordCount {
            for first in 0...(wordCount - length) {
                var hasher = _StableHasher(seed: UInt64(length))
                for word in first..<(first + length) {
                    if word > first { hasher.combine(UInt8(ascii: " ")) }
                    for index in starts[word]..<starts[word + 1] { hasher.combine(scalars[index]) }
                }
                body(hasher.finalize())
            }
        }
        guard let characterNGrams else { return }
        // A character n-gram is a window of the word padded with "<" and ">".
        for word in 0..<wordCount {
            let base = starts[word], padded = starts[word + 1] - base + 2
            for length in characterNGrams where length <= padded {
                for first in 0...(padded - length) {
                    var hasher = _StableHasher(seed: 0x100 + UInt64(length))
                    for position in first..<(first + length) {
                        if position == 0 {
                            hasher.combine(UInt8(ascii: "<"))
                        } else if position == padded - 1 {
                            hasher.combine(UInt8(ascii: ">"))
                        } else {
                            hasher.combine(scalars[base + position - 1])
                        }
                    }
                    body(hasher.finalize())
                }
            }
        }
    }
}

/// Scratch space for ``HashingTextEncoder``'s features: a text's words, lower-cased, back
/// to back as Unicode scalars, and where each starts.
struct _TextFeatureBuffers {
    /// The words' scalars, without separators.
    private(set) var scalars: [Unicode.Scalar] = []
    /// The start of each word in ``scalars``, then the end of the last: word `i` is
    /// `scalars[wordStarts[i]..<wordStarts[i + 1]]`.
    private(set) var wordStarts: [Int] = [0]

    /// Splits `text` into words: lower-cased, at every character that is neither a letter
    /// nor a digit.
    mutating func split(_ text: String) {
        scalars.removeAll(keepingCapacity: true)
        wordStarts.removeAll(keepingCapacity: true)
        wordStarts.append(0)
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII: the same words as the general path below, without grapheme breaking
            // and Unicode property lookups.
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    scalars.append(Unicode.Scalar(byte))
                case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                    scalars.append(Unicode.Scalar(byte + 0x20))
                default:
                    endWord()
                }
            }
        } else {
            for character in text.lowercased() {
                if character.isLetter || character.isNumber {
                    scalars.append(contentsOf: character.unicodeScalars)
                } else {
                    endWord()
                }
            }
        }
        endWord()
    }

    private mutating func endWord() {
        if scalars.count > wordStarts[wordStarts.count - 1] { wordStarts.append(scalars.count) }
    }
}
