/// The parsed header of a `.npy` file: the data type, the order and the shape, and
/// where the data starts.
struct _NumPyHeader {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
    /// The largest header accepted, far above the ~100 bytes NumPy writes for a matrix.
    static let maximumHeaderLength = 1 << 16

    var dataType: NumPyDataType
    var shape: [Int]
    var dataOffset: Int
    /// 4 or 8 for a little-endian signed integer array (`<i4`, `<i8`), read only when the
    /// caller accepts integers (``dataType`` is then not used); 0 for `<f4` and `<f8`.
    var integerByteCount = 0

    /// Parses the preamble and the header dictionary of `bytes`.
    ///
    /// - Throws: every header case of ``NumPyFormatError``; nothing is allocated in
    ///   proportion to the announced shape.
    init(_ bytes: UnsafeRawBufferPointer, acceptingIntegers: Bool = false) throws(NumPyFormatError) {
        let magicLength = min(bytes.count, Self.magic.count)
        guard bytes.prefix(magicLength).elementsEqual(Self.magic.prefix(magicLength)) else { throw .badMagic }
        guard bytes.count >= 8 else { throw .truncated(needed: 10, available: bytes.count) }
        let major = Int(bytes[6]), minor = Int(bytes[7])
        let lengthBytes: Int
        switch major {
        case 1: lengthBytes = 2
        case 2, 3: lengthBytes = 4
        default: throw .unsupportedVersion(major: major, minor: minor)
        }
        guard bytes.count >= 8 + lengthBytes else { throw .truncated(needed: 8 + lengthBytes, available: bytes.count) }
        var headerLength = 0
        for index in 0..<lengthBytes { headerLength |= Int(bytes[8 + index]) << (8 * index) }
        guard headerLength <= Self.maximumHeaderLength else {
            throw .malformedHeader(reason: "header length \(headerLength) exceeds \(Self.maximumHeaderLength) bytes")
        }
        let start = 8 + lengthBytes
        guard bytes.count >= start + headerLength else {
            throw .truncated(needed: start + headerLength, available: bytes.count)
        }
        var parser = _PythonLiteralParser(UnsafeRawBufferPointer(rebasing: bytes[start..<start + headerLength]))
        let dictionary = try parser.parseHeaderDictionary()
        guard case .string(let descr)? = dictionary["descr"] else {
            throw .malformedHeader(reason: "no string 'descr'")
        }
        guard case .boolean(let fortran)? = dictionary["fortran_order"] else {
            throw .malformedHeader(reason: "no boolean 'fortran_order'")
        }
        guard case .tuple(let shape)? = dictionary["shape"] else {
            throw .malformedHeader(reason: "no tuple 'shape'")
        }
        if acceptingIntegers, descr == "<i4" || descr == "<i8" { integerByteCount = descr == "<i4" ? 4 : 8 }
        guard let dataType = NumPyDataType(rawValue: integerByteCount > 0 ? "<f8" : descr) else {
            throw .unsupportedDataType(descr)
        }
        guard !fortran else { throw .fortranOrder }
        guard shape.count == 1 || shape.count == 2 else { throw .unsupportedShape(shape) }
        self.dataType = dataType
        self.shape = shape
        self.dataOffset = start + headerLength
    }

    /// The header bytes (preamble, dictionary, padding and newline) for a 2-D array,
    /// padded so that the data starts on a 64-byte boundary, as NumPy does.
    static func encode(dataType: NumPyDataType, rows: Int, columns: Int) -> [UInt8] {
        var dictionary = Array("{'descr': '\(dataType.rawValue)', 'fortran_order': False, 'shape': (\(rows), \(columns)), }".utf8)
        let unpadded = 10 + dictionary.count + 1
        let padding = (64 - unpadded % 64) % 64
        dictionary.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding))
        dictionary.append(UInt8(ascii: "\n"))
        let length = dictionary.count
        return magic + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + dictionary
    }
}

