import LinearAlgebra

/// The buffers of one musicnn forward pass on one 187 × 96 patch, allocated once per
/// worker and reused patch after patch.
///
/// Activations are time-major: a feature map of `t` frames and `c` channels is a
/// row-major `t × c` matrix. Convolutions are GEMMs: the frequency-sliding timbral
/// kernels and the time-sliding temporal kernels go through explicit im2col patches,
/// a few frames (or bands) at a time; the 1-D mid-end convolutions are a sum of seven
/// GEMMs on shifted rows, which needs no copy.
final class _MusicnnForwardPass {
    private typealias W = _MusicnnWeights
    private static let frames = W.frameCount, bands = W.bandCount
    /// Frames per im2col chunk of a timbral layer, bands per chunk of a temporal layer.
    private static let timbralChunk = 8, temporalChunk = 4
    /// Zero frames on each side of the padded time axis (the 7-frame kernels).
    private static let margin = 3
    /// The temporal kernels' widest "same" padding: 63 frames before, 64 after.
    private static let temporalBefore = 63, temporalAfter = 64

    /// The patch's log-compressed mel values, `187 × 96`.
    let input: UnsafeMutablePointer<Float>
    /// The normalised input with `margin` zero frames on each side: `193 × 96`.
    private let padded: UnsafeMutablePointer<Float>
    /// The normalised input band-major with the temporal padding: `96 × (187 + 127)`.
    private let transposed: UnsafeMutablePointer<Float>
    private let patches: UnsafeMutablePointer<Float>
    private let products: UnsafeMutablePointer<Float>
    private let largest: UnsafeMutablePointer<Float>
    private let smallest: UnsafeMutablePointer<Float>
    /// The mid-end's input and outputs, each with `margin` zero frames on both sides:
    /// `193 × 561` (front end), then three `193 × 64` maps.
    private let frontend: UnsafeMutablePointer<Float>
    private let midend: [UnsafeMutablePointer<Float>]
    private let pooled: UnsafeMutablePointer<Float>
    private let hidden: UnsafeMutablePointer<Float>

    private static var patchCapacity: Int {
        let timbral = W.timbral.map { timbralChunk * (bands - $0.width + 1) * 7 * $0.width }.max()!
        return max(timbral, temporalChunk * frames * W.temporal.map(\.taps).max()!)
    }

    private static var productCapacity: Int {
        max(timbralChunk * (bands - W.timbral.map(\.width).min()! + 1) * W.timbralFilters,
            temporalChunk * frames * W.temporalFilters)
    }

    init() {
        let frames = Self.frames, bands = Self.bands, paddedFrames = frames + 2 * Self.margin
        input = .allocate(capacity: frames * bands)
        padded = .allocate(capacity: paddedFrames * bands)
        transposed = .allocate(capacity: bands * (frames + Self.temporalBefore + Self.temporalAfter))
        patches = .allocate(capacity: Self.patchCapacity)
        products = .allocate(capacity: Self.productCapacity)
        largest = .allocate(capacity: frames * max(W.timbralFilters, W.temporalFilters))
        smallest = .allocate(capacity: frames * max(W.timbralFilters, W.temporalFilters))
        frontend = .allocate(capacity: paddedFrames * W.frontendChannels)
        midend = (0..<3).map { _ in .allocate(capacity: paddedFrames * W.midendFilters) }
        pooled = .allocate(capacity: 2 * W.midendChannels)
        hidden = .allocate(capacity: W.featureCount)
        padded.initialize(repeating: 0, count: paddedFrames * bands)
        transposed.initialize(repeating: 0, count: bands * (frames + Self.temporalBefore + Self.temporalAfter))
        frontend.initialize(repeating: 0, count: paddedFrames * W.frontendChannels)
        for map in midend { map.initialize(repeating: 0, count: paddedFrames * W.midendFilters) }
    }

    deinit {
        for buffer in [input, padded, transposed, patches, products, largest, smallest, frontend, pooled, hidden] + midend {
            buffer.deallocate()
        }
    }

