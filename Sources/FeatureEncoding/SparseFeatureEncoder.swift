import LinearAlgebra

/// A feature encoder whose rows are mostly zeros — hashed n-grams, one-hot categories,
/// buckets — and that can return them in compressed sparse row form.
///
/// A block built from such an encoder is stored sparsely from the encoder to the fit,
/// so a million items with a 1,024-dimension hashed title cost their non-zero entries,
/// not a million dense rows. ``encodeSparse(_:)`` must describe the same rows as
/// ``FeatureEncoder/encode(_:)``: `encodeSparse(x).dense() == encode(x)`.
public protocol SparseFeatureEncoder<Input>: FeatureEncoder {
    /// Encodes a batch of inputs as a sparse matrix.
    ///
    /// - Returns: an `inputs.count × dimension` sparse matrix whose row `i` encodes `inputs[i]`.
    /// - Throws: whatever the encoder throws.
    func encodeSparse(_ inputs: [Input]) async throws -> SparseMatrix<Float>
}

extension SparseFeatureEncoder {
    /// The rows of `inputs`, encoded in batches of `batchSize` and validated, stacked into
    /// one sparse matrix in input order.
    ///
    /// - Throws: ``FeatureEncodingError/invalidBatch(encoder:reason:)`` naming the encoder when
    ///   a batch has the wrong row count or dimension or a non-finite value,
    ///   ``FeatureEncodingError/invalidBatchSize(_:)``, whatever ``encodeSparse(_:)`` throws,
    ///   and `CancellationError` when the task is cancelled between batches.
    /// - Complexity: O(inputs + non-zero entries) beyond the encoding itself.
    public func encodedSparseRows(for inputs: [Input], batchSize: Int = 4_096) async throws -> SparseMatrix<Float> {
        guard batchSize > 0 else { throw FeatureEncodingError.invalidBatchSize(batchSize) }
        guard dimension > 0 else { throw FeatureEncodingError.invalidBatch(encoder: identifier, reason: "declares dimension \(dimension)") }
        var offsets = [0], columns: [Int32] = [], values: [Float] = []
        offsets.reserveCapacity(inputs.count + 1)
        var start = 0
        while start < inputs.count {
            try Task.checkCancellation()
            let batch = Array(inputs[start..<min(start + batchSize, inputs.count)])
            let output = try await encodeSparse(batch)
            guard output.rowCount == batch.count else {
                throw FeatureEncodingError.invalidBatch(
                    encoder: identifier, reason: "\(output.rowCount) rows for a batch of \(batch.count) inputs")
            }
            guard output.columnCount == dimension else {
                throw FeatureEncodingError.invalidBatch(
                    encoder: identifier, reason: "rows of dimension \(output.columnCount), declared \(dimension)")
            }
            if let index = output.values.firstIndex(where: { !$0.isFinite }) {
                let row = output.rowOffsets.lastIndex { $0 <= index }!
                throw FeatureEncodingError.invalidBatch(
                    encoder: identifier,
                    reason: "non-finite value for input \(start + row), column \(output.columnIndices[index])")
            }
            let base = columns.count
            columns.append(contentsOf: output.columnIndices)
            values.append(contentsOf: output.values)
            for row in 0..<output.rowCount { offsets.append(base + output.rowOffsets[row + 1]) }
            start += batchSize
        }
        do {
            return try SparseMatrix(rowCount: inputs.count, columnCount: dimension, rowOffsets: offsets,
                                    columnIndices: columns, values: values)
        } catch {
            throw FeatureEncodingError.invalidBatch(encoder: identifier, reason: error.description)
        }
    }
}
