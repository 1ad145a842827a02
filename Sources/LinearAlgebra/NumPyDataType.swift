/// The element types of the NumPy `.npy` files FusionRec reads and writes: little-endian
/// IEEE 754 single and double precision.
public enum NumPyDataType: String, Sendable, Hashable, CaseIterable {
    /// `<f4`, `numpy.float32`.
    case float32 = "<f4"
    /// `<f8`, `numpy.float64`.
    case float64 = "<f8"

    /// The size of one element in bytes.
    public var byteCount: Int { self == .float32 ? 4 : 8 }

    /// The data type whose precision matches `Scalar` (`Float` → float32, `Double` → float64).
    public static func matching<Scalar: BLASScalar>(_: Scalar.Type) -> NumPyDataType {
        MemoryLayout<Scalar>.size == 4 ? .float32 : .float64
    }
}
