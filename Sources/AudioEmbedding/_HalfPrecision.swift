/// `value` rounded to the nearest IEEE 754 binary16 value (ties to even), returned as a
/// `Float`: what NumPy's `astype(np.float16)` and its float16 arithmetic produce.
/// Magnitudes of 65,520 and above become infinite, as in binary16; subnormal halves are
/// kept. Written with `Float` operations only, since `Float16` is missing on some
/// platforms (macOS on Intel).
func _roundedToHalf(_ value: Float) -> Float {
    guard value.isFinite else { return value }
    let magnitude = abs(value)
    if magnitude >= 65_520 { return value < 0 ? -.infinity : .infinity }
    // The spacing of binary16 values at this magnitude: 2⁻²⁴ among subnormals (below
    // 2⁻¹⁴), 2^(e − 10) for normals of exponent e. Scaling by it is exact.
    let quantum: Float = magnitude < 0x1p-14 ? 0x1p-24 : Float(sign: .plus, exponent: magnitude.exponent - 10, significand: 1)
    let rounded = (magnitude / quantum).rounded(.toNearestOrEven) * quantum
    return value < 0 ? -rounded : rounded
}
