/// A small, fast, seedable random number generator (Steele, Lea and Flood 2014).
///
/// Every seeded operation in FusionRec draws from this generator, so results are
/// reproducible across runs and platforms for a given seed.
///
/// [Steele 2014]: https://doi.org/10.1145/2714064.2660195
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
