import FeatureEncoding

/// One convolution with its batch norm folded in: `weights` laid out for the kernel that
/// runs it, `bias` the folded shift per output channel.
struct _FoldedConvolution: Sendable {
    /// Pointwise and stem: `inputs × outputs` row-major (the GEMM's right operand).
    /// Depthwise: `kernel² × channels` row-major (tap-major, channels contiguous).
    var weights: [Float]
    var bias: [Float]
}

/// One mobile inverted bottleneck (MBConv) block of EfficientNet-Lite: an optional 1×1
/// expansion with ReLU6, a k×k depthwise convolution with ReLU6, a 1×1 projection, and
/// the identity shortcut when the block keeps its shape.
struct _InvertedBottleneck: Sendable {
    var inputChannels: Int
    var expandedChannels: Int
    var outputChannels: Int
    var kernel: Int
    var stride: Int
    var expansion: _FoldedConvolution?
    var depthwise: _FoldedConvolution
    var projection: _FoldedConvolution
    var hasShortcut: Bool { stride == 1 && inputChannels == outputChannels }
}

/// The EfficientNet-Lite0 network read from the safetensors file that
/// `Scripts/fetch-efficientnet-lite0.sh` writes (PyTorch names and shapes, batch norm
/// unfolded), with every batch norm folded into its convolution at load time:
/// w′ = w·γ/√(σ² + ε), b′ = β − μ·γ/√(σ² + ε), ε = 10⁻³ as in the TensorFlow original.
struct _EfficientNetWeights: Sendable {
    /// Stages of the Lite0 architecture (Tan & Le 2019, with the Lite changes: no
    /// squeeze-and-excitation, ReLU6, stem and head not scaled): repeats, kernel, first
    /// stride, expansion ratio, input and output channels.
    static let stages: [(repeats: Int, kernel: Int, stride: Int, expansion: Int, input: Int, output: Int)] = [
        (1, 3, 1, 1, 32, 16), (2, 3, 2, 6, 16, 24), (2, 5, 2, 6, 24, 40), (3, 3, 2, 6, 40, 80),
        (3, 5, 1, 6, 80, 112), (4, 5, 2, 6, 112, 192), (1, 3, 1, 6, 192, 320),
    ]
    static let stemChannels = 32
    static let featureCount = 1280
    static let classCount = 1000
    static let batchNormEpsilon: Float = 1e-3

    var stem: _FoldedConvolution
    var blocks: [_InvertedBottleneck]
    var head: _FoldedConvolution
    /// The classifier, `1280 × 1000` row-major, and its bias.
    var classifierWeights: [Float]
    var classifierBias: [Float]

    init(path: String) throws(ImageEmbeddingError) {
        do throws(_ModelFileFailure) {
            let file = try _SafeTensors(path: path)
            func convolution(_ prefix: String, _ norm: String, outputs: Int, inputs: Int, kernel: Int, depthwise: Bool)
                throws(_ModelFileFailure) -> _FoldedConvolution
            {
                let raw = try file.floats(prefix + ".weight", shape: [outputs, depthwise ? 1 : inputs, kernel, kernel])
                let gamma = try file.floats(norm + ".weight", shape: [outputs])
                let beta = try file.floats(norm + ".bias", shape: [outputs])
                let mean = try file.floats(norm + ".running_mean", shape: [outputs])
                let variance = try file.floats(norm + ".running_var", shape: [outputs])
                var bias = [Float](repeating: 0, count: outputs)
                var scale = [Float](repeating: 0, count: outputs)
                for channel in 0..<outputs {
                    scale[channel] = gamma[channel] / (variance[channel] + Self.batchNormEpsilon).squareRoot()
                    bias[channel] = beta[channel] - mean[channel] * scale[channel]
                }
                let taps = kernel * kernel
                let fanIn = depthwise ? 1 : inputs
                var weights = [Float](repeating: 0, count: raw.count)
                // PyTorch stores O × I × H × W; the kernels read (H, W, I) × O, outputs contiguous.
                for output in 0..<outputs {
                    for input in 0..<fanIn {
                        for tap in 0..<taps {
                            let value = raw[(output * fanIn + input) * taps + tap] * scale[output]
                            weights[(tap * fanIn + input) * outputs + output] = value
                        }
                    }
                }
                return _FoldedConvolution(weights: weights, bias: bias)
            }
            stem = try convolution(
                "_conv_stem", "_bn0", outputs: Self.stemChannels, inputs: 3, kernel: 3, depthwise: false)
            var blocks: [_InvertedBottleneck] = []
            for stage in Self.stages {
                for repeatIndex in 0..<stage.repeats {
                    let index = blocks.count
                    let prefix = "_blocks.\(index)."
                    let input = repeatIndex == 0 ? stage.input : stage.output
                    let expanded = input * stage.expansion
                    let expansion: _FoldedConvolution? =
                        stage.expansion == 1
                        ? nil
                        : try convolution(
                            prefix + "_expand_conv", prefix + "_bn0", outputs: expanded, inputs: input, kernel: 1,
                            depthwise: false)
                    blocks.append(
                        _InvertedBottleneck(
                            inputChannels: input, expandedChannels: expanded, outputChannels: stage.output,
                            kernel: stage.kernel, stride: repeatIndex == 0 ? stage.stride : 1, expansion: expansion,
                            depthwise: try convolution(
                                prefix + "_depthwise_conv", prefix + "_bn1", outputs: expanded, inputs: expanded,
                                kernel: stage.kernel, depthwise: true),
                            projection: try convolution(
                                prefix + "_project_conv", prefix + "_bn2", outputs: stage.output, inputs: expanded,
                                kernel: 1, depthwise: false)))
                }
            }
            self.blocks = blocks
            head = try convolution(
                "_conv_head", "_bn1", outputs: Self.featureCount, inputs: Self.stages.last!.output, kernel: 1,
                depthwise: false)
            let classifier = try file.floats("_fc.weight", shape: [Self.classCount, Self.featureCount])
            var transposed = [Float](repeating: 0, count: classifier.count)
            for row in 0..<Self.classCount {
                for column in 0..<Self.featureCount {
                    transposed[column * Self.classCount + row] = classifier[row * Self.featureCount + column]
                }
            }
            classifierWeights = transposed
            classifierBias = try file.floats("_fc.bias", shape: [Self.classCount])
        } catch {
            if case .fileNotFound(let missing) = error { throw .modelNotFound(path: missing) }
            throw .invalidWeights(path: path, reason: error.description)
        }
    }

    /// A 64-bit fingerprint of every folded parameter (FNV-1a over the bit patterns), for
    /// ``EfficientNetLiteEncoder/identifier``.
    func fingerprint() -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ values: [Float]) {
            values.withUnsafeBufferPointer { buffer in
                for value in buffer { hash = (hash ^ UInt64(value.bitPattern)) &* 0x0000_0100_0000_01B3 }
            }
        }
        for convolution in [stem] + blocks.flatMap({ [$0.expansion, $0.depthwise, $0.projection].compactMap { $0 } })
            + [head]
        {
            mix(convolution.weights)
            mix(convolution.bias)
        }
        mix(classifierWeights)
        mix(classifierBias)
        return hash
    }
}
