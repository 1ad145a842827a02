/// An encoder of audio clips given as encoded bytes or a host-defined reference.
public protocol AudioEncoder: FeatureEncoder {}
