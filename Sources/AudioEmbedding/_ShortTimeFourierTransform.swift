#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension LogMelSpectrogram {
    /// The log-mel values of samples already at the configured rate, frame-major
    /// (`frames × melBandCount`), checked by the caller to be non-empty and finite.
    ///
    /// - Complexity: O(frames · fftLength · log fftLength).
    func _logMelValues(_ samples: [Float]) -> [Float] {
        let c = configuration
        var values = _melPowers(samples).map { 10 * log10(max(Double($0), c.amin)) - 10 * log10(max(1, c.amin)) }
        if let top = c.topDecibels, let loudest = values.max() {
            let floor = loudest - top
            for index in values.indices where values[index] < floor { values[index] = floor }
        }
        return values.map { Float($0) }
    }

    /// The mel power spectrogram of samples already at the configured rate, frame-major
    /// (`frames × melBandCount`, 1 + n / hopLength frames), in single precision as
    /// `librosa.feature.melspectrogram` computes it on `float32` samples.
    ///
    /// - Complexity: O(frames · fftLength · log fftLength).
    func _melPowers(_ samples: [Float]) -> [Float] {
        let c = configuration
        let half = c.fftLength / 2
        let binCount = half + 1
        let frameCount = 1 + samples.count / c.hopLength
        let bands = c.melBandCount
        let plan = _FFTWPlan.forLength(c.fftLength)
        let buffers = _FFTWPlan.Buffers(length: c.fftLength)
        defer { buffers.deallocate() }
        var power = [Float](repeating: 0, count: binCount)
        var values = [Float](repeating: 0, count: frameCount * bands)
        samples.withUnsafeBufferPointer { input in
            window.withUnsafeBufferPointer { window in
                for frame in 0..<frameCount {
                    let start = frame * c.hopLength - half
                    for k in 0..<c.fftLength {
                        let index = start + k
                        buffers.input[k] = index >= 0 && index < input.count ? input[index] * window[k] : 0
                    }
                    plan.execute(buffers)
                    for bin in 0..<binCount {
                        let re = buffers.output[2 * bin], im = buffers.output[2 * bin + 1]
                        power[bin] = re * re + im * im
                    }
                    for band in 0..<bands {
                        let first = filterbank.firstBin[band]
                        var sum: Float = 0
                        for (offset, weight) in filterbank.weights[band].enumerated() {
                            sum += weight * power[first + offset]
                        }
                        values[frame * bands + band] = sum
                    }
                }
            }
        }
        return values
    }
}
