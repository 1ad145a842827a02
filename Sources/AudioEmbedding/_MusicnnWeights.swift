/// One musicnn convolution with the batch norm that follows its ReLU:
/// `y = max(x ⊛ w + bias, 0) · scale + shift` per output channel.
///
/// musicnn normalises after the activation, so the batch norm cannot be folded into the
/// kernel; it is reduced at load time to one scale and one shift per channel,
/// `scale = γ/√(σ² + ε)`, `shift = β − μ·scale`.
struct _MusicnnConvolution: Sendable {
    /// Kernel extent along time and along the second axis (mel bands, or input channels
    /// for the 1-D mid-end convolutions).
    var taps: Int
    var width: Int
    var outputs: Int
    /// `(taps · width) × outputs`, row-major: TensorFlow's H×W×1×O kernel as it is stored.
    var weights: [Float]
    var bias: [Float]
    var scale: [Float]
    var shift: [Float]
}

/// The MSD_musicnn network (Pons & Serra 2019, [musicnn]) read from the safetensors file
/// that `Scripts/fetch-musicnn.sh` writes (TensorFlow names and shapes, batch norm
/// unfolded): the tensors of `models.py`'s `build_musicnn(num_filt_midend=64,
/// num_units_backend=200)` in the order TensorFlow named them.
///
/// Batch norm, ε = 10⁻³ (`tf.compat.v1.layers.batch_normalization`'s default):
/// - on the input, a scalar affine map applied to the spectrogram before the zero padding;
/// - after each convolution's ReLU and after the penultimate dense layer's, a per-channel
///   scale and shift (``_MusicnnConvolution``);
/// - on the pooled features, folded into the dense layer that follows (nothing sits between
///   them): W′ = diag(scale)·W, b′ = b + shiftᵀW.
///
/// [musicnn]: https://arxiv.org/abs/1909.06654
struct _MusicnnWeights: Sendable {
    static let frameCount = 187
    static let bandCount = 96
    static let timbralFilters = 204
    static let temporalFilters = 51
    static let midendFilters = 64
    static let frontendChannels = 2 * timbralFilters + 3 * temporalFilters
    static let midendChannels = frontendChannels + 3 * midendFilters
    static let featureCount = 200
    static let tagCount = 50
    static let batchNormEpsilon: Float = 1e-3
    /// Timbral kernels: 7 frames × ⌊0.4 · 96⌋ and ⌊0.7 · 96⌋ bands; temporal: 128, 64 and
    /// 32 frames × 1 band (`frontend(…, type='7774timbraltemporal')`).
    static let timbral = [(convolution: "conv2d", norm: "batch_normalization_1", width: 38),
                          (convolution: "conv2d_1", norm: "batch_normalization_2", width: 67)]
    static let temporal = [(convolution: "conv2d_2", norm: "batch_normalization_3", taps: 128),
                           (convolution: "conv2d_3", norm: "batch_normalization_4", taps: 64),
                           (convolution: "conv2d_4", norm: "batch_normalization_5", taps: 32)]
    static let midend = [(convolution: "conv2d_5", norm: "batch_normalization_6"),
                         (convolution: "conv2d_6", norm: "batch_normalization_7"),
                         (convolution: "conv2d_7", norm: "batch_normalization_8")]

    var inputScale: Float
    var inputShift: Float
    var timbral: [_MusicnnConvolution]
    var temporal: [_MusicnnConvolution]
    var midend: [_MusicnnConvolution]
    /// The penultimate dense layer, `1506 × 200` row-major with the pooled features'
    /// batch norm folded in; rows in TensorFlow's order (max and mean of each mid-end
    /// channel interleaved).
    var denseWeights: [Float]
    var denseBias: [Float]
    var penultimateScale: [Float]
    var penultimateShift: [Float]
    /// The tag layer, `200 × 50` row-major, and its bias.
    var classifierWeights: [Float]
    var classifierBias: [Float]

