/// Branch-free `Float` kernels for the activation and softmax loops, written so that the
/// compiler vectorizes the loops that call them (the C library's `erff` and `expf` are
/// scalar calls and took a third of the encoder's time).

/// `eˣ` to within about 1 ulp for `x ∈ [−87.3, 88.7]`; smaller arguments give about
/// `1e-38`, larger ones about `2e38`.
///
/// Cody–Waite reduction `x = n·ln 2 + r` with `|r| ≤ ln 2 / 2`, a degree-7 Taylor
/// polynomial for `eʳ` (truncation error below 1e-8 relative), and `2ⁿ` built from its
/// bit pattern.
@inline(__always)
func _exponential(_ x: Float) -> Float {
    let clamped = min(max(x, -87.3), 88.7)
    // Adding 1.5·2²³ rounds to an integer held in the low bits of the significand.
    let shifted = clamped * 1.442_695_04 + 12_582_912
    let n = shifted - 12_582_912
    let r = (clamped - n * 0.693_145_75) - n * 1.428_606_8e-6
    var p: Float = 1.0 / 5040
    p = p * r + 1.0 / 720
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    let scale = Float(bitPattern: (shifted.bitPattern &- 0x4B40_0000 &+ 127) << 23)
    return p * scale
}

/// The complementary error function of `|z|`, `erfc(|z|)`, with relative error below
/// 1.2e-7 plus the rounding of ``_exponential(_:)`` (Press et al., *Numerical Recipes*,
/// §6.2, Chebyshev fit `erfcc`).
@inline(__always)
func _complementaryErrorFunctionOfMagnitude(_ z: Float) -> Float {
    let a = abs(z)
    let t = 1 / (1 + 0.5 * a)
    var p: Float = 0.170_872_77
    p = p * t - 0.822_152_23
    p = p * t + 1.488_515_87
    p = p * t - 1.135_203_98
    p = p * t + 0.278_868_07
    p = p * t - 0.186_288_06
    p = p * t + 0.096_784_18
    p = p * t + 0.374_091_96
    p = p * t + 1.000_023_68
    p = p * t - 1.265_512_23
    return t * _exponential(-a * a + p)
}

/// The exact (erf) form of GELU, `x·Φ(x) = ½·x·erfc(−x/√2)`, to within a few ulp.
///
/// Written through `erfc` of `|x|/√2` so that negative inputs, where `1 + erf(x/√2)`
/// cancels, keep their relative accuracy: `½·x·erfc(|x|/√2)` for `x < 0` and
/// `½·x·(2 − erfc(x/√2))` for `x ≥ 0`. This is not the tanh approximation, which moves
/// all-MiniLM-L6-v2's embeddings by up to 6e-4.
@inline(__always)
func _gelu(_ x: Float) -> Float {
    let tail = _complementaryErrorFunctionOfMagnitude(x * 0.707_106_77)
    let phi = x < 0 ? tail : 2 - tail
    return 0.5 * x * phi
}
