/// Builds the users × items CSR arrays of parsed chunks (user and item numbers already
/// global) without sorting: a stable counting sort by item, then one by user, leaves every
/// row in ascending item order with repeated pairs next to each other in file order, where
/// the duplicate policy merges them in place.
///
/// Peak memory is the chunks plus one item-ordered copy (a user, a value and a time stamp
/// per record), then that copy plus the rows; the chunks are released as soon as no error
/// can need them (a sum of duplicates can only overflow when the values' absolute sum does).
import LinearAlgebra

struct _InteractionMatrixBuilder {
    /// A sum of duplicates that is not finite: the user and item numbers, the position of the
    /// group's last record in file order, and the sum.
    struct Overflow: Error {
        var user: Int
        var item: Int
        var record: Int
        var value: Double
    }

    var offsets: [Int]
    var columns: [Int32]
    var values: [Double]
    var timestamps: [Int]?
    /// The transpose (items × users).
    var itemOffsets: [Int]
    var itemUsers: [Int32]
    var itemValues: [Double]

    /// - Parameters:
    ///   - chunks: the parsed chunks, emptied here.
    ///   - hasValues: whether the chunks carry values (otherwise every value is 1); a chunk
    ///     whose `values` is empty has the value 1 for every record.
    ///   - stamped: whether the chunks carry time stamps.
    /// - Complexity: O(records + users + items).
    init(
        chunks: inout [_InteractionChunk], userCount: Int, itemCount: Int,
        duplicates: Interactions<Int, Int>.DuplicatePolicy, hasValues: Bool, stamped: Bool
    ) throws(Overflow) {
        let hasValues = hasValues && chunks.contains { !$0.values.isEmpty }
        var itemOffsets = [Int](repeating: 0, count: itemCount + 1)
        var userOffsets = [Int](repeating: 0, count: userCount + 1)
        var absoluteSum = 0.0
        for chunk in chunks {
            for item in chunk.items { itemOffsets[Int(item) + 1] += 1 }
            for user in chunk.users { userOffsets[Int(user) + 1] += 1 }
            absoluteSum += chunk.absoluteValueSum
        }
        for i in 0..<itemCount { itemOffsets[i + 1] += itemOffsets[i] }
        for u in 0..<userCount { userOffsets[u + 1] += userOffsets[u] }
        let count = itemOffsets[itemCount]

        // By item, in file order; each thread writes the items of its own range.
        var byItemUsers = [Int32](repeating: 0, count: count)
        var byItemValues = [Double](repeating: 1, count: hasValues ? count : 0)
        var byItemStamps = [Int](repeating: 0, count: stamped ? count : 0)
        var cursor = itemOffsets
        let itemRanges = _balancedRanges(itemOffsets)
        let parsed = chunks
        cursor.withUnsafeMutableBufferPointer { cursor in
            byItemUsers.withUnsafeMutableBufferPointer { users in
                byItemValues.withUnsafeMutableBufferPointer { values in
                    byItemStamps.withUnsafeMutableBufferPointer { stamps in
                        Parallel.forEachChunk(of: itemRanges.indices, grainSize: 1) { part in
                            let range = itemRanges[part.lowerBound]
                            for chunk in parsed {
                                chunk.items.withUnsafeBufferPointer { items in
                                    chunk.users.withUnsafeBufferPointer { chunkUsers in
                                        chunk.values.withUnsafeBufferPointer { chunkValues in
                                            let copiesValues = hasValues && !chunkValues.isEmpty
                                            for record in items.indices where range.contains(Int(items[record])) {
                                                let item = Int(items[record]), position = cursor[item]
                                                cursor[item] = position + 1
                                                users[position] = chunkUsers[record]
                                                if copiesValues { values[position] = chunkValues[record] }
                                                if stamped { stamps[position] = chunk.timestamps[record] }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let mayOverflow = duplicates == .sum && hasValues && !(absoluteSum <= Double.greatestFiniteMagnitude)
        if !mayOverflow { chunks = [] }

        // By user: items ascending, repeated pairs in file order; each thread writes the
        // users of its own range.
        var columns = [Int32](repeating: 0, count: count)
        var values = [Double](repeating: 1, count: count)
        var stamps = [Int](repeating: 0, count: stamped ? count : 0)
        _scatterTransposed(offsets: itemOffsets, columns: byItemUsers, values: hasValues ? byItemValues : nil,
                           stamps: stamped ? byItemStamps : nil, into: userOffsets, &columns, &values, &stamps)
        byItemUsers = []
        byItemValues = []
        byItemStamps = []

        // Merge repeated pairs, compacting in place; rows are sorted, so a repeat is two equal
        // neighbours, and a file without any (the common case) skips the serial pass.
        var written = count
        var overflow: (user: Int, item: Int, value: Double)?
        if _hasRepeats(offsets: userOffsets, columns: columns) {
            written = 0
            var readStart = 0
            for u in 0..<userCount {
                let rowStart = written, readEnd = userOffsets[u + 1]
                defer { readStart = readEnd }
                for entry in readStart..<readEnd {
                    if written > rowStart && columns[written - 1] == columns[entry] {
                        let last = written - 1
                        switch duplicates {
                        case .sum:
                            values[last] += values[entry]
                            if stamped { stamps[last] = max(stamps[last], stamps[entry]) }
                        case .last:
                            values[last] = values[entry]
                            if stamped { stamps[last] = stamps[entry] }
                        case .max:
                            if values[entry] > values[last] {
                                values[last] = values[entry]
                                if stamped { stamps[last] = stamps[entry] }
                            }
                        }
                        continue
                    }
                    if mayOverflow, overflow == nil, written > rowStart, !values[written - 1].isFinite {
                        overflow = (u, Int(columns[written - 1]), values[written - 1])
                    }
                    columns[written] = columns[entry]
                    values[written] = values[entry]
                    if stamped { stamps[written] = stamps[entry] }
                    written += 1
                }
                if mayOverflow, overflow == nil, written > rowStart, !values[written - 1].isFinite {
                    overflow = (u, Int(columns[written - 1]), values[written - 1])
                }
                userOffsets[u + 1] = written
            }
        }
        if let overflow {
            // The old reader named the group's last record by its position among the records.
            var position = 0, last = 0
            for chunk in chunks {
                for record in chunk.users.indices {
                    if Int(chunk.users[record]) == overflow.user && Int(chunk.items[record]) == overflow.item {
                        last = position
                    }
                    position += 1
                }
            }
            throw Overflow(user: overflow.user, item: overflow.item, record: last, value: overflow.value)
        }
        chunks = []
        if written < count {
            columns.removeLast(count - written)
            values.removeLast(count - written)
            if stamped { stamps.removeLast(count - written) }
        }
        self.offsets = userOffsets
        self.columns = columns
        self.values = values
        self.timestamps = stamped ? stamps : nil

        // By item: the transpose, users ascending. Without merged pairs its rows are as long
        // as the item counts above, and without a value other than 1 every value is 1.
        if written < count {
            itemOffsets = [Int](repeating: 0, count: itemCount + 1)
            for column in columns { itemOffsets[Int(column) + 1] += 1 }
            for i in 0..<itemCount { itemOffsets[i + 1] += itemOffsets[i] }
        }
        let copiesValues = hasValues || written < count
        var itemUsers = [Int32](repeating: 0, count: written)
        var itemValues = [Double](repeating: 1, count: written)
        var noStamps: [Int] = []
        _scatterTransposed(offsets: userOffsets, columns: columns, values: copiesValues ? values : nil, stamps: nil,
                           into: itemOffsets, &itemUsers, &itemValues, &noStamps)
        self.itemOffsets = itemOffsets
        self.itemUsers = itemUsers
        self.itemValues = itemValues
    }
}

/// Whether a row of the CSR rows `offsets`, `columns` (each sorted) holds a column twice.
///
/// - Complexity: O(entries), on ``Parallel/threadCount`` threads.
private func _hasRepeats(offsets: [Int], columns: [Int32]) -> Bool {
    Parallel.mapChunks(of: 0..<(offsets.count - 1), grainSize: 4096) { rows in
        columns.withUnsafeBufferPointer { columns in
            for row in rows where offsets[row + 1] - offsets[row] > 1 {
                for entry in (offsets[row] + 1)..<offsets[row + 1] where columns[entry] == columns[entry - 1] {
                    return true
                }
            }
            return false
        }
    }.contains(true)
}

/// Writes the transpose of the CSR rows `offsets`, `columns` (with `values` and `stamps`
/// when given) into `targetColumns` (`targetValues`, `targetStamps`) at the rows that start at
/// `targetOffsets`, each target row in source row order; each thread writes the target rows
/// of its own range.
///
/// - Complexity: O(entries + rows) per thread.
private func _scatterTransposed(
    offsets: [Int], columns: [Int32], values: [Double]?, stamps: [Int]?, into targetOffsets: [Int],
    _ targetColumns: inout [Int32], _ targetValues: inout [Double], _ targetStamps: inout [Int]
) {
    var cursor = targetOffsets
    let ranges = _balancedRanges(targetOffsets)
    let rowCount = offsets.count - 1
    let values = values ?? [], stamps = stamps ?? [], copiesValues = !values.isEmpty, copiesStamps = !stamps.isEmpty
    cursor.withUnsafeMutableBufferPointer { cursor in
        targetColumns.withUnsafeMutableBufferPointer { targetColumns in
            targetValues.withUnsafeMutableBufferPointer { targetValues in
                targetStamps.withUnsafeMutableBufferPointer { targetStamps in
                    offsets.withUnsafeBufferPointer { offsets in
                        columns.withUnsafeBufferPointer { columns in
                            values.withUnsafeBufferPointer { values in
                                stamps.withUnsafeBufferPointer { stamps in
                                    Parallel.forEachChunk(of: ranges.indices, grainSize: 1) { part in
                                        let range = ranges[part.lowerBound]
                                        for row in 0..<rowCount {
                                            for entry in offsets[row]..<offsets[row + 1] {
                                                let target = Int(columns[entry])
                                                guard range.contains(target) else { continue }
                                                let position = cursor[target]
                                                cursor[target] = position + 1
                                                targetColumns[position] = Int32(truncatingIfNeeded: row)
                                                if copiesValues { targetValues[position] = values[entry] }
                                                if copiesStamps { targetStamps[position] = stamps[entry] }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

extension Interactions {
    /// Interactions from parsed chunks whose user and item numbers index `userIDs` and `itemIDs`.
    ///
    /// - Throws: ``FactorizationError/nonFiniteValue(record:user:item:value:)`` when repeated
    ///   pairs sum past the largest finite value.
    static func _built(
        from chunks: inout [_InteractionChunk], userIDs: IDMap<UserID>, itemIDs: IDMap<ItemID>,
        duplicates: DuplicatePolicy, hasValues: Bool, stamped: Bool
    ) throws(FactorizationError) -> Interactions {
        let policy: Interactions<Int, Int>.DuplicatePolicy
        switch duplicates {
        case .sum: policy = .sum
        case .last: policy = .last
        case .max: policy = .max
        }
        let rows: _InteractionMatrixBuilder
        do {
            rows = try _InteractionMatrixBuilder(chunks: &chunks, userCount: userIDs.count, itemCount: itemIDs.count,
                                                 duplicates: policy, hasValues: hasValues, stamped: stamped)
        } catch {
            throw .nonFiniteValue(record: error.record, user: "\(userIDs.id(at: error.user))",
                                  item: "\(itemIDs.id(at: error.item))", value: error.value)
        }
        let byUser = SparseMatrix<Double>(unchecked: userIDs.count, itemIDs.count, rows.offsets, rows.columns, rows.values)
        let byItem = SparseMatrix<Double>(unchecked: itemIDs.count, userIDs.count, rows.itemOffsets, rows.itemUsers,
                                          rows.itemValues)
        return Interactions(userIDs: userIDs, itemIDs: itemIDs, byUser: byUser, byItem: byItem,
                            timestamps: rows.timestamps)
    }
}
