#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra

extension MusicnnEncoder {
    /// musicnn's input value for a mel power `power`: log₁₀(10000·x + 1) with x and every
    /// intermediate rounded to float16, as NumPy evaluates `np.log10(10000 *
    /// S.astype(np.float16) + 1)`. Where x or 10000·x overflows float16, x, the product
    /// and the sum are kept in single precision instead (musicnn would feed infinity to
    /// the network); the logarithm is still rounded to float16.
    static func compressed(_ power: Float) -> Float {
        let half = _roundedToHalf(power)
        let product = 10_000 * (half.isFinite ? half : power)
        let rounded = _roundedToHalf(product)
        let sum = rounded.isFinite ? _roundedToHalf(rounded + 1) : product + 1
        return _roundedToHalf(log10(sum))
    }

    /// The clip's network input, `frames × 96` compressed mel values, frame-major.
    ///
    /// - Throws: the checks of ``LogMelSpectrogram/frames(of:source:)``, and
    ///   ``AudioEmbeddingError/tooShort(source:sampleCount:minimum:)`` below one patch.
    static func networkInput(of clip: AudioClip, source: String) throws(AudioEmbeddingError) -> [Float] {
        let samples = try spectrogram._checkedSamples(of: clip, source: source)
        guard samples.count >= Self.minimumSampleCount else {
            throw .tooShort(source: source, sampleCount: samples.count, minimum: Self.minimumSampleCount)
        }
        return spectrogram._melPowers(samples).map(Self.compressed)
    }

    /// Per-patch rows (``dimension`` values each) of every clip's whole patches, clip after
    /// clip: patch p of a clip covers frames 187·p ..< 187·(p + 1).
    func run(patches inputs: [[Float]], shouldStop: () -> Bool) -> [Float] {
        let frameValues = Self.patchFrameCount * _MusicnnWeights.bandCount
        var jobs: [(clip: Int, offset: Int)] = []
        for (clip, input) in inputs.enumerated() {
            for patch in 0..<(input.count / _MusicnnWeights.bandCount / Self.patchFrameCount) {
                jobs.append((clip, patch * frameValues))
            }
        }
        let width = dimension, tags = output == .tagProbabilities
        var result = [Float](repeating: 0, count: jobs.count * width)
        guard !jobs.isEmpty else { return result }
        let workers = min(Parallel.threadCount, jobs.count)
        result.withUnsafeMutableBufferPointer { rows in
            let base = rows.baseAddress!
            Parallel.forEachChunk(of: 0..<workers, grainSize: 1) { worker in
                let pass = _MusicnnForwardPass()
                let features = UnsafeMutablePointer<Float>.allocate(capacity: _MusicnnWeights.featureCount)
                let logits = UnsafeMutablePointer<Float>.allocate(capacity: _MusicnnWeights.tagCount)
                defer {
                    features.deallocate()
                    logits.deallocate()
                }
                for index in stride(from: worker.lowerBound, to: jobs.count, by: workers) where !shouldStop() {
                    inputs[jobs[index].clip].withUnsafeBufferPointer { input in
                        pass.input.update(from: input.baseAddress! + jobs[index].offset, count: frameValues)
                    }
                    pass.run(weights, features: features, logits: logits)
                    let row = base + index * width
                    if tags {
                        for tag in 0..<width { row[tag] = 1 / (1 + exp(-logits[tag])) }
                    } else {
                        row.update(from: features, count: width)
                    }
                }
            }
        }
        return result
    }

    /// One row per clip: the mean over the clip's patches of the per-patch rows.
    func rows(_ clips: [AudioClip], sources: [String], shouldStop: () -> Bool) throws(AudioEmbeddingError)
        -> (elements: [Float], patchCounts: [Int])
    {
        let inputs = try Parallel.mapChunks(of: clips.indices, grainSize: 1) { (chunk) throws(AudioEmbeddingError) in
            try Self.networkInput(of: clips[chunk.lowerBound], source: sources[chunk.lowerBound])
        }
        let perPatch = run(patches: inputs, shouldStop: shouldStop)
        let width = dimension
        var elements = [Float](repeating: 0, count: clips.count * width)
        var patchCounts: [Int] = []
        var patch = 0
        for (clip, input) in inputs.enumerated() {
            let count = input.count / _MusicnnWeights.bandCount / Self.patchFrameCount
            for column in 0..<width {
                var sum = 0.0
                for index in patch..<(patch + count) { sum += Double(perPatch[index * width + column]) }
                elements[clip * width + column] = Float(sum / Double(count))
            }
            patch += count
            patchCounts.append(count)
        }
        return (elements, patchCounts)
    }
}
