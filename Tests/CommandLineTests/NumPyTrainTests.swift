import Foundation
import Testing

/// The bytes of a 1-D little-endian `<i8` `.npy` array.
private func int64NumPy(_ values: [Int]) -> [UInt8] {
    var header = Array("{'descr': '<i8', 'fortran_order': False, 'shape': (\(values.count),), }".utf8)
    header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (64 - (10 + header.count + 1) % 64) % 64))
    header.append(UInt8(ascii: "\n"))
    return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header
        + values.flatMap { withUnsafeBytes(of: Int64($0).littleEndian, Array.init) }
}

@Suite("Command line: .npy triplets")
struct NumPyTrainTests {
    @Test("--train USERS.npy,ITEMS.npy,VALUES.npy recommends exactly what the CSV of the same triplets does")
    func sameAsCSV() throws {
        let scratch = Scratch()
        var state: UInt64 = 9
        func next(_ bound: UInt64) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % bound)
        }
        let users = (0..<300).map { _ in next(20) }, items = (0..<300).map { _ in 100 + next(30) }
        let values = (0..<300).map { _ in 1 + next(4) }
        scratch.write("u.npy", int64NumPy(users))
        scratch.write("i.npy", int64NumPy(items))
        scratch.write("v.npy", int64NumPy(values))
        scratch.write("t.csv", "user,item,count\n" + (0..<300).map { "\(users[$0]),\(items[$0]),\(values[$0])" }.joined(separator: "\n"))
        let common = ["recommend", "--model", "implicit-als", "--factors", "4", "--iterations", "3", "--k", "5"]
        let fromNumPy = try scratch.run(common + ["--train", "u.npy,i.npy,v.npy", "--output", "a.csv"])
        let fromCSV = try scratch.run(common + ["--train", "t.csv", "--output", "b.csv"])
        #expect(fromNumPy.status == 0, "\(fromNumPy.standardError)")
        #expect(fromCSV.status == 0, "\(fromCSV.standardError)")
        #expect(scratch.text("a.csv") != nil && scratch.text("a.csv") == scratch.text("b.csv"))
        #expect((scratch.text("a.csv") ?? "").split(separator: "\n").count == 1 + 20 * 5)
        expectFailure(try scratch.run(common + ["--train", "u.npy,t.csv.npy", "--output", "c.csv"]), status: 1,
                      "t.csv.npy")
    }
}
