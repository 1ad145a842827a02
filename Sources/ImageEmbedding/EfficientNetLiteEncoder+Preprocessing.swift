import FeatureEncoding

extension EfficientNetLiteEncoder {
    /// The network input for an image, as TensorFlow's EfficientNet-Lite evaluation
    /// preprocessing makes it: `224 × 224 × 3` values, channels-last, rows top to bottom.
    ///
    /// 1. Centre crop: a square of side ⌊0.875 · min(width, height)⌋ (at least 1; the
    ///    224/(224 + 32) crop of `decode_and_center_crop`), offset by
    ///    ⌊(size − side + 1)/2⌋ on each axis.
    /// 2. Resize to 224 × 224, bicubic (Keys, a = −0.5) with half-pixel centres and no
    ///    antialiasing, taps outside the crop dropped and the remaining weights
    ///    renormalised — `tf.image.resize(method: "bicubic")` of TensorFlow 2, computed
    ///    with exact weights instead of its 1,024-entry table.
    /// 3. Normalise each channel as (v − 127)/128, the EfficientNet-Lite mean and
    ///    deviation.
    ///
    /// - Complexity: O(side · 224 + 224²) per channel.
    public static func preprocessed(_ image: RGBImage) -> [Float] {
        var result = [Float](repeating: 0, count: inputSize * inputSize * 3)
        result.withUnsafeMutableBufferPointer { preprocess(image, into: $0.baseAddress!) }
        return result
    }

    /// The bicubic taps of each output position along one axis: four source indices
    /// (already clamped into the crop, with zero weight where the tap fell outside) and
    /// their renormalised weights.
    static func resizeTaps(from source: Int, to target: Int) -> (indices: [Int], weights: [Float]) {
        let a: Double = -0.5
        func cubic(_ distance: Double) -> Double {
            let x = abs(distance)
            if x <= 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
            if x < 2 { return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
            return 0
        }
        let scale = Double(source) / Double(target)
        var indices = [Int](repeating: 0, count: target * 4)
        var weights = [Float](repeating: 0, count: target * 4)
        for output in 0..<target {
            let center = (Double(output) + 0.5) * scale - 0.5
            let base = Int(center.rounded(.down))
            let fraction = center - Double(base)
            var tapWeights = [Double](repeating: 0, count: 4)
            var sum = 0.0
            for tap in 0..<4 {
                let index = base - 1 + tap
                if index >= 0, index < source {
                    tapWeights[tap] = cubic(fraction - Double(tap - 1))
                    sum += tapWeights[tap]
                }
                indices[output * 4 + tap] = min(max(index, 0), source - 1)
            }
            for tap in 0..<4 { weights[output * 4 + tap] = Float(sum == 0 ? 0 : tapWeights[tap] / sum) }
        }
        return (indices, weights)
    }

    /// Writes ``preprocessed(_:)`` of `image` to `output` (`224 × 224 × 3` values).
    static func preprocess(_ image: RGBImage, into output: UnsafeMutablePointer<Float>) {
        let size = inputSize
        let side = max(1, min(image.width, image.height) * 7 / 8)
        let top = (image.height - side + 1) / 2
        let left = (image.width - side + 1) / 2
        let taps = resizeTaps(from: side, to: size)
        var rows = [Float](repeating: 0, count: side * size * 3)
        image.pixels.withUnsafeBufferPointer { pixels in
            for y in 0..<side {
                let sourceRow = (top + y) * image.width
                for x in 0..<size {
                    var (red, green, blue): (Float, Float, Float) = (0, 0, 0)
                    for tap in 0..<4 {
                        let weight = taps.weights[x * 4 + tap]
                        let pixel = (sourceRow + left + taps.indices[x * 4 + tap]) * 3
                        red += weight * Float(pixels[pixel])
                        green += weight * Float(pixels[pixel + 1])
                        blue += weight * Float(pixels[pixel + 2])
                    }
                    let slot = (y * size + x) * 3
                    rows[slot] = red
                    rows[slot + 1] = green
                    rows[slot + 2] = blue
                }
            }
        }
        for y in 0..<size {
            for x in 0..<size {
                var (red, green, blue): (Float, Float, Float) = (0, 0, 0)
                for tap in 0..<4 {
                    let weight = taps.weights[y * 4 + tap]
                    let slot = (taps.indices[y * 4 + tap] * size + x) * 3
                    red += weight * rows[slot]
                    green += weight * rows[slot + 1]
                    blue += weight * rows[slot + 2]
                }
                let target = output + (y * size + x) * 3
                target[0] = (red - 127) / 128
                target[1] = (green - 127) / 128
                target[2] = (blue - 127) / 128
            }
        }
    }
}
