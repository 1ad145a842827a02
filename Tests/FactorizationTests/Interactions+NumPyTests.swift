import Factorization
import LinearAlgebra
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a 1-D `.npy` file of `descr` elements given as raw little-endian bytes.
private func numPyFile(_ name: String, descr: String, count: Int, data: [UInt8]) -> String {
    var header = Array("{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(count),), }".utf8)
    header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (64 - (10 + header.count + 1) % 64) % 64))
    header.append(UInt8(ascii: "\n"))
    let bytes = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header + data
    return temporaryFile("npy-\(name)", bytes)
}

private func int64s(_ values: [Int]) -> [UInt8] { values.flatMap { withUnsafeBytes(of: Int64($0).littleEndian, Array.init) } }
private func float32s(_ values: [Float]) -> [UInt8] {
    values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
}
private func float64s(_ values: [Double]) -> [UInt8] {
    values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
}

@Suite(".npy triplets")
struct NumPyTripletTests {
    @Test("triplets give what the CSV of the same records gives: ids in order of first appearance, duplicates merged")
    func sameAsCSV() throws {
        var generator = SplitMix64(seed: 5)
        let count = 500
        let users = (0..<count).map { _ in Int(generator.next() % 40) * 7 }
        let items = (0..<count).map { _ in Int(generator.next() % 25) + 1000 }
        let values = (0..<count).map { _ in Float(generator.next() % 8) / 2 }
        let usersPath = numPyFile("users.npy", descr: "<i8", count: count, data: int64s(users))
        let itemsPath = numPyFile("items.npy", descr: "<f8", count: count, data: float64s(items.map(Double.init)))
        let valuesPath = numPyFile("values.npy", descr: "<f4", count: count, data: float32s(values))
        let csv = temporaryFile("npy-same.csv", "user,item,value\n"
            + zip(zip(users, items), values).map { "\($0.0),\($0.1),\($1)" }.joined(separator: "\n"))
        defer { for path in [usersPath, itemsPath, valuesPath, csv] { unlink(path) } }
        for policy in [Interactions<String, String>.DuplicatePolicy.sum, .last, .max] {
            let fromNumPy = try Interactions<String, String>(
                numPyUsers: usersPath, items: itemsPath, values: valuesPath, duplicates: policy)
            let fromCSV = try Interactions<String, String>(csvPath: csv, duplicates: policy)
            #expect(fromNumPy.userIDs == fromCSV.userIDs)
            #expect(fromNumPy.itemIDs == fromCSV.itemIDs)
            #expect(fromNumPy.byUser == fromCSV.byUser)
            #expect(fromNumPy.byItem == fromCSV.byItem)
            #expect(fromNumPy.count < count, "the random triplets repeat pairs")
        }
        let ones = try Interactions<Int, Int>(numPyUsers: usersPath, items: itemsPath)
        #expect(ones.byUser.values.reduce(0, +) == Double(count), "without values every triplet counts 1")
        let users32 = numPyFile("users32.npy", descr: "<i4", count: count,
                                data: users.flatMap { withUnsafeBytes(of: Int32($0).littleEndian, Array.init) })
        defer { unlink(users32) }
        let narrow = try Interactions<Int, Int>(numPyUsers: users32, items: itemsPath)
        #expect(narrow.userIDs == ones.userIDs && narrow.byUser == ones.byUser, "<i4 ids read as <i8 ones")
    }

    @Test("arrays of different lengths, fractional ids and non-finite values are errors naming the file")
    func errors() throws {
        let users = numPyFile("e-users.npy", descr: "<i8", count: 3, data: int64s([1, 2, 3]))
        let items = numPyFile("e-items.npy", descr: "<i8", count: 2, data: int64s([1, 2]))
        let fractional = numPyFile("e-frac.npy", descr: "<f8", count: 3, data: float64s([1, 2.5, 3]))
        let infinite = numPyFile("e-inf.npy", descr: "<f8", count: 3, data: float64s([1, .infinity, 3]))
        let matrix = temporaryFile("npy-e-matrix.npy", Matrix<Float>(rowCount: 3, columnCount: 2).numPyBytes())
        defer { for path in [users, items, fractional, infinite, matrix] { unlink(path) } }
        #expect(throws: FactorizationError.inconsistentData(
            "\(users) has 3 elements, 2 \(items); the arrays must be parallel")) {
            try Interactions<Int, Int>(numPyUsers: users, items: items)
        }
        #expect(throws: FactorizationError.inconsistentData("\(fractional): element 1 is 2.5, not a whole-number id")) {
            try Interactions<Int, Int>(numPyUsers: users, items: fractional)
        }
        #expect(throws: FactorizationError.nonFiniteValue(record: 1, user: "2", item: "2", value: .infinity)) {
            try Interactions<Int, Int>(numPyUsers: users, items: users, values: infinite)
        }
        #expect(throws: FactorizationError.cannotReadFile(file: matrix, reason: "unsupported .npy shape [3, 2] (only 1-D and 2-D)")) {
            try Interactions<Int, Int>(numPyUsers: matrix, items: users)
        }
    }
}