/// A value of the Python literal subset that `.npy` headers use.
enum _PythonLiteral: Equatable {
    case string(String)
    case boolean(Bool)
    case tuple([Int])
}

/// A recursive-descent parser for the header dictionary of a `.npy` file:
/// `{'key': value, …}` with string, `True`/`False` and integer-tuple values.
struct _PythonLiteralParser {
    private let bytes: UnsafeRawBufferPointer
    private var position = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func parseHeaderDictionary() throws(NumPyFormatError) -> [String: _PythonLiteral] {
        skipSpaces()
        try expect(UInt8(ascii: "{"))
        var result: [String: _PythonLiteral] = [:]
        while true {
            skipSpaces()
            if peek() == UInt8(ascii: "}") { position += 1; break }
            let key = try parseString()
            skipSpaces()
            try expect(UInt8(ascii: ":"))
            skipSpaces()
            guard result[key] == nil else { throw .malformedHeader(reason: "key '\(key)' repeats") }
            result[key] = try parseValue()
            skipSpaces()
            if peek() == UInt8(ascii: ",") { position += 1; continue }
            skipSpaces()
            try expect(UInt8(ascii: "}"))
            break
        }
        skipSpaces()
        guard position == bytes.count else {
            throw .malformedHeader(reason: "unexpected byte \(bytes[position]) at offset \(position) after the dictionary")
        }
        return result
    }

    private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipSpaces() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D { position += 1 }
    }

    private mutating func expect(_ byte: UInt8) throws(NumPyFormatError) {
        guard peek() == byte else {
            throw .malformedHeader(reason: "expected '\(Character(Unicode.Scalar(byte)))' at offset \(position)")
        }
        position += 1
    }

    private mutating func parseString() throws(NumPyFormatError) -> String {
        guard let quote = peek(), quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") else {
            throw .malformedHeader(reason: "expected a quoted string at offset \(position)")
        }
        position += 1
        let start = position
        while let byte = peek(), byte != quote {
            guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\\") else {
                throw .malformedHeader(reason: "unsupported byte \(byte) in a string at offset \(position)")
            }
            position += 1
        }
        guard peek() == quote else { throw .malformedHeader(reason: "unterminated string at offset \(start - 1)") }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        position += 1
        return text
    }

    private mutating func parseValue() throws(NumPyFormatError) -> _PythonLiteral {
        switch peek() {
        case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "("): return .tuple(try parseTuple())
        case UInt8(ascii: "T"), UInt8(ascii: "F"):
            for (word, value) in [("True", true), ("False", false)] {
                let utf8 = Array(word.utf8)
                if position + utf8.count <= bytes.count,
                   bytes[position..<position + utf8.count].elementsEqual(utf8) {
                    position += utf8.count
                    return .boolean(value)
                }
            }
            throw .malformedHeader(reason: "unknown name at offset \(position)")
        default:
            throw .malformedHeader(reason: "unsupported value at offset \(position)")
        }
    }

    private mutating func parseTuple() throws(NumPyFormatError) -> [Int] {
        try expect(UInt8(ascii: "("))
        var values: [Int] = []
        while true {
            skipSpaces()
            if peek() == UInt8(ascii: ")") { position += 1; return values }
            guard values.count < 32 else { throw .malformedHeader(reason: "a shape of more than 32 dimensions") }
            values.append(try parseInteger())
            skipSpaces()
            if peek() == UInt8(ascii: ",") { position += 1; continue }
            try expect(UInt8(ascii: ")"))
            return values
        }
    }

    private mutating func parseInteger() throws(NumPyFormatError) -> Int {
        let start = position
        var value = 0
        while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw .malformedHeader(reason: "dimension overflows at offset \(start)") }
            value = sum
            position += 1
        }
        guard position > start else { throw .malformedHeader(reason: "expected a dimension at offset \(start)") }
        if peek() == UInt8(ascii: "L") { position += 1 }
        return value
    }
}
