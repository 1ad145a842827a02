/// An encoder of images given as encoded bytes (PNG, JPEG) or a host-defined reference.
public protocol ImageEncoder: FeatureEncoder {}
