import FeatureEncoding
import ImageDecoding
import Testing

@Suite("RGBImage.pngBytes")
struct RGBImagePNGTests {
    @Test("a scrambled image survives PNG encoding and decoding exactly", arguments: [(1, 1), (7, 5), (64, 3)])
    func roundTrip(width: Int, height: Int) throws {
        let pixels = (0..<width * height * 3).map { UInt8(truncatingIfNeeded: ($0 &+ width) &* 2_654_435_761 >> 13) }
        let image = try #require(RGBImage(width: width, height: height, pixels: pixels))
        let bytes = try image.pngBytes()
        #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let decoded = try ImageDecoder().decode(bytes)
        #expect(decoded.width == width && decoded.height == height && decoded.pixels == pixels)
    }
}
