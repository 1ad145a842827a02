#if canImport(Glibc)
import Glibc
#endif
import FusionRec

private let path = "/tmp/fusionrec-fuzz-attributes-\(getpid()).csv"

/// Writes arbitrary bytes to a temporary file and reads it as an attribute table with
/// string and integer ids, failing and skipping bad rows.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzAttributeTable(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard let file = fopen(path, "wb") else { fatalError("cannot write \(path)") }
    fwrite(data, 1, count, file)
    fclose(file)
    if let table = try? AttributeTable<String>(csvPath: path) {
        _ = table.column(named: table.columnNames.last ?? "")
    }
    _ = try? AttributeTable<Int>(csvPath: path, badRecords: .skip)
    _ = try? AttributeTable<String>(csvPath: path, idColumn: "movieId", badRecords: .skip)
    return 0
}
