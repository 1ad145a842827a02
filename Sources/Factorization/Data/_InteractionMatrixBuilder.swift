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
    /// - Complexity: O(records + threads × (users + items)), each scatter on
    ///   ``Parallel/threadCount`` threads.
    init(
        chunks: inout [_InteractionChunk], userCount: Int, itemCount: Int,
        duplicates: Interactions<Int, Int>.DuplicatePolicy, hasValues: Bool, stamped: Bool
    ) throws(Overflow) {
        let hasValues = hasValues && chunks.contains { !$0.values.isEmpty }
        let absoluteSum = chunks.reduce(0) { $0 + $1.absoluteValueSum }
        var chunkStarts = [0]
        for chunk in chunks { chunkStarts.append(chunkStarts.last! + chunk.users.count) }
        let count = chunkStarts.last!

        // By item, in file order.
        var (byItemOffsets, byItemUsers, byItemValues, byItemStamps) = chunkStarts.withUnsafeBufferPointer { starts in
            chunks.withUnsafeBufferPointer { parsed in
                _scatter(_ChunkRecords(chunks: parsed, starts: starts), into: itemCount, values: hasValues,
                         stamps: stamped)
            }
        }
        let mayOverflow = duplicates == .sum && hasValues && !(absoluteSum <= Double.greatestFiniteMagnitude)
        if !mayOverflow { chunks = [] }

        // By user: items ascending, repeated pairs in file order.
        var (userOffsets, columns, values, stamps) = _scatterTransposed(
            offsets: byItemOffsets, columns: byItemUsers, values: hasValues ? byItemValues : nil,
            stamps: stamped ? byItemStamps : nil, targetCount: userCount)
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

        // By item: the transpose, users ascending; without a merged pair or a value other
        // than 1, every value is 1.
        let copiesValues = hasValues || written < count
        let transpose = _scatterTransposed(offsets: userOffsets, columns: columns, values: copiesValues ? values : nil,
                                           stamps: nil, targetCount: itemCount)
        itemOffsets = transpose.offsets
        itemUsers = transpose.rows
        itemValues = transpose.values
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

/// Entries taken in order, each with a target row, a payload, a value and a time stamp.
private protocol _ScatterSource {
    /// The number of entries.
    var count: Int { get }
    /// Calls `body(target, payload, value, stamp)` for each entry of `entries`, in order.
    func forEach(in entries: Range<Int>, _ body: (_ target: Int32, _ payload: Int32, _ value: Double, _ stamp: Int) -> Void)
}

/// The parsed chunks' records in file order: target the item, payload the user.
private struct _ChunkRecords: _ScatterSource {
    let chunks: UnsafeBufferPointer<_InteractionChunk>
    /// Where each chunk's records start among all records, and their count last.
    let starts: UnsafeBufferPointer<Int>

    var count: Int { starts[chunks.count] }

    @inline(__always)
    func forEach(in entries: Range<Int>, _ body: (Int32, Int32, Double, Int) -> Void) {
        guard !entries.isEmpty else { return }
        var index = _row(holding: entries.lowerBound, offsets: starts)
        while index < chunks.count && starts[index] < entries.upperBound {
            let chunk = chunks[index], start = starts[index]
            let records = (max(entries.lowerBound, start) - start)..<(min(entries.upperBound, starts[index + 1]) - start)
            chunk.items.withUnsafeBufferPointer { items in
                chunk.users.withUnsafeBufferPointer { users in
                    chunk.values.withUnsafeBufferPointer { values in
                        chunk.timestamps.withUnsafeBufferPointer { stamps in
                            for record in records {
                                body(items[record], users[record], values.isEmpty ? 1 : values[record],
                                     stamps.isEmpty ? 0 : stamps[record])
                            }
                        }
                    }
                }
            }
            index += 1
        }
    }
}

/// The entries of CSR rows: target the column, payload the row; values 1 and time stamps 0
/// where the buffers are empty.
private struct _RowEntries: _ScatterSource {
    let offsets: UnsafeBufferPointer<Int>
    let columns: UnsafeBufferPointer<Int32>
    let values: UnsafeBufferPointer<Double>
    let stamps: UnsafeBufferPointer<Int>

    var count: Int { columns.count }

    @inline(__always)
    func forEach(in entries: Range<Int>, _ body: (Int32, Int32, Double, Int) -> Void) {
        guard !entries.isEmpty else { return }
        var row = _row(holding: entries.lowerBound, offsets: offsets)
        for entry in entries {
            while offsets[row + 1] <= entry { row += 1 }
            body(columns[entry], Int32(truncatingIfNeeded: row), values.isEmpty ? 1 : values[entry],
                 stamps.isEmpty ? 0 : stamps[entry])
        }
    }
}

/// The entries of `source` scattered stably into rows of `targetCount` targets
/// (``_stableScatter(entryCount:targetCount:count:write:)``): the row offsets, and per
/// position the payload, the value (when `values`, else an empty array) and the time stamp
/// (when `stamps`).
///
/// Every position is written once, by the thread that owns the entry, so the results are
/// allocated but not initialised beforehand.
private func _scatter<Source: _ScatterSource>(
    _ source: Source, into targetCount: Int, values: Bool, stamps: Bool
) -> (offsets: [Int], payloads: [Int32], values: [Double], stamps: [Int]) {
    let count = source.count
    var offsets: [Int] = []
    var scatteredValues: [Double] = [], scatteredStamps: [Int] = []
    let payloads = [Int32](unsafeUninitializedCapacity: count) { payloads, payloadsInitialized in
        scatteredValues = [Double](unsafeUninitializedCapacity: values ? count : 0) { valueBuffer, valuesInitialized in
            scatteredStamps = [Int](unsafeUninitializedCapacity: stamps ? count : 0) { stampBuffer, stampsInitialized in
                offsets = _stableScatter(entryCount: count, targetCount: targetCount) { entries, histogram in
                    source.forEach(in: entries) { target, _, _, _ in histogram[Int(target)] += 1 }
                } write: { entries, cursor in
                    source.forEach(in: entries) { target, payload, value, stamp in
                        let position = cursor[Int(target)]
                        cursor[Int(target)] = position + 1
                        payloads[position] = payload
                        if values { valueBuffer[position] = value }
                        if stamps { stampBuffer[position] = stamp }
                    }
                }
                stampsInitialized = stamps ? count : 0
            }
            valuesInitialized = values ? count : 0
        }
        payloadsInitialized = count
    }
    return (offsets, payloads, scatteredValues, scatteredStamps)
}

/// The transpose of the CSR rows `offsets`, `columns` (with `values` and `stamps` when
/// given) as rows of `targetCount` targets, each target row in source row order: offsets,
/// source rows, values (every value 1 without `values`) and time stamps (empty without
/// `stamps`).
private func _scatterTransposed(
    offsets: [Int], columns: [Int32], values: [Double]?, stamps: [Int]?, targetCount: Int
) -> (offsets: [Int], rows: [Int32], values: [Double], stamps: [Int]) {
    offsets.withUnsafeBufferPointer { offsets in
        columns.withUnsafeBufferPointer { columns in
            (values ?? []).withUnsafeBufferPointer { values in
                (stamps ?? []).withUnsafeBufferPointer { stamps in
                    let result = _scatter(_RowEntries(offsets: offsets, columns: columns, values: values, stamps: stamps),
                                          into: targetCount, values: !values.isEmpty, stamps: !stamps.isEmpty)
                    return (result.offsets, result.payloads, values.isEmpty ? _ones(columns.count) : result.values,
                            result.stamps)
                }
            }
        }
    }
}

/// `count` ones, written in parallel (sequentially, rather than scattered one by one).
private func _ones(_ count: Int) -> [Double] {
    [Double](unsafeUninitializedCapacity: count) { ones, initialized in
        Parallel.forEachChunk(of: 0..<count, grainSize: 1 << 20) { range in
            UnsafeMutableBufferPointer(rebasing: ones[range]).initialize(repeating: 1)
        }
        initialized = count
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
