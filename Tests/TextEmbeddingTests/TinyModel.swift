import Foundation
import LinearAlgebra
@testable import TextEmbedding

/// A small BERT model written to a temporary directory: the files a Hugging Face model
/// directory holds, with seeded weights, for loader and forward-pass tests that need no
/// download.
struct TinyModel {
    static let architecture = BERTConfiguration(
        hiddenSize: 8, layerCount: 2, headCount: 2, intermediateSize: 16, vocabularySize: 14,
        maximumPositionCount: 256, tokenTypeCount: 2, layerNormEpsilon: 1e-12)
    static let vocabulary = [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "c", "##a", "##b", "hello", "world", "##s", ".",
    ]

    /// Tensor name, shape and values in model order. Every value is a multiple of 1/64
    /// in [−0.5, 0.5], exact in F16 and BF16, so the three data types load identically.
    var tensors: [(name: String, shape: [Int], values: [Float])]

    init(seed: UInt64 = 7) {
        var generator = SplitMix64(seed: seed)
        let a = Self.architecture
        func make(_ name: String, _ shape: [Int], around center: Float = 0) -> (String, [Int], [Float]) {
            let count = shape.reduce(1, *)
            let values = (0..<count).map { _ in center + Float(Int(generator.next() % 65) - 32) / 64 }
            return (name, shape, values)
        }
        let h = a.hiddenSize, f = a.intermediateSize
        var tensors = [
            make("embeddings.word_embeddings.weight", [a.vocabularySize, h]),
            make("embeddings.position_embeddings.weight", [a.maximumPositionCount, h]),
            make("embeddings.token_type_embeddings.weight", [a.tokenTypeCount, h]),
            make("embeddings.LayerNorm.weight", [h], around: 1),
            make("embeddings.LayerNorm.bias", [h]),
        ]
        for layer in 0..<a.layerCount {
            let p = "encoder.layer.\(layer)."
            tensors += [
                make(p + "attention.self.query.weight", [h, h]), make(p + "attention.self.query.bias", [h]),
                make(p + "attention.self.key.weight", [h, h]), make(p + "attention.self.key.bias", [h]),
                make(p + "attention.self.value.weight", [h, h]), make(p + "attention.self.value.bias", [h]),
                make(p + "attention.output.dense.weight", [h, h]), make(p + "attention.output.dense.bias", [h]),
                make(p + "attention.output.LayerNorm.weight", [h], around: 1),
                make(p + "attention.output.LayerNorm.bias", [h]),
                make(p + "intermediate.dense.weight", [f, h]), make(p + "intermediate.dense.bias", [f]),
                make(p + "output.dense.weight", [h, f]), make(p + "output.dense.bias", [h]),
                make(p + "output.LayerNorm.weight", [h], around: 1), make(p + "output.LayerNorm.bias", [h]),
            ]
        }
        tensors.append(make("pooler.dense.weight", [h, h]))
        self.tensors = tensors.map { (name: $0.0, shape: $0.1, values: $0.2) }
    }

    func values(_ name: String) -> [Float] { tensors.first { $0.name == name }!.values }

    static let configJSON = """
        {"architectures": ["BertModel"], "model_type": "bert", "hidden_act": "gelu", "hidden_size": 8,
         "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 16, "vocab_size": 14,
         "max_position_embeddings": 256, "type_vocab_size": 2, "layer_norm_eps": 1e-12,
         "position_embedding_type": "absolute", "pad_token_id": 0}
        """

    /// The safetensors bytes; `dataType` applies to every tensor, `override` changes one
    /// tensor's header entry (data type string and shape) without changing its bytes.
    func safeTensors(
        dataType: String = "F32", skipping skipped: Set<String> = [],
        override: [String: (dataType: String, shape: [Int])] = [:]
    ) -> [UInt8] {
        var header: [String] = ["\"__metadata__\":{\"format\":\"pt\"}"]
        var data: [UInt8] = []
        for tensor in tensors where !skipped.contains(tensor.name) {
            let begin = data.count
            for value in tensor.values {
                switch dataType {
                case "F16":
                    withUnsafeBytes(of: Float16(value).bitPattern.littleEndian) { data += $0 }
                case "BF16":
                    withUnsafeBytes(of: UInt16(value.bitPattern >> 16).littleEndian) { data += $0 }
                default:
                    withUnsafeBytes(of: value.bitPattern.littleEndian) { data += $0 }
                }
            }
            let entry = override[tensor.name] ?? (dataType, tensor.shape)
            header.append(
                "\"\(tensor.name)\":{\"dtype\":\"\(entry.dataType)\",\"shape\":\(entry.shape),"
                    + "\"data_offsets\":[\(begin),\(data.count)]}")
        }
        let json = Array(("{" + header.joined(separator: ",") + "}").utf8)
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { bytes += $0 }
        return bytes + json + data
    }

