/// An encoder of images given as decoded pixels (``RGBImage``), encoded bytes, or a
/// host-defined reference such as a file path (`ImageDecoding`'s `ImageFileEncoder`).
///
/// A feature pipeline's image column names an `any ImageEncoder<String>`: an encoder over
/// file paths that the host supplies.
public protocol ImageEncoder<Input>: FeatureEncoder {}
