import FeatureEncoding
import Testing

@testable import ImageEmbedding

@Suite("Image network kernels")
struct ConvolutionTests {
    @Test("TensorFlow SAME padding: output ⌈n/s⌉, the odd pixel after the input")
    func samePadding() {
        #expect(_Convolution.same(size: 224, kernel: 3, stride: 2) == (112, 0))
        #expect(_Convolution.same(size: 56, kernel: 5, stride: 2) == (28, 1))
        #expect(_Convolution.same(size: 14, kernel: 5, stride: 1) == (14, 2))
        #expect(_Convolution.same(size: 7, kernel: 3, stride: 2) == (4, 1))
    }

    /// A seeded stream of small values.
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int(state >> 40) % 2001 - 1000) / 500
        }
    }

    @Test(
        "the vectorised depthwise kernel equals a direct loop with explicit zero padding",
        arguments: [(7, 9, 19, 3, 1), (12, 10, 16, 5, 2), (5, 6, 8, 3, 2), (3, 4, 27, 5, 1)])
    func depthwise(height: Int, width: Int, channels: Int, kernel: Int, stride: Int) {
        let input = Self.values(height * width * channels, seed: 1)
        let convolution = _FoldedConvolution(
            weights: Self.values(kernel * kernel * channels, seed: 2), bias: Self.values(channels, seed: 3))
        let (outputHeight, top) = _Convolution.same(size: height, kernel: kernel, stride: stride)
        let (outputWidth, left) = _Convolution.same(size: width, kernel: kernel, stride: stride)
        var output = [Float](repeating: .nan, count: outputHeight * outputWidth * channels)
        input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                for row in 0..<outputHeight {
                    _Convolution.depthwise(
                        source.baseAddress!, height: height, width: width, channels: channels, kernel: kernel,
                        stride: stride, convolution, rows: row..<(row + 1), into: target.baseAddress!)
                }
            }
        }
        for y in 0..<outputHeight {
            for x in 0..<outputWidth {
                for c in 0..<channels {
                    var sum = convolution.bias[c]
                    for ky in 0..<kernel {
                        for kx in 0..<kernel {
                            let (iy, ix) = (y * stride - top + ky, x * stride - left + kx)
                            let value: Float =
                                iy >= 0 && iy < height && ix >= 0 && ix < width
                                ? input[(iy * width + ix) * channels + c] : 0
                            sum += value * convolution.weights[(ky * kernel + kx) * channels + c]
                        }
                    }
                    let expected = min(max(sum, 0), 6)
                    let actual = output[(y * outputWidth + x) * channels + c]
                    #expect(abs(actual - expected) <= 1e-5, "(\(y), \(x), \(c)): \(actual) vs \(expected)")
                }
            }
        }
    }

    @Test("resize taps sum to one and stay inside the source, for up- and downscaling", arguments: [1, 2, 7, 196, 448, 900])
    func resizeTaps(source: Int) {
        let taps = EfficientNetLiteEncoder.resizeTaps(from: source, to: 224)
        for output in 0..<224 {
            let weights = taps.weights[(output * 4)..<(output * 4 + 4)]
            #expect(abs(weights.reduce(0, +) - 1) < 1e-5)
            #expect(taps.indices[(output * 4)..<(output * 4 + 4)].allSatisfy { $0 >= 0 && $0 < source })
        }
    }

    @Test("preprocessing: a flat colour stays flat and is normalised as (v − 127)/128")
    func flatColour() throws {
        for (width, height) in [(1, 1), (300, 40), (17, 500)] {
            let image = try #require(
                RGBImage(
                    width: width, height: height,
                    pixels: Array(repeating: [255, 127, 0], count: width * height).flatMap { $0 }))
            let values = EfficientNetLiteEncoder.preprocessed(image)
            #expect(values.count == 224 * 224 * 3)
            for pixel in stride(from: 0, to: values.count, by: 3) {
                #expect(abs(values[pixel] - 1) < 1e-5 && abs(values[pixel + 1]) < 1e-5)
                #expect(abs(values[pixel + 2] + 127.0 / 128) < 1e-5)
            }
        }
    }

    @Test("preprocessing crops the centre: the border outside the 0.875 crop never shows")
    func centreCrop() throws {
        // 256 × 256: the crop is 224 × 224 at offset 16, so resizing is the identity.
        let side = 256
        var pixels = [UInt8](repeating: 0, count: side * side * 3)
        for y in 0..<side {
            for x in 0..<side where (16..<240).contains(y) && (16..<240).contains(x) {
                pixels[(y * side + x) * 3] = UInt8((x + y) % 256)
            }
        }
        let values = EfficientNetLiteEncoder.preprocessed(try #require(RGBImage(width: side, height: side, pixels: pixels)))
        for y in 0..<224 {
            for x in 0..<224 {
                #expect(values[(y * 224 + x) * 3] == (Float((x + 16 + y + 16) % 256) - 127) / 128)
            }
        }
    }

    @Test("RGBImage refuses sizes that do not match its bytes")
    func imageValidation() {
        #expect(RGBImage(width: 0, height: 1, pixels: []) == nil)
        #expect(RGBImage(width: 2, height: 1, pixels: [1, 2, 3]) == nil)
        #expect(RGBImage(width: 1, height: 1, pixels: [1, 2, 3]) != nil)
    }
}
