import LinearAlgebra

/// Observed user–item interactions (ratings, counts, clicks) with external ids mapped to
/// dense indices, stored once per user and once per item in CSR form.
///
/// Users and items get dense indices in order of first appearance in the records (or
/// after the ids of the maps passed in, see ``init(_:userIDs:itemIDs:duplicates:)``).
/// Ranking orders the catalogue by id separately, so this order never decides a result.
///
/// ```swift
/// let data = try Interactions<Int, Int>([
///     .init(user: 1, item: 10, value: 4),
///     .init(user: 1, item: 20, value: 5),
///     .init(user: 2, item: 10, value: 3),
/// ])
/// data.byUser.nonZeroCount(inRow: 0)   // 2
/// ```
public struct Interactions<UserID: Hashable & Sendable, ItemID: Hashable & Sendable>: Sendable {
    /// One observed interaction.
    public struct Record: Sendable {
        /// The user's external id.
        public var user: UserID
        /// The item's external id.
        public var item: ItemID
        /// The rating, count or weight; must be finite.
        public var value: Double
        /// An optional time stamp (for example seconds since 1970).
        public var timestamp: Int?

        /// Creates a record.
        public init(user: UserID, item: ItemID, value: Double, timestamp: Int? = nil) {
            self.user = user
            self.item = item
            self.value = value
            self.timestamp = timestamp
        }
    }

    /// What to do with several records of the same (user, item) pair.
    public enum DuplicatePolicy: Sendable, Hashable {
        /// Add the values; the time stamp is the latest one.
        case sum
        /// Keep the record that came last in the input.
        case last
        /// Keep the record with the largest value (the first of equal ones).
        case max
    }

    /// The users' ids; index `u` is row `u` of ``byUser``.
    public let userIDs: IDMap<UserID>
    /// The items' ids; index `i` is row `i` of ``byItem``.
    public let itemIDs: IDMap<ItemID>
    /// The interactions as a users × items CSR matrix.
    public let byUser: SparseMatrix<Double>
    /// The interactions as an items × users CSR matrix (the transpose of ``byUser``).
    public let byItem: SparseMatrix<Double>
    /// The time stamp of each entry of ``byUser`` (aligned with `byUser.values`), when
    /// every record had one; `nil` otherwise.
    public let timestamps: [Int]?

    /// The number of users.
    @inlinable
    public var userCount: Int { userIDs.count }
    /// The number of items.
    @inlinable
    public var itemCount: Int { itemIDs.count }
    /// The number of distinct (user, item) pairs stored.
    @inlinable
    public var count: Int { byUser.nonZeroCount }

    /// Builds interactions from records, giving users and items indices in order of first
    /// appearance.
    ///
    /// - Throws: ``FactorizationError/nonFiniteValue(record:user:item:value:)`` for the
    ///   first record whose value is NaN or infinite.
    /// - Complexity: O(r log d) for r records and at most d records per user.
    public init(_ records: some Sequence<Record>, duplicates: DuplicatePolicy = .sum) throws(FactorizationError) {
        try self.init(records, userIDs: IDMap(), itemIDs: IDMap(), duplicates: duplicates)
    }

