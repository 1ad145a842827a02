#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Slaney's mel scale (the Auditory Toolbox's, librosa's default with `htk=False`):
/// linear below 1 kHz (200/3 Hz per mel), logarithmic above (27 mels per factor 6.4).
func _hertzToMel(_ frequency: Double) -> Double {
    let linearStep = 200.0 / 3, breakFrequency = 1000.0, breakMel = breakFrequency / linearStep
    let logStep = log(6.4) / 27
    return frequency >= breakFrequency ? breakMel + log(frequency / breakFrequency) / logStep : frequency / linearStep
}

/// The inverse of ``_hertzToMel(_:)``.
func _melToHertz(_ mel: Double) -> Double {
    let linearStep = 200.0 / 3, breakFrequency = 1000.0, breakMel = breakFrequency / linearStep
    let logStep = log(6.4) / 27
    return mel >= breakMel ? breakFrequency * exp(logStep * (mel - breakMel)) : linearStep * mel
}

/// A triangular mel filterbank with Slaney's area normalisation, as
/// `librosa.filters.mel(sr=, n_fft=, n_mels=, fmin=, fmax=, htk=False, norm="slaney")`
/// builds it (in double precision, rounded to `Float`), stored sparsely: each band keeps
/// the contiguous run of frequency bins where its weight is non-zero.
struct _MelFilterbank: Sendable {
    /// The first frequency bin of each band.
    let firstBin: [Int]
    /// Each band's weights, starting at its `firstBin`.
    let weights: [[Float]]

    init(sampleRate: Int, fftLength: Int, bandCount: Int, minimumFrequency: Double, maximumFrequency: Double) {
        let binCount = fftLength / 2 + 1
        let nyquist = Double(sampleRate) / 2
        let binFrequencies = (0..<binCount).map { nyquist * Double($0) / Double(binCount - 1) }
        let lowMel = _hertzToMel(minimumFrequency), highMel = _hertzToMel(maximumFrequency)
        let edges = (0..<(bandCount + 2)).map { index in
            _melToHertz(lowMel + (highMel - lowMel) * Double(index) / Double(bandCount + 1))
        }
        var firstBin: [Int] = [], weights: [[Float]] = []
        for band in 0..<bandCount {
            let lower = edges[band], centre = edges[band + 1], upper = edges[band + 2]
            let normalisation = 2 / (upper - lower)
            var row: [Float] = [], start = -1
            for bin in 0..<binCount {
                let rising = (binFrequencies[bin] - lower) / (centre - lower)
                let falling = (upper - binFrequencies[bin]) / (upper - centre)
                let weight = max(0, min(rising, falling)) * normalisation
                if weight > 0 {
                    if start < 0 { start = bin }
                    while start + row.count < bin { row.append(0) }
                    row.append(Float(weight))
                }
            }
            firstBin.append(max(start, 0))
            weights.append(row)
        }
        self.firstBin = firstBin
        self.weights = weights
    }
}
