import FusionRec

/// Loads arbitrary bytes as every model kind; any outcome but a typed error or a model
/// is a bug (a crash, a sanitizer report, a hang or an out-of-memory).
///
/// Inputs whose first byte is odd have that byte dropped and their checksums repaired
/// first, so that mutations reach the section parsers instead of stopping at the
/// checksum check.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzModelFile(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: count))
    if let first = bytes.first, first & 1 == 1 {
        bytes.removeFirst()
        repairChecksums(&bytes)
    }
    _ = try? ModelFile.kind(of: bytes)
    _ = try? MatrixFactorizationModel<Float, String, String>(modelFileBytes: bytes)
    _ = try? MatrixFactorizationModel<Double, Int, Int>(modelFileBytes: bytes)
    _ = try? Popularity<Float, String, String>(modelFileBytes: bytes)
    if let model = try? JointFactorizationModel<Float, String, String>(modelFileBytes: bytes) {
        _ = try? Ranker(model: model).recommend(users: Array(model.userIDs.ids.prefix(2)), count: 3)
    }
    _ = try? JointFactorizationModel<Double, Int, Int>(modelFileBytes: bytes)
    return 0
}

private func fnv1a64(_ bytes: ArraySlice<UInt8>, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
    var hash = seed
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return hash
}

private func load(_ bytes: [UInt8], _ offset: Int, _ size: Int) -> UInt64 {
    (0..<size).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) }
}

private func store(_ bytes: inout [UInt8], _ offset: Int, _ value: UInt64) {
    for index in 0..<8 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
}

/// Rewrites the declared length and every checksum that can be located to match the bytes.
private func repairChecksums(_ bytes: inout [UInt8]) {
    guard bytes.count >= 40 else { return }
    store(&bytes, 24, UInt64(bytes.count))
    let sections = min(Int(load(bytes, 16, 4)), (bytes.count - 40) / 40)
    for index in 0..<sections {
        let entry = 40 + 40 * index
        let offset = load(bytes, entry + 16, 8), length = load(bytes, entry + 24, 8)
        guard offset <= UInt64(bytes.count), length <= UInt64(bytes.count) - offset else { continue }
        store(&bytes, entry + 32, fnv1a64(bytes[Int(offset)..<Int(offset + length)]))
    }
    store(&bytes, 32, fnv1a64(bytes[40..<40 + 40 * sections], seed: fnv1a64(bytes[0..<32])))
}
