import Factorization
import LinearAlgebra

extension SideInformationBlock {
    /// The most elements (rows × features) a block built by
    /// ``encoding(name:ids:inputs:using:cache:batchSize:weight:preprocessing:)`` may hold:
    /// 2³¹, 8 GiB of `Float` features. Blocks are dense; a larger one is refused before
    /// anything is allocated.
    public static var maximumElementCount: Int { 1 << 31 }

    /// Builds a block by encoding one raw input per id with `encoder`.
    ///
    /// Ids whose input is `nil` lack the modality: their rows are marked absent. Inputs
    /// are encoded in batches of `batchSize`, each distinct input once; every batch the
    /// encoder returns is validated.
    ///
    /// - Parameters:
    ///   - name: the block's name, unique on its side of a model.
    ///   - ids: the entities, one per input.
    ///   - inputs: the raw input of each id, `nil` when the id lacks the modality.
    ///   - encoder: turns inputs into feature vectors.
    ///   - cache: vectors already computed; the new ones are added to it.
    ///   - batchSize: the number of inputs per call to the encoder.
    ///   - weight: the block's weight in the joint objective.
    ///   - preprocessing: column and row transformations fitted on the encoded rows.
    /// - Throws: ``FusionError/blockShape(block:reason:)`` when the encoder has no features
    ///   or the block would exceed ``maximumElementCount``;
    ///   ``FusionError/encoderOutput(encoder:reason:)`` when a batch has the wrong
    ///   row count or dimension or holds non-finite values, whatever the encoder throws,
    ///   and the errors of ``init(name:ids:features:presence:weight:preprocessing:encoderIdentifier:)``.
    public static func encoding<Encoder: FeatureEncoder>(
        name: String, ids: [ID], inputs: [Encoder.Input?], using encoder: Encoder,
        cache: EncodingCache<Encoder.Input>? = nil, batchSize: Int = 256, weight: Scalar = 1,
        preprocessing: BlockPreprocessing = .none
    ) async throws -> SideInformationBlock {
        guard inputs.count == ids.count else {
            throw FusionError.blockShape(block: name, reason: "\(inputs.count) inputs for \(ids.count) ids")
        }
        let size = ids.count.multipliedReportingOverflow(by: encoder.dimension)
        guard encoder.dimension > 0, !size.overflow, size.partialValue <= maximumElementCount else {
            throw FusionError.blockShape(
                block: name,
                reason: encoder.dimension > 0
                    ? "\(ids.count) rows × \(encoder.dimension) features exceed the limit of \(maximumElementCount) elements"
                    : "the encoder '\(encoder.identifier)' has no features (dimension \(encoder.dimension)): an empty column?")
        }
        let vectors = try await encodeDistinct(inputs.compactMap { $0 }, using: encoder, cache: cache,
                                               batchSize: batchSize)
        let dimension = encoder.dimension
        let features = Matrix<Scalar>._fromFloatRows(inputs.map { $0.flatMap { vectors[$0] } }, dimension: dimension)
        return try SideInformationBlock(
            name: name, ids: ids, features: features, presence: inputs.map { $0 != nil }, weight: weight,
            preprocessing: preprocessing, encoderIdentifier: encoder.identifier)
    }

    /// Encodes new raw inputs into preprocessed rows of this block, for cold start.
    ///
    /// - Throws: ``FusionError/encoderOutput(encoder:reason:)`` when `encoder` is not the
    ///   one the block was built with (by identifier) or returns a bad batch.
    public func encodeRows<Encoder: FeatureEncoder>(
        _ inputs: [Encoder.Input], using encoder: Encoder, cache: EncodingCache<Encoder.Input>? = nil
    ) async throws -> Matrix<Scalar> {
        guard encoder.identifier == encoderIdentifier else {
            throw FusionError.encoderOutput(
                encoder: encoder.identifier,
                reason: "block '\(name)' was built with encoder '\(encoderIdentifier ?? "none")'")
        }
        let vectors = try await Self.encodeDistinct(inputs, using: encoder, cache: cache, batchSize: 256)
        let raw = Matrix<Scalar>(rowCount: inputs.count, columnCount: encoder.dimension) { row, column in
            Scalar(vectors[inputs[row]]![column])
        }
        return try preprocessed(raw)
    }

    static func encodeDistinct<Encoder: FeatureEncoder>(
        _ inputs: [Encoder.Input], using encoder: Encoder, cache: EncodingCache<Encoder.Input>?, batchSize: Int
    ) async throws -> [Encoder.Input: [Float]] {
        guard batchSize > 0 else {
            throw FusionError.invalidParameter(name: "batch size", value: "\(batchSize)", reason: "must be positive")
        }
        let dimension = encoder.dimension
        guard dimension > 0 else {
            throw FusionError.encoderOutput(encoder: encoder.identifier, reason: "declares dimension \(dimension)")
        }
        var vectors: [Encoder.Input: [Float]] = [:]
        var missing: [Encoder.Input] = []
        for input in inputs where vectors[input] == nil {
            if let cached = await cache?.vector(for: input, encoder: encoder.identifier) {
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
            let output = try await encoder.encode(batch)
            try validate(output, count: batch.count, dimension: dimension, encoder: encoder.identifier, offset: start)
            for (row, input) in batch.enumerated() {
                let vector = output.row(row)
                vectors[input] = vector
                await cache?.store(vector, for: input, encoder: encoder.identifier)
            }
            start += batchSize
        }
        return vectors
    }

    private static func validate(
        _ output: Matrix<Float>, count: Int, dimension: Int, encoder: String, offset: Int
    ) throws(FusionError) {
        guard output.rowCount == count else {
            throw .encoderOutput(encoder: encoder, reason: "\(output.rowCount) rows for a batch of \(count) inputs")
        }
        guard output.columnCount == dimension else {
            throw .encoderOutput(encoder: encoder,
                                 reason: "rows of dimension \(output.columnCount), declared \(dimension)")
        }
        if let (row, column) = output.firstNonFiniteIndex() {
            throw .encoderOutput(encoder: encoder,
                                 reason: "non-finite value for input \(offset + row), column \(column)")
        }
    }
}

extension Matrix {
    /// A matrix whose row r is `rows[r]` widened or narrowed to `Scalar`, zero when `nil`.
    @_specialize(exported: false, where Scalar == Float)
    @_specialize(exported: false, where Scalar == Double)
    static func _fromFloatRows(_ rows: [[Float]?], dimension: Int) -> Matrix {
        var result = Matrix(rowCount: rows.count, columnCount: dimension)
        result.withUnsafeMutableBufferPointer { x in
            for (row, vector) in rows.enumerated() {
                guard let vector else { continue }
                for column in 0..<dimension { x[row * dimension + column] = Scalar(vector[column]) }
            }
        }
        return result
    }
}
