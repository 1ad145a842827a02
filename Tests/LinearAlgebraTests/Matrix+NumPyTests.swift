#if canImport(Glibc)
import FusionRecTestSupport
import Glibc
#endif
import LinearAlgebra
import Testing

/// The bytes of a `.npy` file with the given header text (padded as NumPy 2.4 pads it)
/// and data.
private func npy(_ header: String, _ data: [UInt8], version: UInt8 = 1, padTo: Int = 128) -> [UInt8] {
    var text = Array(header.utf8)
    while (10 + text.count + 1) % padTo != 0 { text.append(0x20) }
    text.append(0x0A)
    return [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version, 0, UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + text + data
}

private func hex(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = text.startIndex
    while index < text.endIndex {
        let next = text.index(index, offsetBy: 2)
        bytes.append(UInt8(text[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}

@Suite("Matrix+NumPy")
struct MatrixNumPyTests {
    /// The exact bytes `numpy.save` (2.4.6) writes for `[[1,2,3],[4,5,6]]` as float32.
    let numpyFloat32 = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                           hex("0000803f0000004000004040000080400000a0400000c040"))
    /// The exact bytes `numpy.save` writes for `[1.5, -2]` as float64.
    let numpyFloat64 = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
                           hex("000000000000f83f00000000000000c0"))

    @Test("reads NumPy's own bytes", arguments: scalarTypes)
    func readsNumPyBytes(_ type: any BLASScalar.Type) throws {
        func check<T: BLASScalar>(_: T.Type) throws {
            let a = try Matrix<T>(numPyBytes: numpyFloat32)
            #expect(a == (try Matrix<T>(rows: [[1, 2, 3], [4, 5, 6]])))
            let v = try Matrix<T>(numPyBytes: numpyFloat64)
            #expect(v == (try Matrix<T>(rows: [[1.5], [-2]])))
        }
        try check(type)
    }

    @Test("round trip keeps shape and every bit", arguments: scalarTypes)
    func roundTrip(_ type: any BLASScalar.Type) throws {
        func check<T: BLASScalar>(_: T.Type) throws {
            for (rows, columns) in testShapes {
                var a = randomMatrix(T.self, rows, columns, seed: UInt64(rows * 100 + columns))
                if rows > 0 && columns > 0 { a[0, 0] = .nan; a[rows - 1, columns - 1] = -.infinity }
                let bytes = a.numPyBytes()
                #expect((bytes.count - a.elements.count * MemoryLayout<T>.size) % 64 == 0)
                let b = try Matrix<T>(numPyBytes: bytes)
                #expect(b.shape == a.shape)
                #expect(zip(a.elements, b.elements).allSatisfy { Double($0).bitPattern == Double($1).bitPattern })
            }
        }
        try check(type)
    }

    @Test("float64 to Float rounds, float32 to Double is exact")
    func crossPrecision() throws {
        let d = try Matrix<Double>(rows: [[1.0 / 3.0, 1e-50]])
        let f = try Matrix<Float>(numPyBytes: d.numPyBytes())
        #expect(f.elements == [Float(1.0 / 3.0), Float(1e-50)])
        let back = try Matrix<Double>(numPyBytes: f.numPyBytes())
        #expect(back.elements == [Double(Float(1.0 / 3.0)), 0])
        #expect(Array(d.numPyBytes(as: .float32)[10..<30]) == Array(f.numPyBytes()[10..<30]))
    }

    @Test("file round trip, and a failed write keeps the old file")
    func fileRoundTrip() throws {
        let directory = "/tmp/fusionrec-npy-\(getpid())"
        mkdir(directory, 0o755)
        defer { _ = system("rm -rf \(directory)") }
        let path = directory + "/a.npy"
        let a = try Matrix<Float>(rows: [[1, 2], [3, 4], [5, 6]])
        try a.writeNumPy(toFile: path)
        #expect(try Matrix<Float>(numPyFile: path) == a)
        // A directory where the temporary file would go makes the write fail.
        mkdir(path + ".tmp-\(getpid())", 0o755)
        #expect(throws: NumPyFormatError.self) { try Matrix<Float>.identity(2).writeNumPy(toFile: path) }
        #expect(try Matrix<Float>(numPyFile: path) == a)
        #expect(throws: NumPyFormatError.self) { try Matrix<Float>(numPyFile: directory + "/missing.npy") }
    }

    @Test("malformed headers throw typed errors")
    func malformed() {
        let good = numpyFloat32
        func expectError(_ bytes: [UInt8], _ expected: NumPyFormatError, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(throws: expected, sourceLocation: sourceLocation) { try Matrix<Float>(numPyBytes: bytes) }
        }
        expectError([], .truncated(needed: 10, available: 0))
        expectError(Array(good.prefix(4)), .truncated(needed: 10, available: 4))
        expectError([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x58] + good.dropFirst(6), .badMagic)
        expectError(Array("PK\u{3}\u{4}".utf8), .badMagic)
        var future = good
        future[6] = 9
        expectError(future, .unsupportedVersion(major: 9, minor: 0))
        expectError(Array(good.prefix(60)), .truncated(needed: 128, available: 60))
        expectError(Array(good.dropLast()), .dataSizeMismatch(expectedBytes: 24, actualBytes: 23))
        expectError(good + [0], .dataSizeMismatch(expectedBytes: 24, actualBytes: 25))
        // A lying shape: a huge announced size must be rejected without allocating it.
        expectError(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (100000000, 100000000), }", []),
                    .dataSizeMismatch(expectedBytes: 40_000_000_000_000_000, actualBytes: 0))
        expectError(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", []),
                    .unsupportedShape([4611686018427387904, 4]))
        expectError(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999, 1), }", []),
                    .malformedHeader(reason: "dimension overflows at offset 51"))
        expectError(npy("{'descr': '<i8', 'fortran_order': False, 'shape': (1, 1), }", Array(repeating: 0, count: 8)),
                    .unsupportedDataType("<i8"))
        expectError(npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1, 1), }", Array(repeating: 0, count: 4)),
                    .unsupportedDataType(">f4"))
        expectError(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 1), }", Array(repeating: 0, count: 4)),
                    .fortranOrder)
        expectError(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 1), }", Array(repeating: 0, count: 4)),
                    .unsupportedShape([1, 1, 1]))
        expectError(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", Array(repeating: 0, count: 4)),
                    .unsupportedShape([]))
        expectError(npy("{'descr': '<f4', 'fortran_order': False }", []), .malformedHeader(reason: "no tuple 'shape'"))
        expectError(npy("{'descr': '<f4', 'descr': '<f4', }", []), .malformedHeader(reason: "key 'descr' repeats"))
        expectError(npy("{'descr': '<f4", []), .malformedHeader(reason: "unsupported byte 10 in a string at offset 117"))
        expectError(npy("['descr']", []), .malformedHeader(reason: "expected '{' at offset 0"))
        expectError(npy("{'descr': '<f4', 'fortran_order': Fals, 'shape': (1,), }", []),
                    .malformedHeader(reason: "unknown name at offset 34"))
        expectError(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } x", []),
                    .malformedHeader(reason: "unexpected byte 120 at offset 58 after the dictionary"))
    }

    @Test("version 2.0 headers and 1-D shapes are read")
    func version2() throws {
        var text = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }".utf8)
        while (12 + text.count + 1) % 64 != 0 { text.append(0x20) }
        text.append(0x0A)
        let bytes = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 2, 0, UInt8(text.count), 0, 0, 0] + text
            + hex("0000803f000000400000404000")
        #expect(throws: NumPyFormatError.dataSizeMismatch(expectedBytes: 12, actualBytes: 13)) {
            try Matrix<Double>(numPyBytes: bytes)
        }
        #expect(try Matrix<Double>(numPyBytes: Array(bytes.dropLast())).elements == [1, 2, 3])
    }
}
