/// A persistent table of fixed-width rows, stored in chunks of `rowsPerChunk` rows that
/// versions share: changing or appending a row copies that row's chunk and the chunk
/// table (references only), never the other chunks. This is the live model's answer to
/// "a write must not copy the factor matrices".
///
/// - Complexity: reading a row O(1); ``setRow(_:to:)`` and ``appendRow(_:)``
///   O(rowsPerChunk·width + rowCount/rowsPerChunk).
struct _ChunkedRows<Element: Sendable>: Sendable {
    /// One immutable chunk: `rowCount` rows of `width` elements, row-major.
    final class Chunk: Sendable {
        let elements: [Element]
        init(_ elements: [Element]) { self.elements = elements }
    }

    let width: Int
    let rowsPerChunk: Int
    private(set) var chunks: [Chunk] = []
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
        self.rowCount = rowCount
    }

    /// Calls `body` with row `row`'s elements.
    @inline(__always)
    func withRow<R>(_ row: Int, _ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        let chunk = chunks[row / rowsPerChunk]
        let offset = (row % rowsPerChunk) * width
        return try chunk.elements.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[offset..<offset + width])) }
    }

    /// Row `row` as an array.
    func row(_ row: Int) -> [Element] { withRow(row) { Array($0) } }

    /// Element `column` of row `row`.
    func element(_ row: Int, _ column: Int) -> Element {
        chunks[row / rowsPerChunk].elements[(row % rowsPerChunk) * width + column]
    }

    /// The number of chunks.
    var chunkCount: Int { chunks.count }

    /// The first row of chunk `index` and its elements (its row count is `elements.count / width`).
    func chunk(_ index: Int) -> (firstRow: Int, elements: [Element]) { (index * rowsPerChunk, chunks[index].elements) }

    /// Replaces row `row`, copying its chunk only.
    mutating func setRow(_ row: Int, to values: some Collection<Element>) {
        precondition(values.count == width && row >= 0 && row < rowCount,
                     "Row \(row) of \(rowCount) set to \(values.count) elements, width \(width)")
        let index = row / rowsPerChunk, offset = (row % rowsPerChunk) * width
        var elements = chunks[index].elements
        elements.replaceSubrange(offset..<offset + width, with: values)
        chunks[index] = Chunk(elements)
    }

    /// Appends a row, copying the last chunk when it is not full.
    mutating func appendRow(_ values: some Collection<Element>) {
        precondition(values.count == width, "Appended row of \(values.count) elements, width \(width)")
        if rowCount % rowsPerChunk == 0 {
            var elements: [Element] = []
            elements.reserveCapacity(rowsPerChunk * width)
            elements.append(contentsOf: values)
            chunks.append(Chunk(elements))
        } else {
            var elements = chunks[chunks.count - 1].elements
            elements.append(contentsOf: values)
            chunks[chunks.count - 1] = Chunk(elements)
        }
        rowCount += 1
    }
}
