import LinearAlgebra
import Testing

@testable import Factorization

@Suite("Byte-keyed id table")
struct ByteKeyTableTests {
    @Test("keys of every length up to 20 bytes get their insertion numbers back across growth; absent keys are absent")
    func numbersSurviveGrowth() {
        var generator = SplitMix64(seed: 8)
        var keys: [[UInt8]] = []
        var seen = Set<[UInt8]>()
        while keys.count < 5_000 {
            let length = Int(generator.next() % 21)
            let key = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next() % 4) + 0x30 }
            if seen.insert(key).inserted { keys.append(key) }
        }
        var table = _ByteKeyTable(capacity: 4)
        for (number, key) in keys.enumerated() {
            key.withUnsafeBytes { bytes in
                let hash = _ByteKeyTable.hash(bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, bytes.count)
                #expect(table.index(of: bytes, hash: hash) == nil)
                #expect(table.insert(bytes, hash: hash) == number)
            }
        }
        #expect(table.count == keys.count)
        for (number, key) in keys.enumerated() {
            key.withUnsafeBytes { bytes in
                let hash = _ByteKeyTable.hash(bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, bytes.count)
                #expect(table.index(of: bytes, hash: hash) == number)
                #expect(table.hash(ofEntry: number) == hash)
                #expect(table.withKey(number) { Array($0) } == key)
            }
        }
        let absent = Array("0123456789abcdefghijk".utf8)
        absent.withUnsafeBytes { bytes in
            #expect(table.index(of: bytes, hash: _ByteKeyTable.hash(bytes.baseAddress!, bytes.count)) == nil)
        }
    }
}
