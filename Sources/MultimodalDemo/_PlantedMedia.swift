import AudioEmbedding
import FeatureEncoding
import LinearAlgebra

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The pictures and sounds of ``PlantedMultimodalCatalogue``: each category's shape,
/// colour, pitch and rhythm, drawn with per-item jitter.
enum _PlantedMedia {
    /// Red, green, blue, yellow, purple, cyan.
    static let colours: [(Double, Double, Double)] = [
        (220, 40, 40), (40, 160, 40), (40, 70, 220), (230, 200, 30), (160, 40, 180), (30, 180, 190),
    ]
    /// Pitches in Hz, a fifth or more apart.
    static let pitches: [Double] = [196, 294, 440, 659, 988, 1480]
    /// Pulses per second.
    static let rhythms: [Double] = [2, 3, 5, 8, 12, 4]

    /// A `side × side` picture of `category`'s shape (disc, square, triangle, ring,
    /// stripes, cross) in its colour on a random pastel background.
    static func picture(category: Int, side: Int, using random: inout SplitMix64) -> RGBImage {
        let background = (0..<3).map { _ in Double.random(in: 170...255, using: &random) }
        let base = colours[category]
        let colour = [base.0, base.1, base.2].map { max(0, min(255, $0 + Double.random(in: -25...25, using: &random))) }
        let s = Double(side)
        let cx = s / 2 + Double.random(in: -s / 8...s / 8, using: &random)
        let cy = s / 2 + Double.random(in: -s / 8...s / 8, using: &random)
        let r = s * Double.random(in: 0.25...0.38, using: &random)
        var pixels = [UInt8](repeating: 0, count: side * side * 3)
        for y in 0..<side {
            for x in 0..<side {
                let dx = Double(x) + 0.5 - cx, dy = Double(y) + 0.5 - cy
                let inside: Bool
                switch category {
                case 0: inside = dx * dx + dy * dy <= r * r
                case 1: inside = abs(dx) <= r * 0.85 && abs(dy) <= r * 0.85
                case 2: inside = dy <= r * 0.8 && dy >= -r && abs(dx) <= (dy + r) * 0.6
                case 3: inside = (dx * dx + dy * dy).squareRoot() <= r && (dx * dx + dy * dy).squareRoot() >= r * 0.6
                case 4: inside = abs(dx) <= r && abs(dy) <= r && Int(((dy + r) / (r / 2.5)).rounded(.down)) % 2 == 0
                default: inside = (abs(dx) <= r * 0.3 && abs(dy) <= r) || (abs(dy) <= r * 0.3 && abs(dx) <= r)
                }
                for channel in 0..<3 {
                    let value = (inside ? colour[channel] : background[channel]) + Double.random(in: -10...10, using: &random)
                    pixels[(y * side + x) * 3 + channel] = UInt8(max(0, min(255, value.rounded())))
                }
            }
        }
        return RGBImage(width: side, height: side, pixels: pixels)!
    }

    /// A clip of `category`'s pitch (with its second harmonic), pulsed at its rhythm with
    /// a raised-cosine envelope, plus white noise.
    static func clip(category: Int, seconds: Double, sampleRate: Int, using random: inout SplitMix64) -> AudioClip {
        let pitch = pitches[category] * Double.random(in: 0.98...1.02, using: &random)
        let rate = rhythms[category]
        let phase = Double.random(in: 0..<1, using: &random)
        let noise = Double.random(in: 0.01...0.05, using: &random)
        let count = Int((seconds * Double(sampleRate)).rounded())
        var samples = [Float](repeating: 0, count: count)
        for index in 0..<count {
            let t = Double(index) / Double(sampleRate)
            let beat = (t * rate + phase).truncatingRemainder(dividingBy: 1)
            let envelope = beat < 0.5 ? 0.5 - 0.5 * cos(4 * .pi * beat) : 0
            let tone = sin(2 * .pi * pitch * t) + 0.4 * sin(4 * .pi * pitch * t)
            samples[index] = Float(0.5 * envelope * tone + noise * Double.random(in: -1...1, using: &random))
        }
        return AudioClip(samples: samples, sampleRate: sampleRate)
    }
}
