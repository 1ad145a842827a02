/// A two-way map between external ids and dense indices `0..<count`.
///
/// Indices are assigned in the order ids are first appended, so the map is
/// deterministic for a given input order. Looking up an id is a hash-table probe;
/// looking up an index is an array access.
///
/// ```swift
/// var users = IDMap<String>()
/// let alice = users.append("alice")        // 0
/// users.index(of: "alice")                 // 0
/// users.id(at: 0)                          // "alice"
/// ```
public struct IDMap<ID: Hashable & Sendable>: Sendable {
    /// The ids in index order: `ids[i]` has index `i`.
    public private(set) var ids: [ID]
    private var indexByID: [ID: Int]

    /// An empty map.
    public init() {
        ids = []
        indexByID = [:]
    }

    /// A map that gives each id of `ids` its position, ignoring later repetitions of an id.
    ///
    /// - Complexity: O(n) expected.
    public init(_ ids: some Sequence<ID>) {
        self.init()
        for id in ids { append(id) }
    }

    /// The number of ids.
    @inlinable
    public var count: Int { ids.count }

    /// Whether the map holds no id.
    @inlinable
    public var isEmpty: Bool { ids.isEmpty }

    /// The index of `id`, or `nil` when the map does not hold it.
    ///
    /// - Complexity: O(1) expected.
    public func index(of id: ID) -> Int? { indexByID[id] }

    /// Whether the map holds `id`.
    public func contains(_ id: ID) -> Bool { indexByID[id] != nil }

    /// The id with index `index`.
    ///
    /// - Precondition: `0 <= index < count`.
    public func id(at index: Int) -> ID {
        precondition(index >= 0 && index < ids.count, "Index \(index) out of range for an IDMap of \(ids.count) ids")
        return ids[index]
    }

    /// Adds `id` if it is new and returns its index (the existing one when it is not new).
    ///
    /// - Complexity: amortised O(1) expected.
    @discardableResult
    public mutating func append(_ id: ID) -> Int {
        let next = ids.count
        // One probe: the defaulted subscript's modify accessor inserts `next` when `id` is new.
        let index = Self.value(&indexByID[id, default: next])
        if index == next { ids.append(id) }
        return index
    }

    @inline(__always)
    private static func value(_ slot: inout Int) -> Int { slot }

    /// Makes room for `count` ids in all, so that appending up to that many grows nothing.
    mutating func reserveCapacity(_ count: Int) {
        ids.reserveCapacity(count)
        indexByID.reserveCapacity(count)
    }

    /// Adds every new id of `newIDs`, in order.
    public mutating func append(contentsOf newIDs: some Sequence<ID>) {
        for id in newIDs { append(id) }
    }
}

extension IDMap: Equatable {
    /// Two maps are equal when they hold the same ids at the same indices.
    public static func == (lhs: IDMap, rhs: IDMap) -> Bool { lhs.ids == rhs.ids }
}
