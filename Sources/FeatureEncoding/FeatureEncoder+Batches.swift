import LinearAlgebra

extension FeatureEncoder {
    /// The vector of each distinct input, encoded in batches of `batchSize` and validated.
    ///
    /// Inputs already in `cache` are not encoded again; new vectors are added to it. Every
    /// batch the encoder returns is checked against the protocol's contract: one row per
    /// input, ``dimension`` columns, finite values.
    ///
    /// - Parameters:
    ///   - inputs: the raw inputs; repeats are encoded once.
    ///   - cache: vectors already computed, keyed by ``identifier``.
    ///   - batchSize: the number of inputs per call to ``encode(_:)``.
    /// - Returns: every distinct input's vector, `dimension` values each.
    /// - Throws: ``FeatureEncodingError/invalidBatch(encoder:reason:)`` naming the encoder when a
    ///   batch breaks the contract or the encoder declares a dimension below 1,
    ///   ``FeatureEncodingError/invalidBatchSize(_:)``, whatever ``encode(_:)`` throws, and
    ///   `CancellationError` when the task is cancelled between batches.
    /// - Complexity: one ``encode(_:)`` call per `batchSize` inputs not in the cache.
    public func encodedVectors(
        for inputs: [Input], cache: EncodingCache<Input>? = nil, batchSize: Int = 256
    ) async throws -> [Input: [Float]] {
        guard batchSize > 0 else { throw FeatureEncodingError.invalidBatchSize(batchSize) }
        guard dimension > 0 else { throw FeatureEncodingError.invalidBatch(encoder: identifier, reason: "declares dimension \(dimension)") }
        var vectors: [Input: [Float]] = [:]
        var missing: [Input] = []
        for input in inputs where vectors[input] == nil {
            if let cached = await cache?.vector(for: input, encoder: identifier) {
                vectors[input] = cached
            } else {
                vectors[input] = []
                missing.append(input)
            }
        }
        var start = 0
        while start < missing.count {
            try Task.checkCancellation()
            let batch = Array(missing[start..<min(start + batchSize, missing.count)])
            let output = try await encode(batch)
            try validate(output, count: batch.count, offset: start)
            for (row, input) in batch.enumerated() {
                let vector = output.row(row)
                vectors[input] = vector
                await cache?.store(vector, for: input, encoder: identifier)
            }
            start += batchSize
        }
        return vectors
    }

    private func validate(_ output: Matrix<Float>, count: Int, offset: Int) throws(FeatureEncodingError) {
        guard output.rowCount == count else {
            throw .invalidBatch(encoder: identifier, reason: "\(output.rowCount) rows for a batch of \(count) inputs")
        }
        guard output.columnCount == dimension else {
            throw .invalidBatch(encoder: identifier, reason: "rows of dimension \(output.columnCount), declared \(dimension)")
        }
        if let (row, column) = output.firstNonFiniteIndex() {
            throw .invalidBatch(encoder: identifier, reason: "non-finite value for input \(offset + row), column \(column)")
        }
    }
}
