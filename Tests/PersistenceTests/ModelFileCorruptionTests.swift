import Factorization
import Fusion
import LinearAlgebra
@testable import Persistence
import Testing

/// Loads `bytes` as the model kind the file claims and returns the error, if any.
private func loadError(_ bytes: [UInt8], joint: Bool) -> ModelFileError? {
    do {
        if joint { _ = try JointFactorizationModel<Float, Int, Int>(modelFileBytes: bytes) }
        else { _ = try MatrixFactorizationModel<Float, Int, Int>(modelFileBytes: bytes) }
        return nil
    } catch {
        return error
    }
}

/// The file with its sections replaced by `edit` and re-encoded with valid checksums.
private func rewritten(_ bytes: [UInt8], _ edit: (inout [(name: String, payload: [UInt8])]) -> Void) throws -> [UInt8] {
    let sections = try ModelFile.sections(of: bytes)
    var list = sectionTable(bytes).map { (name: $0.name, payload: Array(sections[$0.name]!)) }
    edit(&list)
    return ModelFile.encode(list)
}

private func editMeta(_ bytes: [UInt8], _ key: String, _ value: String) throws -> [UInt8] {
    try rewritten(bytes) { sections in
        let index = sections.firstIndex { $0.name == "meta" }!
        let lines = String(decoding: sections[index].payload, as: UTF8.self).split(separator: "\n")
            .map { $0.hasPrefix(key + "=") ? "\(key)=\(value)" : String($0) }
        sections[index].payload = Array((lines.joined(separator: "\n") + "\n").utf8)
    }
}

