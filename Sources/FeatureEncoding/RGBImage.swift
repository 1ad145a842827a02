/// An image as decoded 8-bit RGB pixels: the input of image encoders for hosts that
/// decode images themselves.
///
/// Pixels are stored row by row from the top, each pixel as three bytes (red, green,
/// blue), with no padding between rows. The value is `Hashable` by its pixels, so
/// encoding caches key on the picture itself.
public struct RGBImage: Hashable, Sendable {
    /// The width in pixels, at least 1.
    public let width: Int
    /// The height in pixels, at least 1.
    public let height: Int
    /// `width × height × 3` bytes: R, G, B of each pixel, rows top to bottom.
    public let pixels: [UInt8]

    /// An image from interleaved RGB bytes.
    ///
    /// - Returns: `nil` when `width` or `height` is below 1 or `pixels` does not hold
    ///   exactly `width × height × 3` bytes.
    /// - Complexity: O(1).
    public init?(width: Int, height: Int, pixels: [UInt8]) {
        guard width > 0, height > 0 else { return nil }
        let (area, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, area <= Int.max / 3, pixels.count == area * 3 else { return nil }
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}
