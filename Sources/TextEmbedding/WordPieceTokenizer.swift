// Canonical decomposition (NFD) comes from the standard library's `_nfd` view: the
// only NFD on Linux without Foundation, and the one swift-foundation itself builds on.
@_spi(_Unicode) import Swift
import FeatureEncoding

/// The BERT uncased WordPiece tokenizer, exactly as the Hugging Face reference
/// (`BertTokenizerFast` with `do_lower_case`) behaves.
///
/// ``encode(_:)`` runs these steps; `Tests/TextEmbeddingTests/Fixtures/README.md`
/// spells out each rule with the reference behaviour it encodes:
/// 1. The literal strings `[CLS]`, `[SEP]`, `[MASK]`, `[UNK]` and `[PAD]` are matched
///    in the raw text first (case-sensitive, even inside a word) and become their ids.
/// 2. Cleaning: U+0000, U+FFFD and every character of category Cc, Cf or Co except
///    tab, newline and carriage return are removed; tab, newline, carriage return,
///    category Zs, U+2028 and U+2029 become a space.
/// 3. CJK ideographs (the ranges of `isCJKIdeograph(_:)`) get spaces around them.
/// 4. Canonical decomposition (NFD), removal of category Mn, lower-casing per code point.
/// 5. Splitting on whitespace, then every punctuation character (ASCII symbols and
///    category P*) becomes a word of its own.
/// 6. Greedy longest-match-first WordPiece per word, with `##` marking continuations;
///    a word longer than 100 code points, or one with a piece not in the vocabulary,
///    becomes a single `[UNK]`.
/// 7. `[CLS]` in front, `[SEP]` at the end, truncated to ``maximumLength`` ids.
///
/// Vocabulary entries are compared code point by code point, never by Swift's
/// canonical string equivalence, because the reference does the same: a decomposed
/// Hangul syllable does not match its precomposed vocabulary entry.
public struct WordPieceTokenizer: Sendable {
    /// The number of entries in the vocabulary (the largest id plus one).
    public let vocabularySize: Int
    /// The maximum number of ids ``encode(_:)`` returns, `[CLS]` and `[SEP]` included.
    public let maximumLength: Int
    /// The id of `[CLS]`, put in front of every sequence.
    public let classifierID: Int
    /// The id of `[SEP]`, put at the end of every sequence.
    public let separatorID: Int
    /// The id of `[UNK]`, used for words that cannot be split into vocabulary pieces.
    public let unknownID: Int
    /// Words longer than this many code points become `[UNK]` without being split.
    public let maximumCharactersPerWord: Int

    private let specialTokens: [(bytes: [UInt8], id: Int)]
    private let trie: _VocabularyTrie

    /// Creates a tokenizer from the vocabulary entries in id order.
    ///
    /// - Parameters:
    ///   - vocabulary: the entries, entry `i` having id `i`; continuation pieces carry
    ///     the `##` prefix. A repeated entry keeps its last id, as the reference does.
    ///   - maximumLength: the largest number of ids per sequence (at least 2).
    ///   - maximumCharactersPerWord: the longest word (in code points) that is split
    ///     into pieces; longer words become `[UNK]`.
    ///   - source: where the vocabulary came from, for error messages.
    /// - Throws: ``TextEmbeddingError/invalidVocabulary(path:reason:)`` when `[CLS]`,
    ///   `[SEP]` or `[UNK]` is missing; `path` is `source`.
    public init(
        vocabulary: [String], maximumLength: Int = 256, maximumCharactersPerWord: Int = 100,
        source: String = "<vocabulary>"
    ) throws(TextEmbeddingError) {
        precondition(maximumLength >= 2, "A tokenizer's maximum length must leave room for [CLS] and [SEP], got \(maximumLength)")
        var identifiers: [String: Int] = [:]
        var trie = _VocabularyTrie()
        for (id, entry) in vocabulary.enumerated() {
            if entry.utf8.allSatisfy({ $0 < 0x80 }) { identifiers[entry] = id }
            trie.insert(Array(entry.unicodeScalars), id: Int32(id), continuation: false)
            if entry.unicodeScalars.starts(with: "##".unicodeScalars) {
                trie.insert(Array(entry.unicodeScalars.dropFirst(2)), id: Int32(id), continuation: true)
            }
        }
        func required(_ token: String) throws(TextEmbeddingError) -> Int {
            guard let id = identifiers[token] else { throw .invalidVocabulary(path: source, reason: "no \(token) entry") }
            return id
        }
        self.vocabularySize = vocabulary.count
        self.maximumLength = maximumLength
        self.maximumCharactersPerWord = maximumCharactersPerWord
        self.classifierID = try required("[CLS]")
        self.separatorID = try required("[SEP]")
        self.unknownID = try required("[UNK]")
        self.specialTokens = ["[CLS]", "[SEP]", "[MASK]", "[UNK]", "[PAD]"].compactMap { token in
            identifiers[token].map { (Array(token.utf8), $0) }
        }
        self.trie = trie
    }

