import LinearAlgebra

/// The convolution kernels of the image network, on channels-last activations: an image
/// of `height × width` pixels and `c` channels is a row-major `(height·width) × c` matrix,
/// so a 1×1 convolution is one GEMM and a depthwise convolution reads contiguous channels.
///
/// Every kernel computes a range of output rows, so callers split a layer into fixed
/// chunks (independent of the thread count) and the result never depends on how many
/// threads ran it.
enum _Convolution {
    /// TensorFlow's "SAME" padding: the output size ⌈size/stride⌉ and the padding before
    /// the first input, ⌊total/2⌋ (the extra pixel of an odd total goes after the last).
    static func same(size: Int, kernel: Int, stride: Int) -> (output: Int, before: Int) {
        let output = (size + stride - 1) / stride
        let total = max((output - 1) * stride + kernel - size, 0)
        return (output, total / 2)
    }

    /// A 1×1 convolution of rows `rows` of `input` (`n × inputs`): `output = input · W + b`,
    /// then ReLU6 when `clamping`, then `+ shortcut` when given.
    ///
    /// - Complexity: O(rows·inputs·outputs) through one GEMM.
    static func pointwise(
        _ input: UnsafePointer<Float>, rows: Range<Int>, inputs: Int,
        _ convolution: _FoldedConvolution, outputs: Int, clamping: Bool,
        shortcut: UnsafePointer<Float>?, into output: UnsafeMutablePointer<Float>
    ) {
        convolution.weights.withUnsafeBufferPointer { weights in
            Matrix<Float>.multiply(
                m: rows.count, n: outputs, k: inputs, input + rows.lowerBound * inputs, lda: inputs,
                weights.baseAddress!, ldb: outputs, into: output + rows.lowerBound * outputs, ldc: outputs)
        }
        convolution.bias.withUnsafeBufferPointer { bias in
            for row in rows {
                let values = output + row * outputs
                if clamping {
                    addBiasClamping(values, bias.baseAddress!, count: outputs)
                } else if let shortcut {
                    addBias(values, bias.baseAddress!, plus: shortcut + row * outputs, count: outputs)
                } else {
                    addBias(values, bias.baseAddress!, plus: nil, count: outputs)
                }
            }
        }
    }

    /// The stem: a 3×3, stride-2 convolution of a 3-channel image, as im2col patches of
    /// output rows `rows` (27 values per pixel, ordered kernel row, kernel column,
    /// channel; `patches` holds room for every output pixel, so concurrent row ranges
    /// write disjoint parts) times the `27 × outputs` weights, then bias and ReLU6.
    ///
    /// - Complexity: O(output pixels in `rows` · 27 · outputs).
    static func stem(
        _ image: UnsafePointer<Float>, size: Int, rows: Range<Int>, _ convolution: _FoldedConvolution,
        outputs: Int, patches: UnsafeMutablePointer<Float>, into output: UnsafeMutablePointer<Float>
    ) {
        let (outputSize, before) = same(size: size, kernel: 3, stride: 2)
        let firstPixel = rows.lowerBound * outputSize
        for y in rows {
            for x in 0..<outputSize {
                let patch = patches + (y * outputSize + x) * 27
                for ky in 0..<3 {
                    let inputY = y * 2 - before + ky
                    for kx in 0..<3 {
                        let inputX = x * 2 - before + kx
                        let slot = patch + (ky * 3 + kx) * 3
                        if inputY >= 0, inputY < size, inputX >= 0, inputX < size {
                            let pixel = image + (inputY * size + inputX) * 3
                            slot[0] = pixel[0]
                            slot[1] = pixel[1]
                            slot[2] = pixel[2]
                        } else {
                            slot[0] = 0
                            slot[1] = 0
                            slot[2] = 0
                        }
                    }
                }
            }
        }
        let pixels = rows.count * outputSize
        convolution.weights.withUnsafeBufferPointer { weights in
            Matrix<Float>.multiply(
                m: pixels, n: outputs, k: 27, patches + firstPixel * 27, lda: 27, weights.baseAddress!, ldb: outputs,
                into: output + firstPixel * outputs, ldc: outputs)
        }
        convolution.bias.withUnsafeBufferPointer { bias in
            for pixel in firstPixel..<(firstPixel + pixels) {
                addBiasClamping(output + pixel * outputs, bias.baseAddress!, count: outputs)
            }
        }
    }

