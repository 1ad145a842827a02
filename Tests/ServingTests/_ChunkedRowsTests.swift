import Factorization
@testable import Serving
import Testing

@Suite("Chunked rows")
struct ChunkedRowsTests {
    @Test("Set and append copy only the chunk they touch; other versions keep their rows")
    func persistence() {
        let original = _ChunkedRows<Int>(width: 3, rowsPerChunk: 4, rowCount: 10) { row, column in row * 10 + column }
        #expect(original.chunkCount == 3 && original.rowCount == 10)
        #expect(original.row(9) == [90, 91, 92])
        var changed = original
        changed.setRow(5, to: [-1, -2, -3])
        #expect(changed.row(5) == [-1, -2, -3] && original.row(5) == [50, 51, 52])
        #expect(changed.chunks[0] === original.chunks[0] && changed.chunks[2] === original.chunks[2])
        #expect(changed.chunks[1] !== original.chunks[1])
        changed.appendRow([100, 101, 102])
        changed.appendRow([110, 111, 112])
        changed.appendRow([120, 121, 122])
        #expect(changed.rowCount == 13 && changed.chunkCount == 4 && original.rowCount == 10)
        #expect(changed.row(12) == [120, 121, 122] && changed.element(10, 1) == 101)
        #expect(changed.chunks[0] === original.chunks[0])
    }

    @Test("Ids added after the fit are found by index and by id, in every bucket")
    func idIndex() {
        var index = _IDIndex(IDMap([10, 20, 30]))
        for id in 100..<400 { #expect(index.append(id) == id - 97) }
        #expect(index.count == 303)
        #expect(index.index(of: 20) == 1 && index.index(of: 250) == 153 && index.index(of: 5) == nil)
        #expect(index.id(at: 2) == 30 && index.id(at: 153) == 250)
    }
}
