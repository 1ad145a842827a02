import Ranking
import Testing

@Suite("RankedItem")
struct RankedItemTests {
    @Test("entries compare by id and score")
    func equality() {
        #expect(RankedItem(id: 3, score: 1.5) == RankedItem(id: 3, score: 1.5))
        #expect(RankedItem(id: 3, score: 1.5) != RankedItem(id: 3, score: 2))
        #expect(RankedItem(id: "a", score: 0) != RankedItem(id: "b", score: 0))
    }
}