    /// Loads a `vocab.txt` file: one entry per line, the line number (from 0) being the id.
    ///
    /// - Throws: ``TextEmbeddingError/fileNotFound(path:)`` and the other file errors, or
    ///   ``TextEmbeddingError/invalidVocabulary(path:reason:)`` for an empty file or one
    ///   without `[CLS]`, `[SEP]` or `[UNK]`.
    public init(
        contentsOfFile path: String, maximumLength: Int = 256, maximumCharactersPerWord: Int = 100
    ) throws(TextEmbeddingError) {
        let bytes = try TextEmbeddingError.reading { () throws(_ModelFileFailure) in try _ReadOnlyFile.contents(of: path) }
        var lines: [String] = []
        for (number, line) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let content = line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...]
            guard let entry = String(validating: content, as: UTF8.self) else {
                throw .invalidVocabulary(path: path, reason: "line \(number + 1) is not valid UTF-8")
            }
            lines.append(entry)
        }
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else { throw .invalidVocabulary(path: path, reason: "the file is empty") }
        try self.init(
            vocabulary: lines, maximumLength: maximumLength, maximumCharactersPerWord: maximumCharactersPerWord,
            source: path)
    }

    /// The token ids of `text`: `[CLS]`, the WordPiece ids, `[SEP]`, truncated to
    /// ``maximumLength`` ids (the cut may fall between the pieces of a word).
    ///
    /// - Complexity: O(n·w) for a text of n code points and words of at most w code points.
    public func encode(_ text: String) -> [Int] {
        var ids = [classifierID]
        let limit = maximumLength - 1
        var words = _WordBuffer()
        let utf8 = Array(text.utf8)
        var segmentStart = 0
        var index = 0
        func flushSegment(upTo end: Int) {
            guard end > segmentStart, ids.count < limit else { return }
            let segment = String(decoding: utf8[segmentStart..<end], as: UTF8.self)
            appendWordPieces(of: segment, into: &ids, limit: limit, words: &words)
        }
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "["),
                let special = specialTokens.first(where: { utf8[index...].starts(with: $0.bytes) })
            {
                flushSegment(upTo: index)
                if ids.count < limit { ids.append(special.id) }
                index += special.bytes.count
                segmentStart = index
            } else {
                index += 1
            }
        }
        flushSegment(upTo: utf8.count)
        ids.append(separatorID)
        return ids
    }

    private func appendWordPieces(of segment: String, into ids: inout [Int], limit: Int, words: inout _WordBuffer) {
        words.reset()
        let cleaned = Self.cleaned(segment)
        for scalar in cleaned._nfd {
            let value = scalar.value
            if value < 0x80 {
                if value == 0x20 {
                    words.endWord()
                } else if Self.isASCIIPunctuation(value) {
                    words.endWord()
                    words.append(value)
                    words.endWord()
                } else if value >= 0x41 && value <= 0x5A {
                    words.append(value + 0x20)
                } else {
                    words.append(value)
                }
                continue
            }
            let properties = scalar.properties
            if properties.generalCategory == .nonspacingMark { continue }
            for lowered in properties.lowercaseMapping.unicodeScalars {
                if lowered.properties.isWhitespace {
                    words.endWord()
                } else if Self.isPunctuation(lowered) {
                    words.endWord()
                    words.append(lowered.value)
                    words.endWord()
                } else {
                    words.append(lowered.value)
                }
            }
        }
        words.endWord()
        for word in 0..<words.wordCount {
            if ids.count >= limit { return }
            words.withWord(word) { scalars in
                appendPieces(of: scalars, into: &ids, limit: limit)
            }
        }
    }

    /// Greedy longest match first over the vocabulary trie.
    private func appendPieces(of word: UnsafeBufferPointer<UInt32>, into ids: inout [Int], limit: Int) {
        if word.count > maximumCharactersPerWord {
            ids.append(unknownID)
            return
        }
        let firstPiece = ids.count
        var start = 0
        while start < word.count {
            guard let (id, end) = trie.longestMatch(in: word, from: start, continuation: start > 0) else {
                ids.removeSubrange(firstPiece...)
                ids.append(unknownID)
                return
            }
            ids.append(Int(id))
            start = end
        }
        if ids.count > limit { ids.removeSubrange(limit...) }
    }

    /// Removes characters the reference drops, maps whitespace to a space, and puts
    /// spaces around CJK ideographs.
    static func cleaned(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value == 0x09 || value == 0x0A || value == 0x0D || value == 0x20 {
                result.append(" ")
                continue
            }
            if value < 0x80 {
                if value >= 0x20 && value != 0x7F { result.append(scalar) }
                continue
            }
            if value == 0xFFFD { continue }
            switch scalar.properties.generalCategory {
            case .control, .format, .privateUse:
                continue
            case .spaceSeparator, .lineSeparator, .paragraphSeparator:
                result.append(" ")
            default:
                if isCJKIdeograph(value) {
                    result.append(" ")
                    result.append(scalar)
                    result.append(" ")
                } else {
                    result.append(scalar)
                }
            }
        }
        return String(result)
    }

    /// Whether the reference tokenizer isolates this code point as a CJK ideograph.
    ///
    /// The ranges follow the Hugging Face `tokenizers` implementation, which leaves out
    /// U+2B820–U+2B91F (unlike the original BERT code).
    static func isCJKIdeograph(_ value: UInt32) -> Bool {
        switch value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B81F,
            0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            true
        default:
            false
        }
    }

    static func isASCIIPunctuation(_ value: UInt32) -> Bool {
        (33...47).contains(value) || (58...64).contains(value) || (91...96).contains(value)
            || (123...126).contains(value)
    }

    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return isASCIIPunctuation(scalar.value) }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }
}

/// Words as runs of code points in one reusable buffer.
private struct _WordBuffer {
    private var scalars: [UInt32] = []
    private var boundaries: [Int] = [0]

    var wordCount: Int { boundaries.count - 1 }

    mutating func reset() {
        scalars.removeAll(keepingCapacity: true)
        boundaries.removeAll(keepingCapacity: true)
        boundaries.append(0)
    }

    mutating func append(_ value: UInt32) { scalars.append(value) }

    mutating func endWord() {
        if scalars.count > boundaries[boundaries.count - 1] { boundaries.append(scalars.count) }
    }

    func withWord<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt32>) -> R) -> R {
        scalars.withUnsafeBufferPointer { buffer in
            body(UnsafeBufferPointer(rebasing: buffer[boundaries[index]..<boundaries[index + 1]]))
        }
    }
}
