import Factorization

extension Split where UserID: LosslessStringConvertible, ItemID: LosslessStringConvertible {
    /// Writes the training and test records as two CSV files with the header
    /// `userId,itemId,rating[,timestamp]` (the time stamp column when every record has one).
    ///
    /// - Throws: ``RankingError/data(_:)`` wrapping the file error.
    public func write(trainPath: String, testPath: String) throws(RankingError) {
        do {
            try Interactions<UserID, ItemID>.writeCSV(records: train, path: trainPath)
            try Interactions<UserID, ItemID>.writeCSV(records: test, path: testPath)
        } catch {
            throw .data(error)
        }
    }

    /// Reads a split written by ``write(trainPath:testPath:)`` (or any pair of interaction
    /// files, such as the MovieLens public splits), keeping file order.
    ///
    /// - Throws: ``RankingError/data(_:)`` wrapping the reader's error, which names the
    ///   file, line and column.
    public static func read(
        trainPath: String, testPath: String, columns: InteractionColumns = .automatic
    ) throws(RankingError) -> Split {
        do {
            let train = try Interactions<UserID, ItemID>.readCSVRecords(path: trainPath, columns: columns).records
            let test = try Interactions<UserID, ItemID>.readCSVRecords(path: testPath, columns: columns).records
            return Split(train: train, test: test)
        } catch {
            throw .data(error)
        }
    }
}
