/// An encoder of audio clips given as decoded samples, encoded bytes, or a host-defined
/// reference such as a file path (`AudioEmbedding`'s `AudioFileEncoder`).
///
/// A feature pipeline's audio column names an `any AudioEncoder<String>`: an encoder over
/// file paths that the host supplies.
public protocol AudioEncoder<Input>: FeatureEncoder {}
