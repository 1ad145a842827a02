#if canImport(Glibc)
import Glibc
#endif
import FusionRec

private let path = "/tmp/fusionrec-fuzz-interactions-\(getpid()).csv"

/// Writes arbitrary bytes to a temporary file and reads it as interactions with string
/// and integer ids, failing and skipping bad records.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzInteractionsCSV(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard let file = fopen(path, "wb") else { fatalError("cannot write \(path)") }
    fwrite(data, 1, count, file)
    fclose(file)
    _ = try? Interactions<String, String>(csvPath: path)
    _ = try? Interactions<Int, Int>(csvPath: path, badRecords: .skip)
    _ = try? Interactions<String, Int>.readCSVRecords(
        path: path, columns: InteractionColumns(user: "u", item: "i", value: "v", timestamp: "t"), badRecords: .skip)
    return 0
}