/// Overwrites a little-endian u64 (or fewer bytes) and recomputes the header checksum.
private func patched(_ bytes: [UInt8], at offset: Int, _ value: UInt64, size: Int = 8) -> [UInt8] {
    var bytes = bytes
    for index in 0..<size { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
    let count = min(Int(bytes[16]) | Int(bytes[17]) << 8 | Int(bytes[18]) << 16, (bytes.count - 40) / 40)
    let checksum = _fnv1a64(bytes[40..<40 + 40 * count], seed: _fnv1a64(bytes[0..<32]))
    for index in 0..<8 { bytes[32 + index] = UInt8(truncatingIfNeeded: checksum >> (8 * index)) }
    return bytes
}

@Suite("Model file corruption")
struct ModelFileCorruptionTests {
    let files: [(bytes: [UInt8], joint: Bool)]

    init() throws {
        let data = try seededRatings(users: 12, items: 15)
        files = [
            (try trainedModels(data, Float.self)[0].model.modelFileBytes(), false),
            (try trainedJoint(data, Float.self).modelFileBytes(), true),
        ]
    }

    @Test("a flipped byte in any section is a checksum mismatch naming the section")
    func flippedPayloadBytes() throws {
        for (bytes, joint) in files {
            for section in sectionTable(bytes) where section.length > 0 {
                for position in Set([0, section.length / 2, section.length - 1]) {
                    var damaged = bytes
                    damaged[section.offset + position] ^= 0x5A
                    #expect(loadError(damaged, joint: joint) == .checksumMismatch(section: section.name))
                }
            }
        }
    }

    @Test("a flipped padding byte between sections is an inconsistent layout naming its offset")
    func flippedPaddingBytes() throws {
        var checked = 0
        for (bytes, joint) in files {
            let table = sectionTable(bytes)
            var previousEnd = 40 + 40 * table.count
            for section in table {
                for offset in previousEnd..<section.offset {
                    var damaged = bytes
                    damaged[offset] ^= 0x01
                    #expect(loadError(damaged, joint: joint) == .inconsistentLayout(
                        reason: "padding byte at offset \(offset) before section '\(section.name)' is not zero"))
                    checked += 1
                }
                previousEnd = section.offset + section.length
            }
        }
        #expect(checked > 0, "the seeded files have padding to flip")
    }

    @Test("a flipped byte anywhere in the header or table throws a typed error")
    func flippedHeaderBytes() throws {
        for (bytes, joint) in files {
            let tableEnd = 40 + 40 * sectionTable(bytes).count
            for offset in 0..<tableEnd {
                var damaged = bytes
                damaged[offset] ^= 0x01
                let error = loadError(damaged, joint: joint)
                #expect(error != nil, "offset \(offset)")
                if offset >= 40 || (offset >= 20 && offset < 24) || offset >= 32 {
                    #expect(error == .checksumMismatch(section: "section table"), "offset \(offset)")
                }
            }
        }
    }

    @Test("truncation at any length is reported as truncation")
    func truncation() throws {
        for (bytes, joint) in files {
            for length in 0..<bytes.count {
                guard case .truncated(_, let available)? = loadError(Array(bytes.prefix(length)), joint: joint) else {
                    Issue.record("length \(length): \(String(describing: loadError(Array(bytes.prefix(length)), joint: joint)))")
                    return
                }
                #expect(available == length)
            }
        }
    }

    @Test("wrong magic, a future version, another byte order, trailing bytes")
    func headerFields() throws {
        let bytes = files[0].bytes
        var magic = bytes
        magic[0] = UInt8(ascii: "G")
        #expect(loadError(magic, joint: false) == .badMagic)
        #expect(loadError(Array("GIF89a".utf8), joint: false) == .badMagic)
        #expect(loadError(patched(bytes, at: 8, 2, size: 2), joint: false) == .unsupportedVersion(major: 2, minor: 0))
        #expect(loadError(patched(bytes, at: 12, 0x0403_0201, size: 4), joint: false) == .unsupportedByteOrder(marker: 0x0403_0201))
        // A newer minor version of the same major version loads.
        #expect(loadError(patched(bytes, at: 10, 7, size: 2), joint: false) == nil)
        #expect(loadError(bytes + [0], joint: false) == .inconsistentLayout(reason: "1 bytes after the declared end at \(bytes.count)"))
    }

    @Test("lying table entries and counts are refused without allocating")
    func lyingTable() throws {
        let bytes = files[0].bytes
        let table = sectionTable(bytes)
        // Section count far above the limit.
        #expect(loadError(patched(bytes, at: 16, 1_000_000, size: 4), joint: false)
                == .inconsistentLayout(reason: "1000000 sections declared, at most 64 allowed"))
        // A declared file length of 2^62 bytes.
        #expect(loadError(patched(bytes, at: 24, 1 << 62), joint: false) == .truncated(needed: 1 << 62, available: bytes.count))
        // A section length past the end, and one of 2^63.
        for length in [UInt64(bytes.count), 1 << 63, UInt64.max] {
            guard case .inconsistentLayout? = loadError(patched(bytes, at: 40 + 24, length), joint: false) else {
                Issue.record("length \(length) accepted"); continue
            }
        }
        // Overlapping sections: the second starts inside the first.
        guard case .inconsistentLayout? = loadError(patched(bytes, at: 40 + 40 + 16, UInt64(table[0].offset)), joint: false)
        else { Issue.record("overlap accepted"); return }
        // A missing section.
        let dropped = try rewritten(bytes) { $0.removeAll { $0.name == "item-factors" } }
        #expect(loadError(dropped, joint: false) == .missingSection("item-factors"))
        let doubled = try rewritten(bytes) { $0.append($0[1]) }
        #expect(loadError(doubled, joint: false) == .inconsistentLayout(reason: "section 'user-ids' appears twice"))
    }

    @Test("metadata and payloads that disagree are invalid sections")
    func lyingContent() throws {
        let (bytes, _) = files[0]
        let cases: [(String, String, ModelFileError)] = [
            ("users", "1000000000000", .invalidSection(section: "user-ids", reason: "12 ids, the metadata says 1000000000000")),
            ("users", "-1", .invalidSection(section: "meta", reason: "'users' = '-1' is not a count up to 1099511627776")),
            ("factors", "5", .invalidSection(section: "user-factors", reason: "192 bytes for a 12×5 matrix of 4-byte values")),
            ("scalar", "float16", .invalidSection(section: "meta", reason: "'scalar' = 'float16' is not float32 or float64")),
            ("fold-in", "magic", .invalidSection(section: "meta", reason: "unknown fold-in rule 'magic'")),
            ("global-bias", "nan", .invalidSection(section: "meta", reason: "'global-bias' = 'nan' is not a finite number")),
            ("user-biases", "false", .inconsistentLayout(reason: "section 'user-biases' is present but the metadata says none")),
            ("kind", "tensor", .wrongModelKind(expected: "matrix-factorization", found: "tensor")),
        ]
        for (key, value, expected) in cases {
            #expect(loadError(try editMeta(bytes, key, value), joint: false) == expected, "\(key)=\(value)")
        }
        // The container knows no model: it reports the kind, and only a reader of that kind accepts it.
        let tensor = try ModelFile.kind(of: try editMeta(bytes, "kind", "tensor"))
        #expect(tensor == ModelFile.ModelKind(rawValue: "tensor"))
        #expect(![ModelFile.ModelKind.matrixFactorization, .popularity, .jointFactorization].contains(tensor))
        #expect(throws: ModelFileError.invalidSection(section: "meta", reason: "empty model kind")) {
            try ModelFile.kind(of: try editMeta(bytes, "kind", ""))
        }
        // An id count of 2^60 in a short section.
        let ids = try rewritten(bytes) { sections in
            sections[1].payload.replaceSubrange(0..<8, with: [0, 0, 0, 0, 0, 0, 0, 0x10])
        }
        #expect(loadError(ids, joint: false)
                == .invalidSection(section: "user-ids", reason: "1152921504606846976 ids cannot fit in the \(sectionTable(bytes)[1].length - 8) bytes left"))
        // A NaN factor.
        let nan = try rewritten(bytes) { sections in
            let index = sections.firstIndex { $0.name == "item-factors" }!
            withUnsafeBytes(of: Float.nan.bitPattern.littleEndian) { sections[index].payload.replaceSubrange(4..<8, with: $0) }
        }
        #expect(loadError(nan, joint: false) == .invalidSection(section: "item-factors", reason: "non-finite value at row 0, column 1"))
        // A repeated id.
        let repeated = try rewritten(bytes) { sections in
            var writer = _ByteWriter()
            writer.append(UInt64(12))
            for _ in 0..<12 { writer.append("7") }
            sections[1].payload = writer.bytes
        }
        #expect(loadError(repeated, joint: false) == .invalidSection(section: "user-ids", reason: "id '7' repeats at index 1"))
    }

    @Test("lying side sections of a joint model are refused")
    func lyingSides() throws {
        let (bytes, _) = files[1]
        func side(_ edit: (inout [UInt8]) -> Void) throws -> ModelFileError? {
            loadError(try rewritten(bytes) { sections in
                let index = sections.firstIndex { $0.name == "item-side" }!
                edit(&sections[index].payload)
            }, joint: true)
        }
        // Block count 2^40 (after u8 model and two 4-byte regularisations).
        guard case .invalidSection(section: "item-side", _)? = try side({ $0.replaceSubrange(9..<17, with: [0, 0, 0, 0, 0, 1, 0, 0]) })
        else { Issue.record("absurd block count accepted"); return }
        guard case .invalidSection(section: "item-side", _)? = try side({ $0[0] = 7 }) else {
            Issue.record("unknown formulation accepted"); return
        }
        guard case .invalidSection(section: "item-side", _)? = try side({ $0.removeLast() }) else {
            Issue.record("short side accepted"); return
        }
        guard case .invalidSection(section: "item-side", _)? = try side({ $0.append(0) }) else {
            Issue.record("long side accepted"); return
        }
        // A zero weight (block weight follows u8, two scalars, u64 count, u32 name length and the name).
        let nameLength = 6  // "genres"
        let weightOffset = 1 + 4 + 4 + 8 + 4 + nameLength
        guard case .invalidSection(section: "item-side", let reason)? = try side({ $0.replaceSubrange(weightOffset..<weightOffset + 4, with: [0, 0, 0, 0]) })
        else { Issue.record("zero weight accepted"); return }
        #expect(reason.contains("weight"))
        #expect(loadError(try editMeta(bytes, "config.solver", "conjugate-gradient:0"), joint: true) != nil)
        #expect(loadError(try editMeta(bytes, "config.factor-count", "3"), joint: true)
                == .invalidSection(section: "meta", reason: "config.factor-count 3, factors 4"))
    }
}
