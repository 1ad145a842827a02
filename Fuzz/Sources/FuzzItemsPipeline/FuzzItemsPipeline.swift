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

/// The side-information path of `--model fusion` on an arbitrary item table: the first
/// two bytes choose a bucket width (10⁻³⁰⁰ … 10³⁰⁰, or 5e-324 … 1e308) and a hashing
/// dimension (1 … 2¹⁴, or 10¹¹, which must be refused), the rest is the table. Every column is encoded as
/// numeric (standardised and bucketed), categories, a cross of categories and buckets,
/// and hashed text, each through `SideInformationBlock.encoding`, which must throw or
/// build a finite block — never trap or over-allocate. Blocks over 2²⁴ elements are not
/// encoded (the library allows 2³¹; the fuzzer's memory limit is 2 GB), but the encoders
/// that would build them are still fitted.
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
    let ids = table.ids.ids
    blocking {
        for name in table.columnNames {
            let texts = table.column(named: name)!
            let numbers = texts.map { Double($0).flatMap { $0.isFinite ? $0 : nil } }
            let present = numbers.compactMap { $0 }
            for representation in [NumericEncoder.Representation.standardized, .buckets(width: width)] {
                if let encoder = try? NumericEncoder(fittingOn: present, representation: representation) {
                    precondition(encoder.dimension >= 1 && encoder.dimension <= NumericEncoder.maximumBucketCount)
                    guard fits(ids.count, encoder.dimension) else { continue }
                    check(try? await SideInformationBlock<String, Float>.encoding(
                        name: name, ids: ids, inputs: numbers, using: encoder))
                }
            }
            let categories = CategoricalEncoder(fittingOn: texts)
            if fits(ids.count, categories.dimension) { check(try? await SideInformationBlock<String, Double>.encoding(
                name: name, ids: ids, inputs: texts.map { $0.isEmpty ? nil : $0 }, using: categories)) }
            let crossed = zip(table.column(named: table.columnNames[0])!, numbers).map { text, value -> String? in
                guard let value, let bucket = try? NumericEncoder.bucketName(of: value, width: width) else { return nil }
                return text.split(separator: "|").map { "\($0)@\(bucket)" }.joined(separator: "|")
            }
            let crossEncoder = CategoricalEncoder(fittingOn: crossed.compactMap { $0 })
            if fits(ids.count, crossEncoder.dimension) {
                check(try? await SideInformationBlock<String, Float>.encoding(
                    name: name + "×", ids: ids, inputs: crossed, using: crossEncoder))
            }
            if let hashing = try? HashingTextEncoder(fittingOn: texts, dimension: dimension) {
                precondition(dimension <= HashingTextEncoder.maximumDimension)
                if fits(ids.count, dimension) { check(try? await SideInformationBlock<String, Float>.encoding(
                    name: name, ids: ids, inputs: texts.map { Optional($0) }, using: hashing)) }
            } else {
                precondition(dimension > HashingTextEncoder.maximumDimension, "a valid dimension \(dimension) was refused")
            }
        }
    }
    return 0
}

/// Whether a rows × features block stays within the harness's memory budget.
private func fits(_ rows: Int, _ features: Int) -> Bool { rows * features <= 1 << 24 }

/// A block that was built must be finite.
private func check<Scalar: BLASScalar>(_ block: SideInformationBlock<String, Scalar>?) {
    guard let block else { return }
    precondition(block.features.firstNonFiniteIndex() == nil, "block '\(block.name)' holds a non-finite feature")
}
