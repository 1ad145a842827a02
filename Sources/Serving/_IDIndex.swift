import Factorization

/// The live model's id ↔ index map: the fitted model's `IDMap`, shared by every version,
/// plus the ids added since, in chunked storage and 64 hash buckets, so that adding an
/// id copies one chunk and one bucket, never the fitted map.
///
/// - Complexity: lookups O(1); ``append(_:)`` O(64 + added/64) on average.
struct _IDIndex<ID: Hashable & Sendable>: Sendable {
    final class Bucket: Sendable {
        let indices: [ID: Int]
        init(_ indices: [ID: Int]) { self.indices = indices }
    }

    static var bucketCount: Int { 64 }

    let base: IDMap<ID>
    private(set) var added: _ChunkedRows<ID>
    private(set) var buckets: [Bucket]

    init(_ base: IDMap<ID>) {
        self.base = base
        added = _ChunkedRows(width: 1, rowsPerChunk: 256)
        buckets = (0..<Self.bucketCount).map { _ in Bucket([:]) }
    }

    var count: Int { base.count + added.rowCount }

    func index(of id: ID) -> Int? {
        if let index = base.index(of: id) { return index }
        return buckets[Self.bucket(of: id)].indices[id]
    }

    func id(at index: Int) -> ID {
        index < base.count ? base.id(at: index) : added.element(index - base.count, 0)
    }

    /// Adds a new id (the caller checked it is new) and returns its index.
    mutating func append(_ id: ID) -> Int {
        let index = count
        added.appendRow(CollectionOfOne(id))
        let bucket = Self.bucket(of: id)
        var indices = buckets[bucket].indices
        indices[id] = index
        buckets[bucket] = Bucket(indices)
        return index
    }

    private static func bucket(of id: ID) -> Int {
        Int(UInt(bitPattern: id.hashValue) % UInt(bucketCount))
    }
}
