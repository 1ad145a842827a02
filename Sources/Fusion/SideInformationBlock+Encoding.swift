import FeatureEncoding
import LinearAlgebra

extension SideInformationBlock {
    /// The most elements (rows × features) a block built by
    /// `encoding(name:ids:inputs:using:cache:batchSize:weight:preprocessing:)` (either form) may hold:
    /// 2³¹, 8 GiB of `Float` features. This bounds dense blocks (a larger one is refused
    /// before anything is allocated); sparse blocks are bounded by their non-zero entries.
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
    ///   `FeatureEncodingError.invalidBatch(encoder:reason:)` when a batch has the wrong
    ///   row count or dimension or holds non-finite values, whatever the encoder throws,
    ///   and the errors of `init(name:ids:features:presence:weight:preprocessing:encoderIdentifier:)`.
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
        let vectors = try await encoder.encodedVectors(for: inputs.compactMap { $0 }, cache: cache, batchSize: batchSize)
        let dimension = encoder.dimension
        let features = Matrix<Scalar>._fromFloatRows(inputs.map { $0.flatMap { vectors[$0] } }, dimension: dimension)
        return try SideInformationBlock(
            name: name, ids: ids, features: features, presence: inputs.map { $0 != nil }, weight: weight,
            preprocessing: preprocessing, encoderIdentifier: encoder.identifier)
    }

    /// Builds a sparse block by encoding one raw input per id with a sparse encoder
    /// (``HashingTextEncoder``, ``CategoricalEncoder``, ``NumericEncoder``): the rows stay
    /// sparse from the encoder to the fit, and the block fits as its dense twin does. When
    /// `preprocessing` centres columns the block is built dense, as centring makes it.
    ///
    /// Ids whose input is `nil` lack the modality. Inputs are encoded in batches of
    /// `batchSize`, every batch validated.
    ///
    /// - Throws: ``FusionError/blockShape(block:reason:)`` when the ids and inputs differ in
    ///   count or the encoder has no features, `FeatureEncodingError.invalidBatch(encoder:reason:)` for a bad batch, whatever
    ///   the encoder throws, and the errors of the sparse initialiser.
    /// - Complexity: the encoding, then O(rows + non-zero entries).
    public static func encoding<Encoder: SparseFeatureEncoder>(
        name: String, ids: [ID], inputs: [Encoder.Input?], using encoder: Encoder,
        cache: EncodingCache<Encoder.Input>? = nil, batchSize: Int = 256, weight: Scalar = 1,
        preprocessing: BlockPreprocessing = .none
    ) async throws -> SideInformationBlock {
        guard !preprocessing.centerColumns else {
            return try await encodingDensely(name: name, ids: ids, inputs: inputs, using: encoder, cache: cache,
                                             batchSize: batchSize, weight: weight, preprocessing: preprocessing)
        }
        guard inputs.count == ids.count else {
            throw FusionError.blockShape(block: name, reason: "\(inputs.count) inputs for \(ids.count) ids")
        }
        guard encoder.dimension > 0 else {
            throw FusionError.blockShape(
                block: name,
                reason: "the encoder '\(encoder.identifier)' has no features (dimension \(encoder.dimension)): an empty column?")
        }
        let features = try await _sparseRows(inputs, using: encoder, batchSize: batchSize)
        return try SideInformationBlock(
            name: name, ids: ids, features: features.converted(to: Scalar.self), presence: inputs.map { $0 != nil },
            weight: weight, preprocessing: preprocessing, encoderIdentifier: encoder.identifier)
    }

    /// The dense build of ``encoding(name:ids:inputs:using:cache:batchSize:weight:preprocessing:)``,
    /// for a sparse encoder whose block is centred.
    private static func encodingDensely<Encoder: FeatureEncoder>(
        name: String, ids: [ID], inputs: [Encoder.Input?], using encoder: Encoder,
        cache: EncodingCache<Encoder.Input>?, batchSize: Int, weight: Scalar, preprocessing: BlockPreprocessing
    ) async throws -> SideInformationBlock {
        try await encoding(name: name, ids: ids, inputs: inputs, using: encoder, cache: cache, batchSize: batchSize,
                           weight: weight, preprocessing: preprocessing)
    }

    /// Encodes new raw inputs into preprocessed rows of this block, for cold start.
    ///
    /// - Throws: ``FusionError/encoderMismatch(block:expected:found:)`` when `encoder` is not
    ///   the one the block was built with (by identifier), `FeatureEncodingError` when it returns
    ///   a bad batch.
    public func encodeRows<Encoder: FeatureEncoder>(
        _ inputs: [Encoder.Input], using encoder: Encoder, cache: EncodingCache<Encoder.Input>? = nil
    ) async throws -> Matrix<Scalar> {
        guard encoder.identifier == encoderIdentifier else {
            throw FusionError.encoderMismatch(
                block: name, expected: encoderIdentifier ?? "none", found: encoder.identifier)
        }
        let vectors = try await encoder.encodedVectors(for: inputs, cache: cache)
        let raw = Matrix<Scalar>(rowCount: inputs.count, columnCount: encoder.dimension) { row, column in
            Scalar(vectors[inputs[row]]![column])
        }
        return try preprocessed(raw)
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

/// Rows of a sparse encoder for the present inputs, empty rows for the absent ones.
func _sparseRows<Encoder: SparseFeatureEncoder>(
    _ inputs: [Encoder.Input?], using encoder: Encoder, batchSize: Int = 4_096
) async throws -> SparseMatrix<Float> {
    let present = try await encoder.encodedSparseRows(for: inputs.compactMap { $0 }, batchSize: batchSize)
    var offsets = [0]
    offsets.reserveCapacity(inputs.count + 1)
    var next = 0
    for input in inputs {
        if input != nil {
            next += 1
        }
        offsets.append(present.rowOffsets[next])
    }
    return try SparseMatrix(rowCount: inputs.count, columnCount: present.columnCount, rowOffsets: offsets,
                            columnIndices: present.columnIndices, values: present.values)
}
