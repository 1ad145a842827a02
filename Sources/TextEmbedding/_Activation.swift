/// Branch-free `Float` kernels for the activation and softmax loops, written so that the
/// compiler vectorizes the loops that call them (the C library's `erff` and `expf` are
/// scalar calls and took a third of the encoder's time).

/// `e^(x + y)` to within about 1 ulp for `x + y ∈ [−87.3, 88.3]`, where `x` carries the
/// large part of the argument exactly and `y` a correction of at most a few units;
/// smaller arguments give about `1e-38`, larger ones about `2e38`.
///
/// Cody–Waite reduction `x + y = n·ln 2 + r` with `|r| ≲ ln 2 / 2` (the reduction uses
/// `x` exactly and adds `y` afterwards, so a large argument loses nothing to its own
/// rounding), a degree-7 Taylor polynomial for `eʳ` (truncation error below 1e-8
/// relative), and `2ⁿ` built from its bit pattern.
@inline(__always)
func _exponential(_ x: Float, plus y: Float = 0) -> Float {
    let clamped = min(max(x + y, -87.3), 88.3)
    // Adding 1.5·2²³ rounds to an integer held in the low bits of the significand.
    let shifted = clamped * 1.442_695_04 + 12_582_912
    let n = shifted - 12_582_912
    let reduced = x - n * 0.693_145_75
    let r = min(max((reduced + y) - n * 1.428_606_8e-6, -1), 1)
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

/// `Φ(−|x|) = ½·erfc(|x|/√2)`, the standard normal tail, with relative error below
/// about 3e-7 (Press et al., *Numerical Recipes*, §6.2: the Chebyshev fit `erfcc`, whose
/// own error is below 1.2e-7, evaluated in `Float`).
///
/// `x²` is split into its rounded value and the rounding error (Dekker's product without
/// fused multiply–add) and halved exactly, so that `exp(−x²/2)` keeps its relative
/// accuracy in the tail; scaling `x` by `1/√2` first would cost 1e-6 there.
@inline(__always)
func _normalTail(_ x: Float) -> Float {
    let a = abs(x)
    let t = 1 / (1 + 0.353_553_38 * a)
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
    let split = a * 4097
    let high = split - (split - a)
    let low = a - high
    let square = a * a
    let squareError = ((high * high - square) + 2 * high * low) + low * low
    return 0.5 * t * _exponential(-0.5 * square, plus: p - 0.5 * squareError)
}

/// The exact (erf) form of GELU, `x·Φ(x) = ½·x·(1 + erf(x/√2))`, to within a few ulp.
///
/// Written through the normal tail `Φ(−|x|)` so that negative inputs, where
/// `1 + erf(x/√2)` cancels, keep their relative accuracy: `x·Φ(−|x|)` for `x < 0` and
/// `x·(1 − Φ(−x))` for `x ≥ 0`. This is not the tanh approximation, which moves
/// all-MiniLM-L6-v2's embeddings by up to 6e-4.
@inline(__always)
func _gelu(_ x: Float) -> Float {
    let tail = _normalTail(x)
    return x * (x < 0 ? tail : 1 - tail)
}

/// The sum of `count` floats, accumulated in eight interleaved lanes so that the loop
/// vectorizes; the lanes are combined in a fixed order, so the result is deterministic.
@inline(__always)
func _sum(_ values: UnsafePointer<Float>, count: Int) -> Float {
    var lanes = SIMD8<Float>()
    var index = 0
    let raw = UnsafeRawPointer(values)
    while index + 8 <= count {
        lanes += raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
        index += 8
    }
    var total = lanes.sum()
    while index < count {
        total += values[index]
        index += 1
    }
    return total
}

/// The sum of squared deviations from `mean` of `count` floats, vectorized like ``_sum(_:count:)``.
@inline(__always)
func _sumOfSquaredDeviations(_ values: UnsafePointer<Float>, count: Int, mean: Float) -> Float {
    var lanes = SIMD8<Float>()
    var index = 0
    let raw = UnsafeRawPointer(values)
    let center = SIMD8<Float>(repeating: mean)
    while index + 8 <= count {
        let deviation = raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self) - center
        lanes += deviation * deviation
        index += 8
    }
    var total = lanes.sum()
    while index < count {
        let deviation = values[index] - mean
        total += deviation * deviation
        index += 1
    }
    return total
}

/// The largest of `count ≥ 1` finite floats.
@inline(__always)
func _maximum(_ values: UnsafePointer<Float>, count: Int) -> Float {
    var lanes = SIMD8<Float>(repeating: values[0])
    var index = 0
    let raw = UnsafeRawPointer(values)
    while index + 8 <= count {
        let next = raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
        lanes.replace(with: next, where: next .> lanes)
        index += 8
    }
    var result = lanes.max()
    while index < count {
        result = max(result, values[index])
        index += 1
    }
    return result
}
