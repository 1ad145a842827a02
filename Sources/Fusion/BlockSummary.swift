import LinearAlgebra

/// What a trained joint model keeps of one block: enough to encode and place new rows.
public struct BlockSummary<Scalar: BLASScalar>: Sendable, Hashable {
    /// The block's name.
    public let name: String
    /// Its weight wⱼ.
    public let weight: Scalar
    /// The preprocessing fitted on its rows, replayed on new rows.
    public let normalization: BlockNormalization<Scalar>
    /// The encoder that produced its features, if any.
    public let encoderIdentifier: String?

    /// The number of feature columns.
    public var dimension: Int { normalization.dimension }
}
