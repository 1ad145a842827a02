import Factorization
import Testing

@Suite("IDMap")
struct IDMapTests {
    @Test("indices follow first appearance and both directions agree")
    func twoWay() {
        var map = IDMap(["b", "a", "b", "c"])
        #expect(map.count == 3)
        #expect(map.ids == ["b", "a", "c"])
        #expect(map.index(of: "a") == 1)
        #expect(map.index(of: "z") == nil)
        #expect(map.id(at: 2) == "c")
        #expect(map.append("a") == 1)
        #expect(map.append("z") == 3)
        #expect(map.count == 4)
        for (index, id) in map.ids.enumerated() { #expect(map.index(of: id) == index) }
    }
}
