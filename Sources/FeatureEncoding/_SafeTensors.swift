/// A safetensors file: an 8-byte little-endian header length, a JSON header that maps
/// tensor names to data type, shape and byte range, then the tensor data.
///
/// Opening validates the header against the file size; ``floats(_:shape:)`` validates one
/// tensor and reads it, widened to `Float`, straight from the file — the file is never
/// held in memory as a whole. Package-visible: every encoder module reads its weights with it.
package struct _SafeTensors {
    package struct Entry {
        package var dataType: String
        package var shape: [Int]
        var begin: Int
        var end: Int
    }

    package let file: _ReadOnlyFile
    package let entries: [String: Entry]
    private let dataStart: Int

    package var path: String { file.path }

    static let elementSizes = ["F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1,
                               "U64": 8, "U32": 4, "U16": 2, "U8": 1, "BOOL": 1, "F8_E4M3": 1, "F8_E5M2": 1]

    package init(path: String) throws(_ModelFileFailure) {
        let file = try _ReadOnlyFile(path: path)
        guard file.size >= 8 else { throw .truncatedFile(path: path, expected: 8, actual: file.size) }
        let lengthBytes = try file.bytes(at: 0, count: 8)
        let headerLength = lengthBytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard headerLength <= UInt64(file.size - 8) else {
            throw .truncatedFile(
                path: path, expected: headerLength > UInt64(Int.max - 8) ? Int.max : 8 + Int(headerLength),
                actual: file.size)
        }
        let headerBytes = try file.bytes(at: 8, count: Int(headerLength))
        let json: _JSON
        do { json = try _JSON.parse(headerBytes) } catch { throw .invalidSafeTensorsHeader(path: path, reason: error.description) }
        guard let members = json.objectValue else {
            throw .invalidSafeTensorsHeader(path: path, reason: "the header is not a JSON object")
        }
        let dataStart = 8 + Int(headerLength)
        let dataSize = file.size - dataStart
        var entries: [String: Entry] = [:]
        var requiredSize = 0
        for (name, value) in members.sorted(by: { $0.key < $1.key }) where name != "__metadata__" {
            guard let dataType = value["dtype"]?.stringValue,
                let shapeValues = value["shape"]?.arrayValue,
                let offsets = value["data_offsets"]?.arrayValue, offsets.count == 2,
                let begin = offsets[0].intValue, let end = offsets[1].intValue
            else {
                throw .invalidSafeTensorsHeader(path: path, reason: "tensor '\(name)' lacks dtype, shape or data_offsets")
            }
            var shape: [Int] = []
            for dimension in shapeValues {
                guard let size = dimension.intValue, size >= 0 else {
                    throw .invalidSafeTensorsHeader(path: path, reason: "tensor '\(name)' has an invalid shape \(shapeValues)")
                }
                shape.append(size)
            }
            guard begin >= 0, end >= begin else {
                throw .invalidSafeTensorsHeader(path: path, reason: "tensor '\(name)' has data_offsets [\(begin), \(end)]")
            }
            if let elementSize = Self.elementSizes[dataType] {
                let (count, overflow) = shape.reduce((1, false)) { partial, size in
                    let (product, overflow) = partial.0.multipliedReportingOverflow(by: size)
                    return (product, partial.1 || overflow)
                }
                guard !overflow, count.multipliedReportingOverflow(by: elementSize) == (end - begin, false) else {
                    throw .invalidTensorData(
                        tensor: name,
                        reason: "\(end - begin) bytes of data do not hold a \(dataType) tensor of shape \(shape)",
                        path: path)
                }
            }
            requiredSize = max(requiredSize, end)
            entries[name] = Entry(dataType: dataType, shape: shape, begin: begin, end: end)
        }
        guard requiredSize <= dataSize else {
            throw .truncatedFile(path: path, expected: dataStart + requiredSize, actual: file.size)
        }
        self.file = file
        self.entries = entries
        self.dataStart = dataStart
    }

    /// The tensor `name`, checked against `shape` and widened to `Float`, in row-major order.
    ///
    /// - Throws: ``_ModelFileFailure/missingTensor(name:path:)``,
    ///   ``_ModelFileFailure/shapeMismatch(tensor:expected:actual:path:)``,
    ///   ``_ModelFileFailure/unsupportedDataType(tensor:dataType:path:)``, or
    ///   ``_ModelFileFailure/invalidTensorData(tensor:reason:path:)`` for a NaN or infinity.
    package func floats(_ name: String, shape: [Int]) throws(_ModelFileFailure) -> [Float] {
        guard let entry = entries[name] else { throw .missingTensor(name: name, path: path) }
        guard entry.shape == shape else {
            throw .shapeMismatch(tensor: name, expected: shape, actual: entry.shape, path: path)
        }
        let count = shape.reduce(1, *)
        var result = [Float](repeating: 0, count: count)
        var failure: _ModelFileFailure?
        switch entry.dataType {
        case "F32":
            result.withUnsafeMutableBytes { bytes in file.read(into: bytes, at: dataStart + entry.begin, failure: &failure) }
            #if _endian(big)
            for index in result.indices { result[index] = Float(bitPattern: result[index].bitPattern.byteSwapped) }
            #endif
        case "F16", "BF16":
            var halves = [UInt16](repeating: 0, count: count)
            halves.withUnsafeMutableBytes { bytes in file.read(into: bytes, at: dataStart + entry.begin, failure: &failure) }
            let isBrain = entry.dataType == "BF16"
            for index in 0..<count {
                let bits = UInt16(littleEndian: halves[index])
                result[index] = isBrain ? Float(bitPattern: UInt32(bits) << 16) : Self.widenHalf(bits)
            }
        default:
            throw .unsupportedDataType(tensor: name, dataType: entry.dataType, path: path)
        }
        if let failure { throw failure }
        if let bad = result.firstIndex(where: { !$0.isFinite }) {
            throw .invalidTensorData(tensor: name, reason: "element \(bad) is \(result[bad])", path: path)
        }
        return result
    }

    /// IEEE 754 binary16 to binary32, exact for every value (subnormals included).
    static func widenHalf(_ bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let fraction = UInt32(bits) & 0x3FF
        if exponent == 0 {
            let magnitude = Float(fraction) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        }
        if exponent == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | fraction << 13) }
        return Float(bitPattern: sign | (exponent + 112) << 23 | fraction << 13)
    }
}