    /// Runs the network on ``input``; writes the 200 penultimate features (the batch-
    /// normalised ReLU output of the first dense layer, extractor.py's `penultimate`) to
    /// `features` and the 50 tag logits to `logits`.
    ///
    /// - Complexity: about 1.4 · 10⁹ multiply-adds, 81 % of them in the two timbral layers.
    func run(_ weights: _MusicnnWeights, features: UnsafeMutablePointer<Float>, logits: UnsafeMutablePointer<Float>) {
        let frames = Self.frames, bands = Self.bands, margin = Self.margin
        let temporalLength = frames + Self.temporalBefore + Self.temporalAfter
        for frame in 0..<frames {
            for band in 0..<bands {
                let value = input[frame * bands + band] * weights.inputScale + weights.inputShift
                padded[(frame + margin) * bands + band] = value
                transposed[band * temporalLength + Self.temporalBefore + frame] = value
            }
        }
        var channel = 0
        for layer in weights.timbral {
            timbral(layer, channelOffset: channel)
            channel += layer.outputs
        }
        for layer in weights.temporal {
            temporal(layer, length: temporalLength, channelOffset: channel)
            channel += layer.outputs
        }
        let frontendRows = UnsafePointer(frontend + margin * W.frontendChannels)
        var source = UnsafePointer(frontend), sourceWidth = W.frontendChannels
        for (index, layer) in weights.midend.enumerated() {
            let target = midend[index] + margin * W.midendFilters
            convolveFrames(source, width: sourceWidth, layer, into: target)
            if index > 0 {
                let previous = midend[index - 1] + margin * W.midendFilters
                for element in 0..<(frames * W.midendFilters) { target[element] += previous[element] }
            }
            source = UnsafePointer(midend[index])
            sourceWidth = W.midendFilters
        }
        var feature = 0
        pool(frontendRows, width: W.frontendChannels, firstFeature: &feature)
        for map in midend { pool(map + margin * W.midendFilters, width: W.midendFilters, firstFeature: &feature) }

        let pooledCount = 2 * W.midendChannels
        weights.denseWeights.withUnsafeBufferPointer { dense in
            Matrix<Float>.multiply(
                m: 1, n: W.featureCount, k: pooledCount, pooled, lda: pooledCount, dense.baseAddress!,
                ldb: W.featureCount, into: hidden, ldc: W.featureCount)
        }
        for unit in 0..<W.featureCount {
            features[unit] = max(hidden[unit] + weights.denseBias[unit], 0) * weights.penultimateScale[unit]
                + weights.penultimateShift[unit]
        }
        weights.classifierWeights.withUnsafeBufferPointer { classifier in
            Matrix<Float>.multiply(
                m: 1, n: W.tagCount, k: W.featureCount, features, lda: W.featureCount, classifier.baseAddress!,
                ldb: W.tagCount, into: logits, ldc: W.tagCount)
        }
        for tag in 0..<W.tagCount { logits[tag] += weights.classifierBias[tag] }
    }

    /// A timbral block: a 7-frame × `width`-band kernel over the padded input ("valid"
    /// along bands), ReLU, batch norm, then the maximum over band positions. Writes
    /// channels `channelOffset ..< channelOffset + outputs` of the front end.
    private func timbral(_ layer: _MusicnnConvolution, channelOffset: Int) {
        let frames = Self.frames, bands = Self.bands, width = layer.width, outputs = layer.outputs
        let positions = bands - width + 1, depth = layer.taps * width
        var start = 0
        while start < frames {
            let count = min(Self.timbralChunk, frames - start)
            for local in 0..<count {
                for position in 0..<positions {
                    let row = patches + (local * positions + position) * depth
                    for tap in 0..<layer.taps {
                        (row + tap * width).update(from: padded + (start + local + tap) * bands + position, count: width)
                    }
                }
            }
            layer.weights.withUnsafeBufferPointer { kernel in
                Matrix<Float>.multiply(
                    m: count * positions, n: outputs, k: depth, patches, lda: depth, kernel.baseAddress!, ldb: outputs,
                    into: products, ldc: outputs)
            }
            for local in 0..<count {
                reduceExtremes(products + local * positions * outputs, rows: positions, outputs: outputs, into: local)
                activate(layer, extremesRow: local, into: frontend + (start + local + Self.margin) * W.frontendChannels
                    + channelOffset)
            }
            start += count
        }
    }

