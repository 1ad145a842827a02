#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Band-limited resampling by windowed-sinc interpolation.
///
/// Output sample j sits at input time t = j · inRate / outRate and is
/// Σᵢ x[i] · c · sinc(c (t − i)) · w((t − i) / (Z / c)), where c = rolloff · min(1,
/// outRate / inRate) is the cut-off as a fraction of the input's Nyquist frequency, Z =
/// 32 zero crossings, and w a Hann window over |u| < 1. The rolloff of 0.945 keeps the
/// pass band flat to about 94 % of the lower Nyquist frequency, like resampy's and
/// soxr's high-quality settings; the result has ⌈n · outRate / inRate⌉ samples, as
/// `librosa.resample` gives.
///
/// - Complexity: O(n · outRate / inRate · Z / c).
func _resample(_ samples: [Float], from inputRate: Int, to outputRate: Int) -> [Float] {
    if inputRate == outputRate { return samples }
    let ratio = Double(outputRate) / Double(inputRate)
    let outputCount = Int((Double(samples.count) * ratio).rounded(.up))
    let cutoff = 0.945 * min(1, ratio)
    let zeroCrossings = 32.0
    let halfWidth = zeroCrossings / cutoff
    var output = [Float](repeating: 0, count: outputCount)
    samples.withUnsafeBufferPointer { input in
        for j in 0..<outputCount {
            let time = Double(j) / ratio
            let first = max(0, Int((time - halfWidth).rounded(.up)))
            let last = min(input.count - 1, Int((time + halfWidth).rounded(.down)))
            guard first <= last else { continue }
            var sum = 0.0
            for i in first...last {
                let distance = time - Double(i)
                let phase = cutoff * distance
                let sinc = phase == 0 ? 1 : sin(Double.pi * phase) / (Double.pi * phase)
                let window = 0.5 + 0.5 * cos(Double.pi * distance / halfWidth)
                sum += Double(input[i]) * cutoff * sinc * window
            }
            output[j] = Float(sum)
        }
    }
    return output
}
