import FeatureEncoding
@testable import Fusion
import FusionRecTestSupport
import LinearAlgebra
import Testing

/// An encoder that breaks its contract in a chosen way, and counts its calls.
actor CallCounter {
    var inputs: [String] = []
    func record(_ batch: [String]) { inputs += batch }
}

struct ScriptedEncoder: TextEncoder {
    enum Fault: Sendable { case none, wrongCount, wrongDimension, nonFinite }
    let fault: Fault
    let counter = CallCounter()
    var dimension: Int { 2 }
    var identifier: String { "scripted" }

    func encode(_ inputs: [String]) async throws -> Matrix<Float> {
        await counter.record(inputs)
        switch fault {
        case .none: return Matrix(rowCount: inputs.count, columnCount: 2) { row, column in Float(inputs[row].count + column) }
        case .wrongCount: return Matrix(rowCount: inputs.count + 1, columnCount: 2)
        case .wrongDimension: return Matrix(rowCount: inputs.count, columnCount: 3)
        case .nonFinite:
            var output = Matrix<Float>(rowCount: inputs.count, columnCount: 2)
            output[inputs.count - 1, 1] = .infinity
            return output
        }
    }
}

@Suite("Encoders")
struct EncoderTests {
    @Test("Every broken encoder batch is rejected with the encoder's name")
    func validation() async throws {
        for (fault, reason) in [
            (ScriptedEncoder.Fault.wrongCount, "3 rows for a batch of 2 inputs"),
            (.wrongDimension, "rows of dimension 3, declared 2"),
            (.nonFinite, "non-finite value for input 1, column 1"),
        ] {
            await #expect(throws: FeatureEncodingError.invalidBatch(encoder: "scripted", reason: reason)) {
                try await SideInformationBlock<Int, Float>.encoding(
                    name: "t", ids: [1, 2], inputs: ["ab", "c"], using: ScriptedEncoder(fault: fault))
            }
        }
    }

    @Test("Blocks encode each distinct input once, cache it, and mask missing inputs")
    func caching() async throws {
        let encoder = ScriptedEncoder(fault: .none)
        let cache = EncodingCache<String>()
        let block = try await SideInformationBlock<Int, Float>.encoding(
            name: "t", ids: [1, 2, 3, 4], inputs: ["ab", nil, "ab", "xyz"], using: encoder, cache: cache)
        #expect(block.presence == [true, false, true, true])
        #expect(block.features.row(0) == [2, 3] && block.features.row(1) == [0, 0] && block.features.row(3) == [3, 4])
        #expect(await encoder.counter.inputs == ["ab", "xyz"])
        #expect(await cache.count(for: "scripted") == 2)
        let rows = try await block.encodeRows(["xyz", "q"], using: encoder, cache: cache)
        #expect(rows.row(0) == [3, 4] && rows.row(1) == [1, 2])
        #expect(await encoder.counter.inputs == ["ab", "xyz", "q"])
        await #expect(throws: FusionError.self) {
            try await block.encodeRows(["q"], using: CategoricalEncoder(fittingOn: ["a"]))
        }
    }

    @Test("Hashing encoder: unit rows, deterministic, similar texts closer than unrelated ones")
    func hashing() async throws {
        let corpus = ["The Dark Knight", "The Dark Knight Rises", "Toy Story", "Toy Story 2", "Heat"]
        let encoder = try HashingTextEncoder(fittingOn: corpus, dimension: 256)
        let rows = try await encoder.encode(corpus + ["", "The Dark Knight"])
        for norm in rows.rowNorms().prefix(5) { #expect(abs(norm - 1) < 1e-5) }
        #expect(rows.row(5).allSatisfy { $0 == 0 })
        #expect(rows.row(6) == rows.row(0))
        let similarity = rows.multiplied(by: rows, transposingOther: true)
        #expect(similarity[0, 1] > 0.5)
        #expect(similarity[0, 1] > similarity[0, 2] + 0.3)
        #expect(similarity[2, 3] > similarity[2, 4] + 0.3)
        let again = try HashingTextEncoder(fittingOn: corpus, dimension: 256)
        #expect(again.identifier == encoder.identifier)
        #expect(try HashingTextEncoder(fittingOn: ["x"], dimension: 256).identifier != encoder.identifier)
        #expect(throws: FusionError.self) { try HashingTextEncoder(fittingOn: corpus, dimension: 0) }
    }

    @Test("Hashing encoder: the ASCII fast path splits words exactly as the Unicode path does")
    func hashingASCIIPath() async throws {
        // A no-break space (U+00A0) is a separator that sends a text down the Unicode path
        // without changing its words, so both texts must give the same features.
        let texts = ["Star Wars: Episode IV - A New Hope", "WALL·E", "Se7en (1995)", "  x  ", "ABC-def_123"]
        func features(_ text: String) -> [UInt64] {
            var hashes: [UInt64] = []
            var buffers = _TextFeatureBuffers()
            HashingTextEncoder.forEachFeature(of: text, wordNGrams: 1...2, characterNGrams: 3...5, buffers: &buffers) {
                hashes.append($0)
            }
            return hashes
        }
        for text in texts {
            #expect(features(text) == features(text + "\u{00A0}"), "\(text)")
            #expect(!features(text).isEmpty)
        }
        #expect(features("Toy Story") == features("TOY STORY"))
    }

    @Test("Hashing encoder: features are the hashes of the n-gram strings the documentation defines")
    func hashingFeatureDefinition() {
        // Each text with its words as the encoder must split them: lower-cased, cut at every
        // character that is neither a letter nor a digit; "e\u{301}" is one character of two scalars.
        let cases: [(String, [String])] = [
            ("Toy Story 2", ["toy", "story", "2"]), ("Amélie (2001)", ["amélie", "2001"]),
            ("ÉCOLE e\u{301}té", ["école", "e\u{301}té"]), ("a", ["a"]), ("--", []), ("", []),
        ]
        var buffers = _TextFeatureBuffers()
        for (text, words) in cases {
            var expected: [UInt64] = []
            for length in 1...2 where length <= words.count {
                for first in 0...(words.count - length) {
                    expected.append(_stableHash(words[first..<(first + length)].joined(separator: " "), seed: UInt64(length)))
                }
            }
            for word in words {
                let padded = Array(("<" + word + ">").unicodeScalars)
                for length in 3...5 where length <= padded.count {
                    for first in 0...(padded.count - length) {
                        var window = String.UnicodeScalarView()
                        window.append(contentsOf: padded[first..<(first + length)])
                        expected.append(_stableHash(String(window), seed: 0x100 + UInt64(length)))
                    }
                }
            }
            var actual: [UInt64] = []
            HashingTextEncoder.forEachFeature(of: text, wordNGrams: 1...2, characterNGrams: 3...5, buffers: &buffers) {
                actual.append($0)
            }
            #expect(actual == expected, "\(text)")
        }
    }

    @Test("Hashing encoder: fitted frequencies and encoded rows are identical on 1 and 2 threads")
    func hashingThreads() async throws {
        var generator = SplitMix64(seed: 11)
        let words = ["star", "wars", "toy", "story", "heat", "amélie", "se7en", "alien", "brazil", "up"]
        let corpus = (0..<5_000).map { _ in
            (0..<Int.random(in: 1...5, using: &generator)).map { _ in words.randomElement(using: &generator)! }
                .joined(separator: " ")
        }
        var results: [(HashingTextEncoder, Matrix<Float>, SparseMatrix<Float>)] = []
        try withThreadCountLocked {
            for threads in [1, 2] {
                Parallel.threadCount = threads
                let encoder = try HashingTextEncoder(fittingOn: corpus, dimension: 64)
                results.append((encoder, encoder.encodeSynchronously(corpus), encoder.encodeSparseSynchronously(corpus)))
            }
        }
        #expect(results[0].0.inverseDocumentFrequencies == results[1].0.inverseDocumentFrequencies)
        #expect(results[0].1 == results[1].1)
        #expect(results[0].2 == results[1].2)
    }

    @Test("Categorical encoder: sorted vocabulary, multi-hot rows, unknown categories ignored")
    func categorical() async throws {
        let encoder = CategoricalEncoder(
            fittingOn: ["Comedy|Drama", "Action", "(no genres listed)", "Drama| Action"],
            ignoring: ["(no genres listed)"])
        #expect(encoder.categories == ["Action", "Comedy", "Drama"])
        let rows = try await encoder.encode(["Drama|Comedy", "Horror", ""])
        #expect(rows.row(0) == [0, 1, 1] && rows.row(1) == [0, 0, 0] && rows.row(2) == [0, 0, 0])
    }

    @Test("Numeric encoder: standardised or bucketed; non-finite input throws")
    func numeric() async throws {
        let standardized = try NumericEncoder(fittingOn: [1, 2, 3, .nan], representation: .standardized)
        let rows = try await standardized.encode([2, 2 + (2.0 / 3).squareRoot()])
        #expect(rows[0, 0] == 0 && abs(rows[1, 0] - 1) < 1e-6)
        let decades = try NumericEncoder(fittingOn: [1915, 1995, 2016], representation: .buckets(width: 10))
        #expect(decades.dimension == 11 && decades.origin == 1910)
        let onehot = try await decades.encode([1919, 1920, 2030, 1800])
        #expect(onehot[0, 0] == 1 && onehot[1, 1] == 1 && onehot[2, 10] == 1 && onehot[3, 0] == 1)
        #expect(onehot.elements.reduce(0, +) == 4)
        await #expect(throws: FusionError.self) { try await decades.encode([.nan]) }
        #expect(throws: FusionError.self) { try NumericEncoder(fittingOn: [.nan]) }
        let block = try await SideInformationBlock<Int, Float>.encoding(
            name: "year", ids: [1, 2], inputs: [1995, nil], using: decades)
        #expect(block.presence == [true, false])
    }

    @Test("Automatic numeric encoding: one-hot whole numbers of a short span, else standardised")
    func automaticNumeric() throws {
        let years = try NumericEncoder(fittingOn: [1995, 2016, .nan, 1902])
        #expect(years.representation == .buckets(width: 1) && years.origin == 1902 && years.dimension == 115)
        let widest = try NumericEncoder(fittingOn: [0, Double(NumericEncoder.maximumAutomaticSpan - 1)])
        #expect(widest.representation == .buckets(width: 1) && widest.dimension == NumericEncoder.maximumAutomaticSpan)
        for corpus: [Double] in [[0, Double(NumericEncoder.maximumAutomaticSpan)], [1.5, 2, 3], [-1e300, 1e300]] {
            let encoder = try NumericEncoder(fittingOn: corpus)
            #expect(encoder.representation == .standardized && encoder.dimension == 1, "\(corpus)")
        }
        #expect(throws: FusionError.self) {
            try NumericEncoder(representation: .automatic, origin: 0, scale: 1, dimension: 1)
        }
    }
}
