import LinearAlgebra

/// The buffers of one forward pass of EfficientNet-Lite0 on one image, allocated once per
/// worker and reused image after image.
final class _ForwardPass {
    /// Runs `body` over the chunks of `range`: spread over ``Parallel`` or one after another.
    private static func forEachChunk(
        of range: Range<Int>, grainSize: Int, parallel: Bool, _ body: (Range<Int>) -> Void
    ) {
        if parallel { return Parallel.forEachChunk(of: range, grainSize: grainSize, body) }
        var start = range.lowerBound
        while start < range.upperBound {
            body(start..<min(start + grainSize, range.upperBound))
            start += grainSize
        }
    }

    /// The preprocessed image, `224 × 224 × 3` channels-last.
    let image: UnsafeMutablePointer<Float>
    private let patches: UnsafeMutablePointer<Float>
    private let buffers: [UnsafeMutablePointer<Float>]
    private let capacity: Int

    init(weights: _EfficientNetWeights) {
        let size = EfficientNetLiteEncoder.inputSize
        var (height, width) = (_Convolution.same(size: size, kernel: 3, stride: 2).output, 0)
        width = height
        var capacity = height * width * _EfficientNetWeights.stemChannels
        for block in weights.blocks {
            capacity = max(capacity, height * width * block.expandedChannels)
            height = _Convolution.same(size: height, kernel: block.kernel, stride: block.stride).output
            width = _Convolution.same(size: width, kernel: block.kernel, stride: block.stride).output
            capacity = max(capacity, height * width * block.expandedChannels)
        }
        capacity = max(capacity, height * width * _EfficientNetWeights.featureCount)
        self.capacity = capacity
        image = .allocate(capacity: size * size * 3)
        let stemPixels = _Convolution.same(size: size, kernel: 3, stride: 2).output
        patches = .allocate(capacity: stemPixels * stemPixels * 27)
        buffers = (0..<4).map { _ in .allocate(capacity: capacity) }
    }

    deinit {
        image.deallocate()
        patches.deallocate()
        for buffer in buffers { buffer.deallocate() }
    }

    /// Runs the network on ``image`` and writes the 1,280 pooled features (the mean over
    /// pixels of the head's ReLU6 output) to `features`.
    ///
    /// Layers are split into fixed chunks of rows (independent of the thread count) that
    /// run one after another or spread over ``Parallel`` (`parallel`), so the result is
    /// the same either way.
    func run(_ weights: _EfficientNetWeights, features: UnsafeMutablePointer<Float>, parallel: Bool) {
        func chunks(_ range: Range<Int>, _ grainSize: Int, _ body: (Range<Int>) -> Void) {
            Self.forEachChunk(of: range, grainSize: grainSize, parallel: parallel, body)
        }
        let size = EfficientNetLiteEncoder.inputSize
        var current = buffers[0]
        var next = buffers[1]
        let expanded = buffers[2]
        let filtered = buffers[3]
        let image = self.image, patches = self.patches
        var height = _Convolution.same(size: size, kernel: 3, stride: 2).output
        var width = height
        do {
            let output = current
            chunks(0..<height, 8) { rows in
                _Convolution.stem(
                    image, size: size, rows: rows, weights.stem, outputs: _EfficientNetWeights.stemChannels,
                    patches: patches, into: output)
            }
        }
        for block in weights.blocks {
            let input = current
            var source = UnsafePointer(input)
            if let expansion = block.expansion {
                chunks(0..<(height * width), 1024) { rows in
                    _Convolution.pointwise(
                        input, rows: rows, inputs: block.inputChannels, expansion, outputs: block.expandedChannels,
                        clamping: true, shortcut: nil, into: expanded)
                }
                source = UnsafePointer(expanded)
            }
            let outputHeight = _Convolution.same(size: height, kernel: block.kernel, stride: block.stride).output
            let outputWidth = _Convolution.same(size: width, kernel: block.kernel, stride: block.stride).output
            let (inputHeight, inputWidth, depthwiseSource) = (height, width, source)
            chunks(0..<outputHeight, max(1, 4096 / (outputWidth * block.expandedChannels / 8))) { rows in
                _Convolution.depthwise(
                    depthwiseSource, height: inputHeight, width: inputWidth, channels: block.expandedChannels,
                    kernel: block.kernel, stride: block.stride, block.depthwise, rows: rows, into: filtered)
            }
            let output = next
            let shortcut: UnsafePointer<Float>? = block.hasShortcut ? UnsafePointer(input) : nil
            chunks(0..<(outputHeight * outputWidth), 1024) { rows in
                _Convolution.pointwise(
                    filtered, rows: rows, inputs: block.expandedChannels, block.projection,
                    outputs: block.outputChannels, clamping: false, shortcut: shortcut, into: output)
            }
            (current, next) = (next, current)
            (height, width) = (outputHeight, outputWidth)
        }
        let input = current, channels = weights.blocks.last!.outputChannels
        chunks(0..<(height * width), 1024) { rows in
            _Convolution.pointwise(
                input, rows: rows, inputs: channels, weights.head, outputs: _EfficientNetWeights.featureCount,
                clamping: true, shortcut: nil, into: expanded)
        }
        let count = _EfficientNetWeights.featureCount
        features.initialize(repeating: 0, count: count)
        for pixel in 0..<(height * width) {
            let row = expanded + pixel * count
            for channel in 0..<count { features[channel] += row[channel] }
        }
        let scale = 1 / Float(height * width)
        for channel in 0..<count { features[channel] *= scale }
    }
}