    /// The folder of this test process's model directories, removed when the process exits.
    static let root: String = {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fusionrec-tiny-\(getpid())").path
        atexit { try? FileManager.default.removeItem(atPath: TinyModel.root) }
        return root
    }()

    /// Writes a model directory (under ``root``) and returns its path.
    static func write(
        config: String = configJSON, vocabulary: [String] = vocabulary, weights: [UInt8]?
    ) throws -> String {
        let directory = root + "/" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/config.json"))
        try Data(vocabulary.joined(separator: "\n").utf8 + [0x0A]).write(
            to: URL(fileURLWithPath: directory + "/vocab.txt"))
        if let weights { try Data(weights).write(to: URL(fileURLWithPath: directory + "/model.safetensors")) }
        return directory
    }

    /// A plain Double-precision BERT forward pass, written for clarity, as the known answer.
    func referenceEmbedding(_ ids: [Int]) -> [Double] {
        let a = Self.architecture
        let h = a.hiddenSize, f = a.intermediateSize, heads = a.headCount, d = a.headSize, n = ids.count
        func w(_ name: String) -> [Double] { values(name).map(Double.init) }
        func linear(_ x: [[Double]], _ weight: [Double], _ bias: [Double], out: Int, in inputs: Int) -> [[Double]] {
            x.map { row in
                (0..<out).map { o in
                    var sum: Double = bias[o]
                    for i in 0..<inputs { sum += weight[o * inputs + i] * row[i] }
                    return sum
                }
            }
        }
        func norm(_ x: [[Double]], _ scale: [Double], _ shift: [Double]) -> [[Double]] {
            x.map { row in
                let mean: Double = row.reduce(0, +) / Double(row.count)
                var variance: Double = 0
                for value in row { variance += (value - mean) * (value - mean) }
                variance /= Double(row.count)
                let inverse: Double = 1 / (variance + 1e-12).squareRoot()
                return row.indices.map { (row[$0] - mean) * inverse * scale[$0] + shift[$0] }
            }
        }
        let words = w("embeddings.word_embeddings.weight"), positions = w("embeddings.position_embeddings.weight")
        let types = w("embeddings.token_type_embeddings.weight")
        var x: [[Double]] = ids.enumerated().map { p, id in
            (0..<h).map { c -> Double in words[id * h + c] + positions[p * h + c] + types[c] }
        }
        x = norm(x, w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"))
        for layer in 0..<a.layerCount {
            let p = "encoder.layer.\(layer)."
            let q = linear(x, w(p + "attention.self.query.weight"), w(p + "attention.self.query.bias"), out: h, in: h)
            let k = linear(x, w(p + "attention.self.key.weight"), w(p + "attention.self.key.bias"), out: h, in: h)
            let v = linear(x, w(p + "attention.self.value.weight"), w(p + "attention.self.value.bias"), out: h, in: h)
            var context = [[Double]](repeating: [Double](repeating: 0, count: h), count: n)
            for head in 0..<heads {
                for i in 0..<n {
                    let scores: [Double] = (0..<n).map { j in
                        var dot: Double = 0
                        for c in 0..<d { dot += q[i][head * d + c] * k[j][head * d + c] }
                        return dot / Double(d).squareRoot()
                    }
                    let top = scores.max()!
                    let weights = scores.map { Foundation.exp($0 - top) }
                    let total = weights.reduce(0, +)
                    for j in 0..<n {
                        for c in 0..<d { context[i][head * d + c] += weights[j] / total * v[j][head * d + c] }
                    }
                }
            }
            let attended = linear(context, w(p + "attention.output.dense.weight"), w(p + "attention.output.dense.bias"), out: h, in: h)
            x = norm(zip(attended, x).map { zip($0, $1).map(+) }, w(p + "attention.output.LayerNorm.weight"), w(p + "attention.output.LayerNorm.bias"))
            let inner = linear(x, w(p + "intermediate.dense.weight"), w(p + "intermediate.dense.bias"), out: f, in: h)
                .map { $0.map { 0.5 * $0 * Foundation.erfc(-$0 / 2.0.squareRoot()) } }
            let output = linear(inner, w(p + "output.dense.weight"), w(p + "output.dense.bias"), out: h, in: f)
            x = norm(zip(output, x).map { zip($0, $1).map(+) }, w(p + "output.LayerNorm.weight"), w(p + "output.LayerNorm.bias"))
        }
        let mean: [Double] = (0..<h).map { c in x.reduce(0.0) { $0 + $1[c] } / Double(n) }
        let length: Double = mean.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
        return mean.map { $0 / length }
    }
}
