/// The 64-bit FNV-1a hash, the checksum of model-file sections: any change of a single
/// byte changes it, because each step is a bijection of the state.
func _fnv1a64(_ bytes: some Sequence<UInt8>, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
    var hash = seed
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return hash
}

/// ``_fnv1a64(_:seed:)`` over a raw buffer, without a per-byte iterator.
func _fnv1a64(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
    var hash = seed
    for index in 0..<bytes.count { hash = (hash ^ UInt64(bytes[index])) &* 0x100_0000_01b3 }
    return hash
}
