/// The sample encodings the decoder reads.
enum _SampleEncoding {
    case unsignedInteger8, integer16, integer24, integer32, float32, float64
}

@inline(__always)
func _readUInt16(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int) -> Int {
    Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
}

@inline(__always)
func _readUInt32(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int) -> Int {
    Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16 | Int(bytes[offset + 3]) << 24
}

/// The tail shared by the KSDATAFORMAT_SUBTYPE GUIDs (PCM, IEEE float) after their
/// four-byte little-endian format code: 00000000-0010-0080-00AA-00389B71 as stored.
private let _subformatSuffix: [UInt8] = [0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]

/// Parses RIFF/WAVE bytes into a mono clip; see ``WAVDecoder`` for the rules.
func _decodeWAV(
    _ bytes: UnsafeBufferPointer<UInt8>, source: String, maximumFrameCount: Int
) throws(AudioEmbeddingError) -> AudioClip {
    guard bytes.count >= 12, bytes[0] == 0x52, bytes[1] == 0x49, bytes[2] == 0x46, bytes[3] == 0x46,
        bytes[8] == 0x57, bytes[9] == 0x41, bytes[10] == 0x56, bytes[11] == 0x45
    else { throw .notWAV(source: source) }

    var format: (encoding: _SampleEncoding, channels: Int, sampleRate: Int, blockAlign: Int)?
    var data: (offset: Int, count: Int)?
    var offset = 12
    while offset + 8 <= bytes.count {
        let id = String(decoding: UnsafeBufferPointer(rebasing: bytes[offset..<offset + 4]), as: UTF8.self)
        let size = _readUInt32(bytes, offset + 4)
        let body = offset + 8
        let remaining = bytes.count - body
        if id == "data" {
            guard format != nil else {
                throw .malformedWAV(source: source, offset: offset, reason: "the data chunk comes before the fmt chunk")
            }
            guard size <= remaining else {
                throw .malformedWAV(
                    source: source, offset: offset,
                    reason: "the data chunk declares \(size) bytes but only \(remaining) follow")
            }
            data = (body, size)
            break
        }
        guard size <= remaining else {
            throw .malformedWAV(
                source: source, offset: offset, reason: "chunk '\(id)' declares \(size) bytes but only \(remaining) follow")
        }
        if id == "fmt " {
            guard format == nil else { throw .malformedWAV(source: source, offset: offset, reason: "a second fmt chunk") }
            format = try _parseFormat(bytes, body: body, size: size, chunkOffset: offset, source: source)
        }
        offset = body + size + (size & 1)
    }
    guard let format else { throw .malformedWAV(source: source, offset: offset, reason: "no fmt chunk") }
    guard let data else { throw .malformedWAV(source: source, offset: offset, reason: "no data chunk") }

    let frameCount = data.count / format.blockAlign
    guard frameCount > 0 else { throw .emptyAudio(source: source) }
    guard frameCount <= maximumFrameCount else {
        throw .tooLong(source: source, frameCount: frameCount, limit: maximumFrameCount)
    }
    let channels = format.channels
    let bytesPerSample = format.blockAlign / channels
    let scale = 1 / Float(channels)
    var samples = [Float](repeating: 0, count: frameCount)
    var nonFinite: Int?
    samples.withUnsafeMutableBufferPointer { out in
        for frame in 0..<frameCount {
            var position = data.offset + frame * format.blockAlign
            var sum: Float = 0
            for _ in 0..<channels {
                let value: Float
                switch format.encoding {
                case .unsignedInteger8:
                    value = Float(Int(bytes[position]) - 128) / 128
                case .integer16:
                    value = Float(Int16(bitPattern: UInt16(_readUInt16(bytes, position)))) / 32768
                case .integer24:
                    let raw = Int32(bitPattern: UInt32(bytes[position]) << 8 | UInt32(bytes[position + 1]) << 16
                        | UInt32(bytes[position + 2]) << 24)
                    value = Float(raw >> 8) / 8_388_608
                case .integer32:
                    value = Float(Int32(bitPattern: UInt32(_readUInt32(bytes, position)))) / 2_147_483_648
                case .float32:
                    value = Float(bitPattern: UInt32(_readUInt32(bytes, position)))
                case .float64:
                    let low = UInt64(_readUInt32(bytes, position)), high = UInt64(_readUInt32(bytes, position + 4))
                    value = Float(Double(bitPattern: high << 32 | low))
                }
                sum += value
                position += bytesPerSample
            }
            let mixed = channels == 1 ? sum : sum * scale
            if !mixed.isFinite, nonFinite == nil { nonFinite = frame }
            out[frame] = mixed
        }
    }
    if let nonFinite { throw .nonFiniteSample(source: source, index: nonFinite) }
    return AudioClip(samples: samples, sampleRate: format.sampleRate)
}

/// Reads a `fmt ` chunk (plain or `WAVE_FORMAT_EXTENSIBLE`) and checks it is consistent.
private func _parseFormat(
    _ bytes: UnsafeBufferPointer<UInt8>, body: Int, size: Int, chunkOffset: Int, source: String
) throws(AudioEmbeddingError) -> (encoding: _SampleEncoding, channels: Int, sampleRate: Int, blockAlign: Int) {
    guard size >= 16 else {
        throw .malformedWAV(source: source, offset: chunkOffset, reason: "the fmt chunk holds \(size) bytes, fewer than 16")
    }
    var tag = _readUInt16(bytes, body)
    let channels = _readUInt16(bytes, body + 2)
    let sampleRate = _readUInt32(bytes, body + 4)
    let blockAlign = _readUInt16(bytes, body + 12)
    let bits = _readUInt16(bytes, body + 14)
    if tag == 0xFFFE {
        guard size >= 40 else {
            throw .malformedWAV(
                source: source, offset: chunkOffset, reason: "an extensible fmt chunk of \(size) bytes, fewer than 40")
        }
        let guid = body + 24
        guard _readUInt16(bytes, guid + 2) == 0,
            (0..<12).allSatisfy({ bytes[guid + 4 + $0] == _subformatSuffix[$0] })
        else { throw .unsupportedEncoding(source: source, reason: "an extensible sub-format that is not a standard GUID") }
        tag = _readUInt16(bytes, guid)
    }
    guard channels > 0 else { throw .malformedWAV(source: source, offset: chunkOffset, reason: "0 channels") }
    guard sampleRate > 0 else { throw .malformedWAV(source: source, offset: chunkOffset, reason: "a sample rate of 0") }
    let encoding: _SampleEncoding
    switch (tag, bits) {
    case (1, 8): encoding = .unsignedInteger8
    case (1, 16): encoding = .integer16
    case (1, 24): encoding = .integer24
    case (1, 32): encoding = .integer32
    case (3, 32): encoding = .float32
    case (3, 64): encoding = .float64
    case (1, _), (3, _):
        throw .unsupportedEncoding(source: source, reason: "\(bits)-bit \(tag == 1 ? "integer PCM" : "float") samples")
    default:
        throw .unsupportedEncoding(source: source, reason: "format code \(tag) (only PCM and IEEE float are read)")
    }
    guard blockAlign == channels * (bits / 8) else {
        throw .malformedWAV(
            source: source, offset: chunkOffset,
            reason: "block align \(blockAlign) does not match \(channels) channels of \(bits) bits")
    }
    return (encoding, channels, sampleRate, blockAlign)
}