    /// Builds interactions from records, keeping the indices of the ids already in
    /// `userIDs` and `itemIDs` and appending new ids after them.
    ///
    /// Pass the maps of a training set to build a test set whose indices agree with it;
    /// users and items of the maps without records get empty rows.
    ///
    /// - Throws: ``FactorizationError/nonFiniteValue(record:user:item:value:)``.
    public init(
        _ records: some Sequence<Record>, userIDs: IDMap<UserID>, itemIDs: IDMap<ItemID>,
        duplicates: DuplicatePolicy = .sum
    ) throws(FactorizationError) {
        var users = userIDs, items = itemIDs
        var rowOf: [Int] = [], columnOf: [Int] = [], values: [Double] = [], stamps: [Int] = []
        var allStamped = true
        for (position, record) in records.enumerated() {
            guard record.value.isFinite else {
                throw .nonFiniteValue(record: position, user: "\(record.user)", item: "\(record.item)",
                                      value: record.value)
            }
            rowOf.append(users.append(record.user))
            columnOf.append(items.append(record.item))
            values.append(record.value)
            if let stamp = record.timestamp { stamps.append(stamp) } else { allStamped = false }
        }
        let stamped = allStamped && !values.isEmpty
        let userCount = users.count, itemCount = items.count

        // Counting sort by user keeps input order within a user; a stable sort by item
        // then puts duplicates next to each other in input order.
        var offsets = [Int](repeating: 0, count: userCount + 1)
        for row in rowOf { offsets[row + 1] += 1 }
        for u in 0..<userCount { offsets[u + 1] += offsets[u] }
        var order = [Int](repeating: 0, count: rowOf.count)
        var cursor = offsets
        for index in rowOf.indices {
            order[cursor[rowOf[index]]] = index
            cursor[rowOf[index]] += 1
        }
        var outOffsets = [Int](repeating: 0, count: userCount + 1)
        var outColumns: [Int32] = [], outValues: [Double] = [], outStamps: [Int] = []
        outColumns.reserveCapacity(rowOf.count)
        outValues.reserveCapacity(rowOf.count)
        for u in 0..<userCount {
            let entries = order[offsets[u]..<offsets[u + 1]].sorted { (columnOf[$0], $0) < (columnOf[$1], $1) }
            var start = 0
            while start < entries.count {
                var end = start + 1
                while end < entries.count && columnOf[entries[end]] == columnOf[entries[start]] { end += 1 }
                var value = values[entries[start]]
                var stamp = stamped ? stamps[entries[start]] : 0
                for index in entries[(start + 1)..<end] {
                    switch duplicates {
                    case .sum:
                        value += values[index]
                        if stamped { stamp = Swift.max(stamp, stamps[index]) }
                    case .last:
                        value = values[index]
                        if stamped { stamp = stamps[index] }
                    case .max:
                        if values[index] > value {
                            value = values[index]
                            if stamped { stamp = stamps[index] }
                        }
                    }
                }
                guard value.isFinite else {
                    throw .nonFiniteValue(record: entries[end - 1], user: "\(users.id(at: u))",
                                          item: "\(items.id(at: columnOf[entries[start]]))", value: value)
                }
                outColumns.append(Int32(columnOf[entries[start]]))
                outValues.append(value)
                if stamped { outStamps.append(stamp) }
                start = end
            }
            outOffsets[u + 1] = outColumns.count
        }
        let matrix: SparseMatrix<Double>
        do {
            matrix = try SparseMatrix(rowCount: userCount, columnCount: itemCount, rowOffsets: outOffsets,
                                      columnIndices: outColumns, values: outValues)
        } catch {
            throw .linearAlgebra(error)
        }
        self.userIDs = users
        self.itemIDs = items
        self.byUser = matrix
        self.byItem = matrix.transposed()
        self.timestamps = stamped ? outStamps : nil
    }

    /// Wraps matrices built elsewhere in the module (the CSV reader builds them directly).
    init(
        userIDs: IDMap<UserID>, itemIDs: IDMap<ItemID>, byUser: SparseMatrix<Double>, byItem: SparseMatrix<Double>,
        timestamps: [Int]?
    ) {
        self.userIDs = userIDs
        self.itemIDs = itemIDs
        self.byUser = byUser
        self.byItem = byItem
        self.timestamps = timestamps
    }

    /// The stored interactions as records, user by user in index order and, within a
    /// user, by item index.
    ///
    /// - Complexity: O(count).
    public var records: [Record] {
        var result: [Record] = []
        result.reserveCapacity(count)
        for u in 0..<userCount {
            for entry in byUser.entryRange(ofRow: u) {
                result.append(Record(
                    user: userIDs.id(at: u), item: itemIDs.id(at: Int(byUser.columnIndices[entry])),
                    value: byUser.values[entry], timestamp: timestamps?[entry]))
            }
        }
        return result
    }

    /// The item indices of user `u`'s interactions, ascending.
    public func items(ofUser u: Int) -> ArraySlice<Int32> {
        byUser.columnIndices[byUser.entryRange(ofRow: u)]
    }

    /// The user indices of item `i`'s interactions, ascending.
    public func users(ofItem i: Int) -> ArraySlice<Int32> {
        byItem.columnIndices[byItem.entryRange(ofRow: i)]
    }
}
