#if canImport(Glibc)
import Glibc
#endif
import FusionRec

/// A model directory with a fixed tiny configuration and vocabulary (the shapes of the
/// TextEmbedding tests' tiny model); each input becomes its `model.safetensors`.
private let directory: String = {
    let path = "/tmp/fusionrec-fuzz-safetensors-\(getpid())"
    mkdir(path, 0o755)
    let config = """
        {"architectures": ["BertModel"], "model_type": "bert", "hidden_act": "gelu", "hidden_size": 8,
         "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 16, "vocab_size": 14,
         "max_position_embeddings": 256, "type_vocab_size": 2, "layer_norm_eps": 1e-12,
         "position_embedding_type": "absolute", "pad_token_id": 0}
        """
    let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "c", "##a", "##b", "hello", "world", "##s", "."]
    write(path + "/config.json", Array(config.utf8))
    write(path + "/vocab.txt", Array((vocabulary.joined(separator: "\n") + "\n").utf8))
    return path
}()

private func write(_ path: String, _ bytes: [UInt8]) {
    guard let file = fopen(path, "wb") else { fatalError("cannot write \(path)") }
    _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    fclose(file)
}

/// Loads a sentence encoder whose safetensors file is the input: the header parser, the
/// tensor checks against the configuration and the F32/F16/BF16 readers.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzSafeTensors(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    write(directory + "/model.safetensors", Array(UnsafeBufferPointer(start: data, count: count)))
    if let encoder = try? SentenceEncoder(modelDirectory: directory) {
        precondition(encoder.dimension == 8, "a loaded tiny model has dimension 8")
    }
    return 0
}
