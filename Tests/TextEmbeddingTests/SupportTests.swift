import Foundation
import LinearAlgebra
import Testing
@testable import TextEmbedding

@Suite("Activation kernels")
struct ActivationTests {
    @Test("exact-form GELU agrees with ½·x·erfc(−x/√2) in Double to a few ulp, in the negative tail too")
    func gelu() {
        for step in -13_000...13_000 {
            let x = Float(step) / 1000
            let exact = 0.5 * Double(x) * Foundation.erfc(-Double(x) / 2.0.squareRoot())
            let error = abs(Double(_gelu(x)) - exact)
            #expect(error <= 6e-7 * abs(exact) + 1e-37, "x = \(x): \(_gelu(x)) vs \(exact)")
        }
        #expect(abs(_gelu(-30)) < 1e-30 && _gelu(30) == 30)
    }

    @Test("the exponential agrees with Double exp to about one ulp")
    func exponential() {
        for step in -8_730...8_830 {
            let x = Float(step) / 100
            let exact = Foundation.exp(Double(x))
            #expect(abs(Double(_exponential(x)) - exact) <= 2.5e-7 * exact, "x = \(x)")
            let shiftedExact = Foundation.exp(Double(x - 3) + 3)
            #expect(abs(Double(_exponential(x - 3, plus: 3)) - shiftedExact) <= 2.5e-7 * shiftedExact, "x = \(x) − 3 + 3")
        }
        #expect(_exponential(-1000) < 1e-37 && _exponential(-1000) >= 0)
    }
}

@Suite("NumPy export")
struct NumPyTests {
    @Test(".npy bytes: magic, version 1.0, padded header, little-endian C-order data", arguments: [false, true])
    func layout(double: Bool) throws {
        let bytes: [UInt8]
        let expectedData: [UInt8]
        if double {
            let matrix = try Matrix<Double>(rows: [[1, -2, 3.5], [0, 0.25, 1e-3]])
            bytes = matrix.numPyData()
            expectedData = matrix.elements.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
        } else {
            let matrix = try Matrix<Float>(rows: [[1, -2, 3.5], [0, 0.25, 1e-3]])
            bytes = matrix.numPyData()
            expectedData = matrix.elements.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
        }
        #expect(Array(bytes[0..<8]) == [0x93] + Array("NUMPY".utf8) + [1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '\(double ? "<f8" : "<f4")', 'fortran_order': False, 'shape': (2, 3), }"))
        #expect(header.hasSuffix("\n"))
        #expect(Array(bytes[(10 + headerLength)...]) == expectedData)
    }

    @Test("writes the file, and reports an unwritable path")
    func writing() throws {
        let matrix = Matrix<Float>(rowCount: 3, columnCount: 2, repeating: 0.5)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fusionrec-\(UUID().uuidString).npy").path
        try matrix.writeNumPy(toFile: path)
        #expect(try Array(Data(contentsOf: URL(fileURLWithPath: path))) == matrix.numPyData())
        #expect {
            try matrix.writeNumPy(toFile: "/nonexistent-directory/out.npy")
        } throws: { error in
            if case .unwritableFile(let failing, _) = error as? TextEmbeddingError { return failing == "/nonexistent-directory/out.npy" }
            return false
        }
    }
}

@Suite("JSON parser")
struct JSONTests {
    @Test("parses objects, arrays, numbers, literals and escapes, surrogate pairs included")
    func parses() throws {
        let text = #"{"a": [1, -2.5e-1, true, false, null], "s": "x\"\\\/\n\u00e9\ud83d\ude00", "o": {}}"#
        let value = try _JSON.parse(Array(text.utf8))
        #expect(value["a"] == .array([.number(1), .number(-0.25), .bool(true), .bool(false), .null]))
        #expect(value["s"]?.stringValue == "x\"\\/\n\u{e9}\u{1F600}")
        #expect(value["o"] == .object([:]))
        #expect(value["a"]?.arrayValue?[0].intValue == 1 && value["a"]?.arrayValue?[1].intValue == nil)
    }

    @Test("rejects malformed documents with a byte offset", arguments: ["{", "[1,]", "{\"a\" 1}", "\"abc", "1 2", "nul", "{\"a\": 1e999}"])
    func rejects(text: String) {
        #expect(throws: _JSONParseError.self) { try _JSON.parse(Array(text.utf8)) }
    }
}
