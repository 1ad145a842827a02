import Factorization

extension Split where UserID: LosslessStringConvertible, ItemID: LosslessStringConvertible {
    /// Writes the training and test records as two CSV files with the header
    /// `userId,itemId,rating[,timestamp]` (the time stamp column when every record has one),
    /// and, when `heldOutPath` is given, the held-out ids of a cold-item split (header
    /// `itemId`) or cold-user split (header `userId`), one per line.
    ///
    /// - Throws: ``RankingError/data(_:)`` wrapping the file error;
    ///   ``RankingError/invalidArgument(_:)`` when `heldOutPath` is given for a split
    ///   without held-out ids.
    public func write(trainPath: String, testPath: String, heldOutPath: String? = nil) throws(RankingError) {
        do {
            try Interactions<UserID, ItemID>.writeCSV(records: train, path: trainPath)
            try Interactions<UserID, ItemID>.writeCSV(records: test, path: testPath)
            guard let heldOutPath else { return }
            if let coldItems {
                try _writeCSVTable(columnNames: ["itemId"], rows: coldItems.map { ["\($0)"] }, path: heldOutPath)
            } else if let coldUsers {
                try _writeCSVTable(columnNames: ["userId"], rows: coldUsers.map { ["\($0)"] }, path: heldOutPath)
            } else {
                throw RankingError.invalidArgument("\(heldOutPath): this split holds out no items or users")
            }
        } catch let error as RankingError {
            throw error
        } catch let error as FactorizationError {
            throw .data(error)
        } catch {
            throw .invalidArgument("\(error)")
        }
    }

    /// Reads a split written by ``write(trainPath:testPath:heldOutPath:)`` (or any pair of
    /// interaction files, such as the MovieLens public splits), keeping file order. With
    /// `coldItemsPath` (a CSV whose first column holds item ids, such as
    /// `ml-small_coldi10_items.csv`) the split's ``coldItems`` are read as well.
    ///
    /// - Throws: ``RankingError/data(_:)`` wrapping the reader's error, which names the
    ///   file, line and column.
    public static func read(
        trainPath: String, testPath: String, coldItemsPath: String? = nil, columns: InteractionColumns = .automatic
    ) throws(RankingError) -> Split {
        do {
            let train = try Interactions<UserID, ItemID>.readCSVRecords(path: trainPath, columns: columns).records
            let test = try Interactions<UserID, ItemID>.readCSVRecords(path: testPath, columns: columns).records
            let cold = try coldItemsPath.map { path throws(FactorizationError) in
                try IDMap<ItemID>(csvPath: path).ids
            }
            return Split(train: train, test: test, coldItems: cold)
        } catch {
            throw .data(error)
        }
    }
}
