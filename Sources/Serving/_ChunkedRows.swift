/// A persistent table of fixed-width rows, stored in chunks of `rowsPerChunk` rows that
/// versions share, and the chunks in pages of ``chunksPerPage``: changing or appending a
/// row copies that row's chunk, its page (references only) and the page table (references
/// only), never the other chunks or pages. This is the live model's answer to "a write
/// must not copy the factor matrices".
///
/// With one flat table of chunks a write copied ⌈m/C⌉ references — 1,563 at 100k users,
/// each retained by the copy and released with the old version, which cost more than the
/// re-fold itself; with pages it copies C + ⌈m/(64·C)⌉ (64 + 25).
///
/// - Complexity: reading a row O(1); ``setRow(_:to:)`` and ``appendRow(_:)``
///   O(rowsPerChunk·width + chunksPerPage + rowCount/(rowsPerChunk·chunksPerPage)).
struct _ChunkedRows<Element: Sendable>: Sendable {
    /// One immutable chunk: `rowCount` rows of `width` elements, row-major.
    final class Chunk: Sendable {
        let elements: [Element]
        init(_ elements: [Element]) { self.elements = elements }
    }

    /// Up to ``chunksPerPage`` consecutive chunks.
    final class Page: Sendable {
        let chunks: [Chunk]
        init(_ chunks: [Chunk]) { self.chunks = chunks }
    }

    /// Chunks per page.
    static var chunksPerPage: Int { 64 }

    let width: Int
    let rowsPerChunk: Int
    /// The chunks, ``chunksPerPage`` to a page (the last page may hold fewer).
    private(set) var pages: [Page] = []
    /// The number of chunks.
    private(set) var chunkCount = 0
    private(set) var rowCount = 0

    /// An empty table.
    init(width: Int, rowsPerChunk: Int) {
        precondition(width >= 1 && rowsPerChunk >= 1, "Chunked rows of width \(width), \(rowsPerChunk) rows per chunk")
        self.width = width
        self.rowsPerChunk = rowsPerChunk
    }

    /// A table of `rowCount` rows whose element `(row, column)` is `element(row, column)`.
    init(width: Int, rowsPerChunk: Int, rowCount: Int, element: (Int, Int) -> Element) {
        self.init(width: width, rowsPerChunk: rowsPerChunk)
        var chunks: [Chunk] = []
        var start = 0
        while start < rowCount {
            let end = min(start + rowsPerChunk, rowCount)
            var elements: [Element] = []
            elements.reserveCapacity((end - start) * width)
            for row in start..<end {
                for column in 0..<width { elements.append(element(row, column)) }
            }
            chunks.append(Chunk(elements))
            start = end
        }
        pages = stride(from: 0, to: chunks.count, by: Self.chunksPerPage).map {
            Page(Array(chunks[$0..<min($0 + Self.chunksPerPage, chunks.count)]))
        }
        chunkCount = chunks.count
        self.rowCount = rowCount
    }

    /// Every chunk, in order.
    ///
    /// - Complexity: O(chunkCount).
    var chunks: [Chunk] { pages.flatMap(\.chunks) }

    /// Chunk `index`.
    @inline(__always)
    private func chunkObject(_ index: Int) -> Chunk {
        pages[index / Self.chunksPerPage].chunks[index % Self.chunksPerPage]
    }

    /// Replaces chunk `index` (which exists), copying its page only.
    private mutating func replaceChunk(_ index: Int, with chunk: Chunk) {
        var chunks = pages[index / Self.chunksPerPage].chunks
        chunks[index % Self.chunksPerPage] = chunk
        pages[index / Self.chunksPerPage] = Page(chunks)
    }

    /// Calls `body` with row `row`'s elements.
    @inline(__always)
    func withRow<R>(_ row: Int, _ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        let chunk = chunkObject(row / rowsPerChunk)
        let offset = (row % rowsPerChunk) * width
        return try chunk.elements.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[offset..<offset + width])) }
    }

    /// Row `row` as an array.
    func row(_ row: Int) -> [Element] { withRow(row) { Array($0) } }

    /// Element `column` of row `row`.
    func element(_ row: Int, _ column: Int) -> Element {
        chunkObject(row / rowsPerChunk).elements[(row % rowsPerChunk) * width + column]
    }

    /// The first row of chunk `index` and its elements (its row count is `elements.count / width`).
    func chunk(_ index: Int) -> (firstRow: Int, elements: [Element]) { (index * rowsPerChunk, chunkObject(index).elements) }

    /// Replaces row `row`, copying its chunk and page only.
    mutating func setRow(_ row: Int, to values: some Collection<Element>) {
        precondition(values.count == width && row >= 0 && row < rowCount,
                     "Row \(row) of \(rowCount) set to \(values.count) elements, width \(width)")
        let index = row / rowsPerChunk, offset = (row % rowsPerChunk) * width
        var elements = chunkObject(index).elements
        elements.replaceSubrange(offset..<offset + width, with: values)
        replaceChunk(index, with: Chunk(elements))
    }

    /// Appends a row, copying the last chunk when it is not full.
    mutating func appendRow(_ values: some Collection<Element>) {
        precondition(values.count == width, "Appended row of \(values.count) elements, width \(width)")
        if rowCount % rowsPerChunk == 0 {
            var elements: [Element] = []
            elements.reserveCapacity(rowsPerChunk * width)
            elements.append(contentsOf: values)
            if chunkCount % Self.chunksPerPage == 0 {
                pages.append(Page([Chunk(elements)]))
            } else {
                pages[pages.count - 1] = Page(pages[pages.count - 1].chunks + [Chunk(elements)])
            }
            chunkCount += 1
        } else {
            var elements = chunkObject(chunkCount - 1).elements
            elements.append(contentsOf: values)
            replaceChunk(chunkCount - 1, with: Chunk(elements))
        }
        rowCount += 1
    }
}
