import Foundation
import LinearAlgebra
import Testing
@testable import TextEmbedding

@Suite("Model loading and the forward pass on a small synthetic model")
struct ModelLoadingTests {
    let model = TinyModel()

    @Test("F32, F16 and BF16 weights load to the same values and the same embeddings", arguments: ["F32", "F16", "BF16"])
    func dataTypes(dataType: String) throws {
        let directory = try TinyModel.write(weights: model.safeTensors(dataType: dataType))
        let encoder = try SentenceEncoder(modelDirectory: directory)
        #expect(encoder.architecture == TinyModel.architecture)
        #expect(encoder.weights.wordEmbeddings == model.values("embeddings.word_embeddings.weight"))
        #expect(
            encoder.weights.layers[1].queryKeyValue
                == model.values("encoder.layer.1.attention.self.query.weight")
                + model.values("encoder.layer.1.attention.self.key.weight")
                + model.values("encoder.layer.1.attention.self.value.weight"))
        let reference = try SentenceEncoder(modelDirectory: TinyModel.write(weights: model.safeTensors()))
        #expect(encoder.embed(["hello worlds.", "a b c"]).elements == reference.embed(["hello worlds.", "a b c"]).elements)
    }

    @Test("embeddings match a plain Double-precision BERT forward pass")
    func forwardPass() throws {
        let encoder = try SentenceEncoder(modelDirectory: TinyModel.write(weights: model.safeTensors()))
        let texts = ["hello world", "a", "", "abab cab. hello [MASK] worlds", "b b b b b b b b b b b b b b"]
        let embeddings = encoder.embed(texts)
        for (index, text) in texts.enumerated() {
            let ids = encoder.tokenizer.encode(text)
            let expected = model.referenceEmbedding(ids)
            let difference = zip(embeddings.row(index), expected).map { abs(Double($0) - $1) }.max()!
            #expect(difference <= 2e-6, "\(text) → \(ids): max difference \(difference)")
        }
    }

    @Test("packing sequences of different lengths into one batch changes nothing beyond rounding")
    func batching() throws {
        let directory = try TinyModel.write(weights: model.safeTensors())
        let texts = (0..<40).map { i in String(repeating: "hello a b ", count: i % 5) + "c\(i % 3 == 0 ? "s" : "")" }
        let small = try SentenceEncoder(modelDirectory: directory, configuration: .init(tokensPerBatch: 16))
        let large = try SentenceEncoder(modelDirectory: directory)
        let batched = large.embed(texts)
        let splitUp = small.embed(texts)
        for (index, text) in texts.enumerated() {
            let single = large.embed([text])
            let difference = zip(single.row(0), batched.row(index)).map { abs($0 - $1) }.max()!
            #expect(difference <= 1e-6)
        }
        #expect(zip(batched.elements, splitUp.elements).map { abs($0 - $1) }.max()! <= 1e-6)
        var reported: [Int] = []
        _ = small.embed(texts) { completed, total in
            #expect(total == texts.count)
            reported.append(completed)
        }
        #expect(reported.last == texts.count && reported == reported.sorted() && reported.count > 1)
    }

    @Test("encode throws CancellationError when its task is cancelled")
    func cancellation() async throws {
        let encoder = try SentenceEncoder(modelDirectory: TinyModel.write(weights: model.safeTensors()))
        let texts = (0..<5_000).map { "hello world a b c \($0)" }
        let task = Task { try await encoder.encode(texts) }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }

    @Test("a truncated weights file is reported with the sizes")
    func truncatedFile() throws {
        let bytes = model.safeTensors()
        let directory = try TinyModel.write(weights: Array(bytes.dropLast(10)))
        #expect(
            throws: TextEmbeddingError.truncatedFile(
                path: directory + "/model.safetensors", expected: bytes.count, actual: bytes.count - 10)
        ) { try SentenceEncoder(modelDirectory: directory) }
    }

    @Test("a header length beyond the end of the file is a truncated file")
    func truncatedHeader() throws {
        let directory = try TinyModel.write(weights: Array(model.safeTensors().prefix(40)))
        #expect {
            try SentenceEncoder(modelDirectory: directory)
        } throws: { error in
            guard case .truncatedFile(let path, _, 40) = error as? TextEmbeddingError else { return false }
            return path.hasSuffix("model.safetensors")
        }
    }

    @Test("a malformed header is rejected")
    func malformedHeader() throws {
        var bytes = model.safeTensors()
        bytes[8] = UInt8(ascii: "[")
        let directory = try TinyModel.write(weights: bytes)
        #expect {
            try SentenceEncoder(modelDirectory: directory)
        } throws: { error in
            if case .invalidSafeTensorsHeader = error as? TextEmbeddingError { return true }
            return false
        }
    }

    @Test("a tensor with the wrong shape is named with both shapes")
    func wrongShape() throws {
        let name = "encoder.layer.0.intermediate.dense.weight"
        let directory = try TinyModel.write(weights: model.safeTensors(override: [name: ("F32", [8, 16])]))
        #expect(
            throws: TextEmbeddingError.shapeMismatch(
                tensor: name, expected: [16, 8], actual: [8, 16], path: directory + "/model.safetensors")
        ) { try SentenceEncoder(modelDirectory: directory) }
    }

    @Test("a tensor in an unsupported data type is named")
    func wrongDataType() throws {
        let name = "encoder.layer.1.output.dense.bias"
        let directory = try TinyModel.write(weights: model.safeTensors(override: [name: ("I32", [8])]))
        #expect(
            throws: TextEmbeddingError.unsupportedDataType(
                tensor: name, dataType: "I32", path: directory + "/model.safetensors")
        ) { try SentenceEncoder(modelDirectory: directory) }
    }

    @Test("a missing tensor is named, and the first one the model uses is reported")
    func missingTensor() throws {
        let skipped: Set = ["encoder.layer.1.output.LayerNorm.bias", "encoder.layer.0.attention.self.key.bias"]
        let directory = try TinyModel.write(weights: model.safeTensors(skipping: skipped))
        #expect(
            throws: TextEmbeddingError.missingTensor(
                name: "encoder.layer.0.attention.self.key.bias", path: directory + "/model.safetensors")
        ) { try SentenceEncoder(modelDirectory: directory) }
    }

    @Test("a byte range that does not fit the tensor's shape is rejected")
    func inconsistentByteRange() throws {
        let name = "embeddings.LayerNorm.bias"
        let directory = try TinyModel.write(weights: model.safeTensors(override: [name: ("F32", [9])]))
        #expect(
            throws: TextEmbeddingError.invalidTensorData(
                tensor: name, reason: "32 bytes of data do not hold a F32 tensor of shape [9]",
                path: directory + "/model.safetensors")
        ) { try SentenceEncoder(modelDirectory: directory) }
    }

    @Test("a NaN weight is rejected")
    func notFinite() throws {
        var tiny = model
        tiny.tensors[3].values[2] = .nan
        let directory = try TinyModel.write(weights: tiny.safeTensors())
        #expect(
            throws: TextEmbeddingError.invalidTensorData(
                tensor: "embeddings.LayerNorm.weight", reason: "element 2 is nan", path: directory + "/model.safetensors")
        ) { try SentenceEncoder(modelDirectory: directory) }
    }

    @Test("missing files are reported by path")
    func missingFiles() throws {
        let directory = try TinyModel.write(weights: nil)
        #expect(throws: TextEmbeddingError.fileNotFound(path: directory + "/model.safetensors")) {
            try SentenceEncoder(modelDirectory: directory)
        }
        #expect(throws: TextEmbeddingError.fileNotFound(path: "/nonexistent/config.json")) {
            try SentenceEncoder(modelDirectory: "/nonexistent")
        }
    }

    @Test(
        "unsupported architectures are rejected",
        arguments: [
            ("\"model_type\": \"bert\"", "\"model_type\": \"roberta\""),
            ("\"hidden_act\": \"gelu\"", "\"hidden_act\": \"gelu_new\""),
            ("\"position_embedding_type\": \"absolute\"", "\"position_embedding_type\": \"relative_key\""),
        ])
    func unsupportedArchitecture(original: String, replacement: String) throws {
        let config = TinyModel.configJSON.replacingOccurrences(of: original, with: replacement)
        let directory = try TinyModel.write(config: config, weights: model.safeTensors())
        #expect {
            try SentenceEncoder(modelDirectory: directory)
        } throws: { error in
            if case .unsupportedArchitecture = error as? TextEmbeddingError { return true }
            return false
        }
    }

    @Test("invalid configuration values are named")
    func invalidConfiguration() throws {
        let config = TinyModel.configJSON.replacingOccurrences(of: "\"num_attention_heads\": 2", with: "\"num_attention_heads\": 3")
        let directory = try TinyModel.write(config: config, weights: model.safeTensors())
        #expect(
            throws: TextEmbeddingError.invalidConfiguration(
                path: directory + "/config.json", key: "num_attention_heads",
                reason: "3 heads do not divide hidden_size 8")
        ) { try SentenceEncoder(modelDirectory: directory) }
        let broken = try TinyModel.write(config: "{\"model_type\": ", weights: model.safeTensors())
        #expect {
            try SentenceEncoder(modelDirectory: broken)
        } throws: { error in
            if case .invalidJSON = error as? TextEmbeddingError { return true }
            return false
        }
    }

    @Test("a vocabulary larger than the embedding table is rejected")
    func vocabularyTooLarge() throws {
        let directory = try TinyModel.write(vocabulary: TinyModel.vocabulary + ["extra"], weights: model.safeTensors())
        #expect(
            throws: TextEmbeddingError.invalidVocabulary(
                path: directory + "/vocab.txt", reason: "15 entries exceed the model's vocab_size 14")
        ) { try SentenceEncoder(modelDirectory: directory) }
    }

    @Test("the identifier changes with the weights and stays with equal weights")
    func identifier() throws {
        let first = try SentenceEncoder(modelDirectory: TinyModel.write(weights: model.safeTensors()))
        let same = try SentenceEncoder(modelDirectory: TinyModel.write(weights: model.safeTensors(dataType: "BF16")))
        let other = try SentenceEncoder(modelDirectory: TinyModel.write(weights: TinyModel(seed: 8).safeTensors()))
        #expect(first.identifier == same.identifier)
        #expect(first.identifier != other.identifier)
        #expect(first.identifier.hasPrefix("bert-L2-H8-mean@"))
    }
}
