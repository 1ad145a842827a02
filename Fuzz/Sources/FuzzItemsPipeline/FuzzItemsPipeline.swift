#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import FusionRec

private let path = "/tmp/fusionrec-fuzz-items-\(getpid()).csv"

/// Runs `body` to completion on the cooperative pool and waits for it.
private func blocking(_ body: @escaping @Sendable () async -> Void) {
    let done = DispatchSemaphore(value: 0)
    Task {
        await body()
        done.signal()
    }
    done.wait()
}

/// The side-information path of `--model fusion` on an arbitrary item table, through the
/// library's `FeaturePipeline` as the command line uses it: the first two bytes choose a
/// bucket width (10⁻³⁰⁰ … 10³⁰⁰, or 5e-324 … 1e308) and a hashing dimension (1 … 2¹⁴, or
/// 10¹¹, which must be refused), the rest is the table. Every column becomes a hashed text
/// block, a categorical block, a standardised and a bucketed numeric block, and a cross with
/// the first column; each block is fitted alone (one bad column must not hide the others).
/// A fit must throw or give a pipeline whose blocks have the declared dimension and are
/// finite — never trap or over-allocate. Tables whose blocks would
/// exceed 2²⁴ values are only fitted, not encoded (the fuzzer's memory limit is 2 GB).
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzItemsPipeline(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard count >= 2 else { return 0 }
    let widthExponent = Int(data[0]) % 61 * 10 - 300
    let width = data[0] >= 244 ? [1e-300, 1e300, 1e308, 5e-324][Int(data[0]) % 4] : pow(10, Double(widthExponent) / 10)
    let dimension = data[1] == 255 ? 100_000_000_000 : 1 << (Int(data[1]) % 15)
    guard let file = fopen(path, "wb") else { fatalError("cannot write \(path)") }
    fwrite(data + 2, 1, count - 2, file)
    fclose(file)
    guard let table = try? AttributeTable<String>(csvPath: path, badRecords: .skip), table.count > 0 else { return 0 }
    var blocks: [FeaturePipeline.Block] = []
    for (index, name) in table.columnNames.enumerated() {
        blocks += [
            FeaturePipeline.Block(name: "text \(index)", .text(column: name, encoder: .hashing(dimension: dimension))),
            FeaturePipeline.Block(name: "categories \(index)", .categorical(column: name, separator: "|", ignoring: [])),
            FeaturePipeline.Block(name: "number \(index)", .numeric(column: name, representation: .standardized)),
            FeaturePipeline.Block(name: "buckets \(index)", .numeric(column: name, representation: .buckets(width: width))),
            FeaturePipeline.Block(name: "cross \(index)", .cross(
                categoryColumn: table.columnNames[0], numericColumn: name, bucketWidth: width, separator: "|")),
        ]
    }
    let pipelines = blocks
    blocking {
        for block in pipelines {
            guard let fitted = try? FeaturePipeline([block]).fitted(on: table) else {
                if case .text(_, .hashing(let d, _, _)) = block.source, d <= HashingTextEncoder.maximumDimension,
                   table.column(named: block.source.columns[0])!.contains(where: { !$0.isEmpty }) {
                    preconditionFailure("a valid hashing block was refused")
                }
                continue
            }
            let dimension = fitted.blockDimensions[block.name]!
            precondition((1...FeaturePipeline.maximumDimension).contains(dimension), "dimension \(dimension)")
            guard dimension * table.count <= 1 << 24,
                  let built: [SideInformationBlock<String, Float>] = try? await fitted.blocks(for: table) else { continue }
            precondition(built.count == 1 && built[0].dimension == dimension)
            precondition(built[0].features.firstNonFiniteIndex() == nil, "block '\(block.name)' holds a non-finite feature")
        }
    }
    return 0
}
