import FusionRec

/// Loads arbitrary bytes as every model kind; any outcome but a typed error or a model
/// is a bug (a crash, a sanitizer report, a hang or an out-of-memory).
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzModelFile(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
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