    /// A k×k depthwise convolution with "SAME" padding, bias and ReLU6, for output rows
    /// `rows`: each output pixel accumulates its valid taps over all channels at once,
    /// eight channels per vector.
    ///
    /// - Complexity: O(output pixels in `rows` · k² · channels).
    static func depthwise(
        _ input: UnsafePointer<Float>, height: Int, width: Int, channels: Int, kernel: Int, stride: Int,
        _ convolution: _FoldedConvolution, rows: Range<Int>, into output: UnsafeMutablePointer<Float>
    ) {
        let (outputHeight, top) = same(size: height, kernel: kernel, stride: stride)
        let (outputWidth, left) = same(size: width, kernel: kernel, stride: stride)
        precondition(rows.upperBound <= outputHeight, "Depthwise rows \(rows) exceed the output height \(outputHeight)")
        let vectorChannels = channels - channels % 8
        let six = SIMD8<Float>(repeating: 6)
        convolution.weights.withUnsafeBufferPointer { weightBuffer in
            convolution.bias.withUnsafeBufferPointer { biasBuffer in
                let weights = UnsafeRawPointer(weightBuffer.baseAddress!)
                let bias = UnsafeRawPointer(biasBuffer.baseAddress!)
                let source = UnsafeRawPointer(input)
                for y in rows {
                    let inputY = y * stride - top
                    let firstRow = max(0, -inputY)
                    let lastRow = min(kernel, height - inputY)
                    for x in 0..<outputWidth {
                        let inputX = x * stride - left
                        let firstColumn = max(0, -inputX)
                        let lastColumn = min(kernel, width - inputX)
                        let target = UnsafeMutableRawPointer(output + (y * outputWidth + x) * channels)
                        var channel = 0
                        while channel < vectorChannels {
                            let offset = channel * 4
                            var sum = bias.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                            for ky in firstRow..<lastRow {
                                let rowOffset = ((inputY + ky) * width + inputX) * channels * 4 + offset
                                let tapOffset = ky * kernel * channels * 4 + offset
                                for kx in firstColumn..<lastColumn {
                                    let value = source.loadUnaligned(
                                        fromByteOffset: rowOffset + kx * channels * 4, as: SIMD8<Float>.self)
                                    let weight = weights.loadUnaligned(
                                        fromByteOffset: tapOffset + kx * channels * 4, as: SIMD8<Float>.self)
                                    sum += value * weight
                                }
                            }
                            sum = pointwiseMin(pointwiseMax(sum, .zero), six)
                            target.storeBytes(of: sum, toByteOffset: offset, as: SIMD8<Float>.self)
                            channel += 8
                        }
                        while channel < channels {
                            var sum = biasBuffer[channel]
                            for ky in firstRow..<lastRow {
                                for kx in firstColumn..<lastColumn {
                                    sum += input[((inputY + ky) * width + inputX + kx) * channels + channel]
                                        * weightBuffer[(ky * kernel + kx) * channels + channel]
                                }
                            }
                            output[(y * outputWidth + x) * channels + channel] = min(max(sum, 0), 6)
                            channel += 1
                        }
                    }
                }
            }
        }
    }

    /// `values ← min(max(values + bias, 0), 6)`.
    static func addBiasClamping(_ values: UnsafeMutablePointer<Float>, _ bias: UnsafePointer<Float>, count: Int) {
        var index = 0
        let six = SIMD8<Float>(repeating: 6)
        let target = UnsafeMutableRawPointer(values)
        let shift = UnsafeRawPointer(bias)
        while index + 8 <= count {
            let sum = target.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
                + shift.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
            target.storeBytes(of: pointwiseMin(pointwiseMax(sum, .zero), six), toByteOffset: index * 4, as: SIMD8<Float>.self)
            index += 8
        }
        while index < count {
            values[index] = min(max(values[index] + bias[index], 0), 6)
            index += 1
        }
    }

    /// `values ← values + bias (+ shortcut)`.
    static func addBias(
        _ values: UnsafeMutablePointer<Float>, _ bias: UnsafePointer<Float>, plus shortcut: UnsafePointer<Float>?,
        count: Int
    ) {
        if let shortcut {
            for index in 0..<count { values[index] += bias[index] + shortcut[index] }
        } else {
            for index in 0..<count { values[index] += bias[index] }
        }
    }
}
