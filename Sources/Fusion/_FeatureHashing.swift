/// 64-bit FNV-1a with a final avalanche: a hash that is the same in every process (Swift's
/// `Hasher` is randomly seeded per process).
struct _StableHasher {
    private var hash: UInt64

    @inline(__always)
    init(seed: UInt64) { hash = 0xcbf2_9ce4_8422_2325 ^ seed }

    @inline(__always)
    mutating func combine(_ byte: UInt8) {
        hash ^= UInt64(byte)
        hash &*= 0x0000_0100_0000_01b3
    }

    /// Adds the UTF-8 encoding of `scalar`.
    @inline(__always)
    mutating func combine(_ scalar: Unicode.Scalar) {
        if scalar.value < 0x80 {
            combine(UInt8(truncatingIfNeeded: scalar.value))
        } else {
            for byte in scalar.utf8 { combine(byte) }
        }
    }

    /// The hash, mixed so that nearby inputs spread over the buckets.
    @inline(__always)
    func finalize() -> UInt64 {
        var result = hash
        result ^= result >> 33
        result &*= 0xff51_afd7_ed55_8ccd
        result ^= result >> 33
        return result
    }
}

/// The stable hash of the UTF-8 bytes of `text`, seeded with `seed`.
@inline(__always)
func _stableHash(_ text: String, seed: UInt64 = 0) -> UInt64 {
    var hasher = _StableHasher(seed: seed)
    for byte in text.utf8 { hasher.combine(byte) }
    return hasher.finalize()
}