    /// Reads every tensor through `tensor(name, shape)`, which throws when a tensor is
    /// missing, misshapen or not finite.
    init<E: Error>(tensor: (String, [Int]) throws(E) -> [Float]) throws(E) {
        func norm(_ name: String, _ count: Int) throws(E) -> (scale: [Float], shift: [Float]) {
            let gamma = try tensor(name + "/gamma", [count]), beta = try tensor(name + "/beta", [count])
            let mean = try tensor(name + "/moving_mean", [count])
            let variance = try tensor(name + "/moving_variance", [count])
            var scale = [Float](repeating: 0, count: count), shift = scale
            for index in 0..<count {
                scale[index] = gamma[index] / (variance[index] + Self.batchNormEpsilon).squareRoot()
                shift[index] = beta[index] - mean[index] * scale[index]
            }
            return (scale, shift)
        }
        func convolution(_ name: String, _ normName: String, taps: Int, width: Int, outputs: Int)
            throws(E) -> _MusicnnConvolution
        {
            let weights = try tensor(name + "/kernel", [taps, width, 1, outputs])
            let bias = try tensor(name + "/bias", [outputs])
            let (scale, shift) = try norm(normName, outputs)
            return _MusicnnConvolution(
                taps: taps, width: width, outputs: outputs, weights: weights, bias: bias, scale: scale, shift: shift)
        }
        let input = try norm("batch_normalization", 1)
        inputScale = input.scale[0]
        inputShift = input.shift[0]
        var timbral: [_MusicnnConvolution] = []
        for layer in Self.timbral {
            timbral.append(
                try convolution(layer.convolution, layer.norm, taps: 7, width: layer.width, outputs: Self.timbralFilters))
        }
        self.timbral = timbral
        var temporal: [_MusicnnConvolution] = []
        for layer in Self.temporal {
            temporal.append(
                try convolution(layer.convolution, layer.norm, taps: layer.taps, width: 1, outputs: Self.temporalFilters))
        }
        self.temporal = temporal
        var midend: [_MusicnnConvolution] = []
        for (index, layer) in Self.midend.enumerated() {
            midend.append(
                try convolution(
                    layer.convolution, layer.norm, taps: 7, width: index == 0 ? Self.frontendChannels : Self.midendFilters,
                    outputs: Self.midendFilters))
        }
        self.midend = midend
        let pooledCount = 2 * Self.midendChannels
        let pooled = try norm("batch_normalization_9", pooledCount)
        var dense = try tensor("dense/kernel", [pooledCount, Self.featureCount])
        var denseBias = try tensor("dense/bias", [Self.featureCount])
        for row in 0..<pooledCount {
            for column in 0..<Self.featureCount {
                denseBias[column] += pooled.shift[row] * dense[row * Self.featureCount + column]
                dense[row * Self.featureCount + column] *= pooled.scale[row]
            }
        }
        denseWeights = dense
        self.denseBias = denseBias
        (penultimateScale, penultimateShift) = try norm("batch_normalization_10", Self.featureCount)
        classifierWeights = try tensor("dense_1/kernel", [Self.featureCount, Self.tagCount])
        classifierBias = try tensor("dense_1/bias", [Self.tagCount])
    }

    /// A 64-bit fingerprint of every parameter as loaded (FNV-1a over the bit patterns),
    /// for ``MusicnnEncoder/identifier``.
    func fingerprint() -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ values: [Float]) {
            for value in values { hash = (hash ^ UInt64(value.bitPattern)) &* 0x0000_0100_0000_01B3 }
        }
        mix([inputScale, inputShift])
        for layer in timbral + temporal + midend {
            for values in [layer.weights, layer.bias, layer.scale, layer.shift] { mix(values) }
        }
        for values in [denseWeights, denseBias, penultimateScale, penultimateShift, classifierWeights, classifierBias] {
            mix(values)
        }
        return hash
    }
}
