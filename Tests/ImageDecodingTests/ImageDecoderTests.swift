import FeatureEncoding
import Foundation
import ImageDecoding
import Testing

/// The reference images shared with ImageEmbeddingTests, with the hash of the pixels
/// Pillow decodes from each.
private enum Fixtures {
    struct Image: Decodable, Sendable {
        let file: String
        let width: Int
        let height: Int
        let pixels_fnv1a: String
    }

    struct Reference: Decodable, Sendable {
        let images: [Image]
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("ImageEmbeddingTests/Fixtures").path

    static let images: [Image] = {
        let url = URL(fileURLWithPath: directory + "/reference.json")
        return try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: url)).images
    }()

    static func bytes(_ file: String) -> [UInt8] {
        [UInt8](try! Data(contentsOf: URL(fileURLWithPath: directory + "/images/" + file)))
    }

    static func fnv1a(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        let text = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}

@Suite("ImageDecoder")
struct ImageDecoderTests {
    @Test(
        "decodes every fixture to exactly the pixels Pillow's convert(\"RGB\") gives",
        arguments: Fixtures.images.map(\.file))
    func matchesPillow(file: String) throws {
        let expected = try #require(Fixtures.images.first { $0.file == file })
        let image = try ImageDecoder().decode(contentsOf: Fixtures.directory + "/images/" + file)
        #expect(image.width == expected.width && image.height == expected.height)
        #expect(Fixtures.fnv1a(image.pixels) == expected.pixels_fnv1a)
    }

    @Test("a file that is neither JPEG nor PNG throws unknownFormat naming the source")
    func unknownFormat() {
        #expect(throws: ImageDecodingError.unknownFormat(source: "notes.txt")) {
            try ImageDecoder().decode(Array("hello, world".utf8), source: "notes.txt")
        }
        #expect(throws: ImageDecodingError.unknownFormat(source: "<memory>")) {
            try ImageDecoder().decode([])
        }
    }

    @Test("truncated and corrupted files throw corruptImage, never crash", arguments: ["rocket.jpg", "noise.png"])
    func corrupt(file: String) {
        let bytes = Fixtures.bytes(file)
        let format = file.hasSuffix(".jpg") ? "JPEG" : "PNG"
        for cut in [bytes.count / 2, 40, 12] {
            do {
                let image = try ImageDecoder().decode(Array(bytes.prefix(cut)), source: file)
                Issue.record("\(file) cut to \(cut) bytes decoded to \(image.width) × \(image.height) pixels")
            } catch {
                guard case .corruptImage(let source, let kind, let reason) = error else {
                    Issue.record("\(file) cut to \(cut) bytes threw \(error)")
                    continue
                }
                #expect(source == file && kind == format && !reason.isEmpty, "\(error)")
            }
        }
        var scrambled = bytes
        var state: UInt64 = 17
        for index in stride(from: 100, to: scrambled.count, by: 7) {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            scrambled[index] = UInt8(truncatingIfNeeded: state >> 33)
        }
        // Scrambled entropy-coded data may still decode (JPEG resynchronises); it must not crash.
        _ = try? ImageDecoder().decode(scrambled, source: file)
    }

    @Test("an image above the pixel limit is refused from its header")
    func pixelLimit() {
        #expect {
            try ImageDecoder(maximumPixelCount: 1000).decode(Fixtures.bytes("astronaut.jpg"), source: "a.jpg")
        } throws: { error in
            guard case .imageTooLarge(let source, _)? = error as? ImageDecodingError else { return false }
            return source == "a.jpg"
        }
        #expect(throws: Never.self) { try ImageDecoder(maximumPixelCount: 1).decode(Fixtures.bytes("one-pixel.png")) }
    }

    @Test("a missing file throws fileNotFound, a directory unreadableFile")
    func files() {
        #expect(throws: ImageDecodingError.fileNotFound(path: "/nonexistent/image.jpg")) {
            try ImageDecoder().decode(contentsOf: "/nonexistent/image.jpg")
        }
        #expect(throws: ImageDecodingError.unreadableFile(path: Fixtures.directory, reason: "is a folder, not a file")) {
            try ImageDecoder().decode(contentsOf: Fixtures.directory)
        }
    }

    @Test("grayscale decodes to three equal channels, the one-pixel PNG to its colour")
    func colours() throws {
        let gray = try ImageDecoder().decode(Fixtures.bytes("camera-gray.png"))
        for pixel in stride(from: 0, to: gray.pixels.count, by: 3) {
            #expect(gray.pixels[pixel] == gray.pixels[pixel + 1] && gray.pixels[pixel] == gray.pixels[pixel + 2])
        }
        let one = try ImageDecoder().decode(Fixtures.bytes("one-pixel.png"))
        #expect(one.pixels == [200, 30, 90])
    }
}
