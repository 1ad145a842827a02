/// 64-bit FNV-1a over the UTF-8 bytes of `text`, seeded with `seed`: a hash that is the
/// same in every process (Swift's `Hasher` is randomly seeded per process).
@inline(__always)
func _stableHash(_ text: Substring, seed: UInt64 = 0) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash &*= 0x0000_0100_0000_01b3
    }
    // A final avalanche so that nearby strings spread over the buckets.
    hash ^= hash >> 33
    hash &*= 0xff51_afd7_ed55_8ccd
    hash ^= hash >> 33
    return hash
}

@inline(__always)
func _stableHash(_ text: String, seed: UInt64 = 0) -> UInt64 { _stableHash(text[...], seed: seed) }

/// The same hash as ``_stableHash(_:seed:)`` of the UTF-8 encoding of `scalars`,
/// computed without building a string.
@inline(__always)
func _stableHash(_ scalars: ArraySlice<Unicode.Scalar>, seed: UInt64) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
    for scalar in scalars {
        for byte in scalar.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
    }
    hash ^= hash >> 33
    hash &*= 0xff51_afd7_ed55_8ccd
    hash ^= hash >> 33
    return hash
}
