import FeatureEncoding
import ImageDecoding

/// Decodes the input as a PNG (the first eight bytes are forced to the PNG signature, so
/// every input reaches libpng through the shim): any failure must be a thrown
/// `ImageDecodingError`, and a decoded image must hold exactly width × height × 3 bytes.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzPNG(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: count))
    if bytes.count >= 8 { bytes.replaceSubrange(0..<8, with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) }
    if let image = try? ImageDecoder(maximumPixelCount: 4_000_000).decode(bytes, source: "fuzz.png") {
        precondition(image.pixels.count == image.width * image.height * 3, "decoded size mismatch")
    }
    return 0
}
