import Foundation
import Testing

/// The reference tokenizations and embeddings of `Fixtures/reference.json`, produced with
/// sentence-transformers' all-MiniLM-L6-v2 (see `Fixtures/README` upstream in
/// `shared/fixtures/minilm`).
struct ReferenceFixture: Decodable, Sendable {
    struct Model: Decodable, Sendable {
        let files_sha256: [String: String]
        let max_seq_length: Int
        let embedding_dim: Int
    }

    struct Tolerance: Decodable, Sendable {
        let embedding_min_cosine: Double
        let embedding_max_abs_diff: Double
    }

    struct Sentence: Decodable, Sendable, CustomTestStringConvertible {
        let id: String
        let category: String
        let text: String
        let input_ids: [Int]
        let tokens: [String]
        let num_tokens_untruncated: Int
        let truncated: Bool
        let embedding: [Float]

        var testDescription: String { "\(id) (\(category))" }
    }

    let count: Int
    let model: Model
    let suggested_tolerance: Tolerance
    let sentences: [Sentence]

    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/reference.json")

    /// The fixture, decoded once.
    static let shared: ReferenceFixture = {
        do {
            return try JSONDecoder().decode(ReferenceFixture.self, from: Data(contentsOf: url))
        } catch {
            fatalError("Cannot read the reference fixture at \(url.path): \(error)")
        }
    }()
}

/// Where the model-dependent tests look for the all-MiniLM-L6-v2 files: the directory in
/// `FUSIONREC_MODEL_DIR`, or the cache directory that `Scripts/fetch-minilm.sh` fills.
enum ModelFiles {
    static let directory: String = {
        let environment = ProcessInfo.processInfo.environment
        if let directory = environment["FUSIONREC_MODEL_DIR"], !directory.isEmpty { return directory }
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() + "/.cache")
        return cache + "/fusionrec/all-MiniLM-L6-v2"
    }()

    static let required = ["config.json", "vocab.txt", "model.safetensors"]

    /// Whether every model file is present; when not, prints why the model tests skip.
    static let available: Bool = {
        let missing = required.filter { !FileManager.default.fileExists(atPath: directory + "/" + $0) }
        if !missing.isEmpty {
            print(
                "⚠️ SKIPPING model-dependent TextEmbedding tests: \(missing.joined(separator: ", ")) not found in "
                    + "\(directory). Run Scripts/fetch-minilm.sh (or set FUSIONREC_MODEL_DIR) to run them.")
        }
        return missing.isEmpty
    }()

    static let vocabularyAvailable: Bool = {
        let present = FileManager.default.fileExists(atPath: directory + "/vocab.txt")
        if !present {
            print(
                "⚠️ SKIPPING tokenizer reference tests: vocab.txt not found in \(directory). "
                    + "Run Scripts/fetch-minilm.sh (or set FUSIONREC_MODEL_DIR) to run them.")
        }
        return present
    }()
}

@Suite("Model files")
struct ModelFilesTests {
    /// CI sets `FUSIONREC_REQUIRE_MODEL=1` after running `Scripts/fetch-minilm.sh`, so a
    /// failed download fails the run instead of skipping the model tests.
    @Test(
        "the model files are present when FUSIONREC_REQUIRE_MODEL is set",
        .enabled(if: ProcessInfo.processInfo.environment["FUSIONREC_REQUIRE_MODEL"] == "1"))
    func required() {
        #expect(ModelFiles.available, "model files missing in \(ModelFiles.directory)")
    }
}