    /// A temporal block: a `taps`-frame × 1-band kernel with TensorFlow's "same" padding
    /// (⌊(taps − 1)/2⌋ frames before), ReLU, batch norm, then the maximum over bands.
    private func temporal(_ layer: _MusicnnConvolution, length: Int, channelOffset: Int) {
        let frames = Self.frames, bands = Self.bands, taps = layer.taps, outputs = layer.outputs
        let skip = Self.temporalBefore - (taps - 1) / 2
        largest.update(repeating: -.infinity, count: frames * outputs)
        smallest.update(repeating: .infinity, count: frames * outputs)
        var band = 0
        while band < bands {
            let count = min(Self.temporalChunk, bands - band)
            for local in 0..<count {
                let source = transposed + (band + local) * length + skip
                for frame in 0..<frames {
                    (patches + (local * frames + frame) * taps).update(from: source + frame, count: taps)
                }
            }
            layer.weights.withUnsafeBufferPointer { kernel in
                Matrix<Float>.multiply(
                    m: count * frames, n: outputs, k: taps, patches, lda: taps, kernel.baseAddress!, ldb: outputs,
                    into: products, ldc: outputs)
            }
            for local in 0..<count {
                let block = products + local * frames * outputs
                for element in 0..<(frames * outputs) {
                    largest[element] = max(largest[element], block[element])
                    smallest[element] = min(smallest[element], block[element])
                }
            }
            band += count
        }
        for frame in 0..<frames {
            activate(layer, extremesRow: frame, into: frontend + (frame + Self.margin) * W.frontendChannels + channelOffset)
        }
    }

    /// Row `row` of ``largest`` and ``smallest``: the maximum and minimum of each output
    /// channel over `rows` rows of products.
    private func reduceExtremes(_ block: UnsafePointer<Float>, rows: Int, outputs: Int, into row: Int) {
        let high = largest + row * outputs, low = smallest + row * outputs
        high.update(from: block, count: outputs)
        low.update(from: block, count: outputs)
        for index in 1..<rows {
            let values = block + index * outputs
            for channel in 0..<outputs {
                high[channel] = max(high[channel], values[channel])
                low[channel] = min(low[channel], values[channel])
            }
        }
    }

    /// `max over positions of (max(x + bias, 0) · scale + shift)` from the extremes of x:
    /// every step is monotone, so the maximum is reached at x's maximum when the scale
    /// is non-negative and at its minimum otherwise (exactly, in floating point too).
    private func activate(_ layer: _MusicnnConvolution, extremesRow row: Int, into target: UnsafeMutablePointer<Float>) {
        let outputs = layer.outputs
        for channel in 0..<outputs {
            let scale = layer.scale[channel]
            let extreme = scale >= 0 ? largest[row * outputs + channel] : smallest[row * outputs + channel]
            target[channel] = max(extreme + layer.bias[channel], 0) * scale + layer.shift[channel]
        }
    }

    /// A mid-end layer: a 7-frame kernel across all `width` channels of a map padded by
    /// `margin` zero frames, as seven GEMMs on shifted rows, then ReLU and batch norm.
    private func convolveFrames(
        _ source: UnsafePointer<Float>, width: Int, _ layer: _MusicnnConvolution, into target: UnsafeMutablePointer<Float>
    ) {
        let outputs = layer.outputs
        layer.weights.withUnsafeBufferPointer { kernel in
            for tap in 0..<layer.taps {
                Matrix<Float>.multiply(
                    m: Self.frames, n: outputs, k: width, source + tap * width, lda: width,
                    kernel.baseAddress! + tap * width * outputs, ldb: outputs, into: target, ldc: outputs,
                    beta: tap == 0 ? 0 : 1)
            }
        }
        for frame in 0..<Self.frames {
            let row = target + frame * outputs
            for channel in 0..<outputs {
                row[channel] = max(row[channel] + layer.bias[channel], 0) * layer.scale[channel] + layer.shift[channel]
            }
        }
    }

    /// The maximum and the mean over frames of each channel of a `187 × width` map,
    /// interleaved into ``pooled`` from feature `firstFeature` on, as TensorFlow flattens
    /// `concat([max, mean], axis=2)`.
    private func pool(_ map: UnsafePointer<Float>, width: Int, firstFeature: inout Int) {
        for channel in 0..<width {
            var largest = map[channel], sum: Float = 0
            for frame in 0..<Self.frames {
                let value = map[frame * width + channel]
                largest = max(largest, value)
                sum += value
            }
            pooled[2 * (firstFeature + channel)] = largest
            pooled[2 * (firstFeature + channel) + 1] = sum / Float(Self.frames)
        }
        firstFeature += width
    }
}
