import FeatureEncoding
import ImageDecoding

/// Decodes the input as a JPEG (the input's first bytes are forced to the JPEG signature,
/// so every input reaches libjpeg through the shim): any failure must be a thrown
/// `ImageDecodingError`, and a decoded image must hold exactly width × height × 3 bytes.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzJPEG(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: count))
    if bytes.count >= 3 { bytes.replaceSubrange(0..<3, with: [0xFF, 0xD8, 0xFF]) }
    if let image = try? ImageDecoder(maximumPixelCount: 4_000_000).decode(bytes, source: "fuzz.jpg") {
        precondition(image.pixels.count == image.width * image.height * 3, "decoded size mismatch")
    }
    return 0
}
