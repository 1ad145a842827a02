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

    @Test("Across pages of chunks: a write copies one chunk and one page, and appends open new pages")
    func pages() {
        // 2 rows a chunk, 64 chunks a page: rows 0–127 on page 0, 128–255 on page 1, 256–299 on page 2.
        let original = _ChunkedRows<Int>(width: 2, rowsPerChunk: 2, rowCount: 300) { row, column in row * 10 + column }
        #expect(original.chunkCount == 150 && original.pages.count == 3 && original.pages[2].chunks.count == 22)
        var changed = original
        changed.setRow(200, to: [-1, -2])
        #expect(changed.pages[0] === original.pages[0] && changed.pages[2] === original.pages[2])
        #expect(changed.pages[1] !== original.pages[1])
        let differing = zip(changed.chunks, original.chunks).enumerated().filter { $1.0 !== $1.1 }.map(\.offset)
        #expect(differing == [100])
        for _ in 0..<(512 - 300) { changed.appendRow([7, 7]) }
        #expect(changed.rowCount == 512 && changed.chunkCount == 256 && changed.pages.count == 4)
        changed.appendRow([8, 9])
        #expect(changed.pages.count == 5 && changed.chunkCount == 257 && changed.row(512) == [8, 9])
        #expect((0..<300).allSatisfy { row in original.row(row) == [row * 10, row * 10 + 1] })
        #expect((0..<300).allSatisfy { row in row == 200 || changed.row(row) == original.row(row) })
        #expect(changed.row(200) == [-1, -2] && changed.element(511, 1) == 7 && changed.chunk(100).firstRow == 200)
        #expect(original.rowCount == 300 && original.chunkCount == 150)
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
