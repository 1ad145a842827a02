import FeatureEncoding
import FusionRecTestSupport
import LinearAlgebra
import Testing
@testable import TextEmbedding

/// Tests against the real all-MiniLM-L6-v2 weights. They need the files that
/// `Scripts/fetch-minilm.sh` installs; without them every test here is skipped with a
/// printed explanation (see ``ModelFiles/available``).
///
/// The suite is serialized because one test changes the global ``Parallel/threadCount``.
@Suite(
    "SentenceEncoder with all-MiniLM-L6-v2", .serialized,
    .enabled(if: ModelFiles.available, "model files missing: run Scripts/fetch-minilm.sh"))
struct SentenceEncoderTests {
    static let encoder: SentenceEncoder? = try? SentenceEncoder(
        modelDirectory: ModelFiles.directory, configuration: .init(tokensPerBatch: 1024))
    static let fixture = ReferenceFixture.shared
    static let batchedEmbeddings: Matrix<Float>? = encoder?.embed(fixture.sentences.map(\.text))

    @Test("loads the model with the reference shape")
    func loads() throws {
        let encoder = try SentenceEncoder(modelDirectory: ModelFiles.directory)
        #expect(encoder.dimension == Self.fixture.model.embedding_dim)
        #expect(encoder.architecture == BERTConfiguration(
            hiddenSize: 384, layerCount: 6, headCount: 12, intermediateSize: 1536, vocabularySize: 30522,
            maximumPositionCount: 512, tokenTypeCount: 2, layerNormEpsilon: 1e-12))
        #expect(encoder.identifier.hasPrefix("bert-L6-H384-mean@"))
        #expect(encoder.identifier == Self.encoder?.identifier)
    }

    @Test("every embedding matches the reference within the fixture's tolerance", arguments: fixture.sentences.indices)
    func matchesReference(index: Int) throws {
        let embeddings = try #require(Self.batchedEmbeddings)
        let sentence = Self.fixture.sentences[index]
        let row = embeddings.row(index)
        var dot: Double = 0, norm: Double = 0, referenceNorm: Double = 0, maxDifference: Float = 0
        for (value, reference) in zip(row, sentence.embedding) {
            dot += Double(value) * Double(reference)
            norm += Double(value) * Double(value)
            referenceNorm += Double(reference) * Double(reference)
            maxDifference = max(maxDifference, abs(value - reference))
        }
        let cosine = dot / (norm.squareRoot() * referenceNorm.squareRoot())
        #expect(cosine >= Self.fixture.suggested_tolerance.embedding_min_cosine, "\(sentence.id): cosine \(cosine)")
        #expect(
            Double(maxDifference) <= Self.fixture.suggested_tolerance.embedding_max_abs_diff,
            "\(sentence.id): max abs difference \(maxDifference)")
        #expect(abs(norm.squareRoot() - 1) <= 1e-5, "\(sentence.id): norm \(norm.squareRoot())")
    }

    @Test("the largest deviation over all sentences is at float32 rounding level")
    func overallDeviation() throws {
        let embeddings = try #require(Self.batchedEmbeddings)
        var maxDifference: Float = 0
        var minCosine: Double = 1
        for (index, sentence) in Self.fixture.sentences.enumerated() {
            let row = embeddings.row(index)
            maxDifference = max(maxDifference, zip(row, sentence.embedding).map { abs($0 - $1) }.max()!)
            let dot = zip(row, sentence.embedding).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            minCosine = min(minCosine, dot)
        }
        print("all-MiniLM-L6-v2 vs reference over \(embeddings.rowCount) sentences: max |Δ| \(maxDifference), min cosine \(minCosine)")
        // Far inside the fixture's bounds; the shortcuts the fixture lists (tanh GELU,
        // eps 1e-5, fp16 weights) move embeddings by 3e-4 or more.
        #expect(maxDifference <= 5e-6)
        #expect(minCosine >= 0.999_999)
    }

    @Test("batched embeddings equal one-at-a-time embeddings")
    func batchedEqualsSingle() throws {
        let encoder = try #require(Self.encoder)
        let embeddings = try #require(Self.batchedEmbeddings)
        var largest: Float = 0
        for (index, sentence) in Self.fixture.sentences.enumerated() where index % 3 == 0 {
            let single = encoder.embed([sentence.text])
            for (a, b) in zip(single.row(0), embeddings.row(index)) { largest = max(largest, abs(a - b)) }
        }
        #expect(largest <= 1e-6, "largest difference \(largest)")
    }

    @Test("conforms to TextEncoder: encode equals embed, row order follows the input")
    func textEncoderConformance() async throws {
        let encoder = try #require(Self.encoder)
        let texts = ["Heat (1995)", "", "Toy Story (1995)", "Heat (1995)"]
        let generic: any TextEncoder = encoder
        let encoded = try await generic.encode(texts)
        #expect(encoded.rowCount == 4 && encoded.columnCount == generic.dimension)
        #expect(encoded.elements == encoder.embed(texts).elements)
        let duplicateDifference = zip(encoded.row(0), encoded.row(3)).map { abs($0 - $1) }.max()!
        #expect(duplicateDifference <= 1e-6, "the same text at two batch positions differs by \(duplicateDifference)")
        #expect(zip(encoded.row(0), encoded.row(2)).map { abs($0 - $1) }.max()! > 1e-2)
        #expect(try await generic.encode([]).rowCount == 0)
    }

    @Test("the thread count does not change the embeddings")
    func threadCountIndependence() throws {
        let encoder = try #require(Self.encoder)
        let texts = Self.fixture.sentences.map(\.text)
        withThreadCountLocked {
            var results: [Matrix<Float>] = []
            for threads in [1, 2, 3] {
                Parallel.threadCount = threads
                results.append(encoder.embed(texts))
            }
            #expect(results[0].elements == results[1].elements)
            #expect(results[0].elements == results[2].elements)
        }
    }

    @Test("a single batch gives the same embeddings on one thread and on several")
    func singleBatchThreads() throws {
        let encoder = try SentenceEncoder(
            modelDirectory: ModelFiles.directory, configuration: .init(tokensPerBatch: 100_000))
        let texts = Self.fixture.sentences.prefix(60).map(\.text)
        withThreadCountLocked {
            Parallel.threadCount = 1
            let one = encoder.embed(texts)
            Parallel.threadCount = 2
            let two = encoder.embed(texts)
            #expect(one.elements == two.elements)
        }
    }
}
