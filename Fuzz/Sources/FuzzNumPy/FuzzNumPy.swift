import FusionRec

/// Reads arbitrary bytes as a `.npy` array in both precisions and writes back what it read.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzNumPy(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    if let matrix = try? Matrix<Float>(numPyBytes: bytes) {
        let again = try? Matrix<Float>(numPyBytes: matrix.numPyBytes())
        precondition(again?.rowCount == matrix.rowCount && again?.columnCount == matrix.columnCount,
                     "round trip changed the shape")
    }
    _ = try? Matrix<Double>(numPyBytes: bytes)
    return 0
}
