import LinearAlgebra

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Vectors kept on disk between processes, keyed by the SHA-256 of an input's content and
/// the encoder's identifier, so that a second fit over the same files (images, audio
/// clips) decodes and encodes nothing again.
///
/// Each vector is one file, `DIRECTORY/ENCODER/DIGEST.vec`: the folder name is the
/// encoder identifier with characters outside `A–Z a–z 0–9 . _ - @` replaced, followed by
/// 12 hexadecimal digits of its SHA-256 (so two identifiers never share a folder); the
/// file holds the magic `FRV1`, the dimension (u32), the vector (f32, little-endian) and
/// the first 8 bytes of the SHA-256 of everything before them. Writes are atomic (a
/// temporary file renamed into place), so concurrent processes never see half a vector;
/// an entry that is truncated, fails its checksum or has another dimension reads as
/// absent and is overwritten when the vector is computed again.
///
/// The cache never throws: a folder that cannot be created or written only means vectors
/// are computed again next time.
public struct DiskEncodingCache: Sendable, Hashable {
    /// The folder holding one subfolder per encoder.
    public let directory: String

    /// A cache in `directory` (created on first store).
    public init(directory: String) {
        self.directory = directory
    }

    /// `$FUSIONREC_EMBEDDING_CACHE`, else `${XDG_CACHE_HOME:-$HOME/.cache}/fusionrec/embeddings`.
    public static var defaultDirectory: String {
        if let value = environment("FUSIONREC_EMBEDDING_CACHE") { return value }
        let cache = environment("XDG_CACHE_HOME") ?? ((environment("HOME") ?? ".") + "/.cache")
        return cache + "/fusionrec/embeddings"
    }

    /// The SHA-256 of `bytes` as 64 lowercase hexadecimal digits: the key of an input's content.
    ///
    /// - Complexity: O(`bytes.count`).
    public static func contentDigest(of bytes: [UInt8]) -> String { _sha256Hex(bytes) }

    /// The vector stored for content `digest` under `encoderIdentifier`, or `nil` when
    /// there is none, it cannot be read, it is corrupt, or its dimension is not `dimension`.
    ///
    /// - Complexity: O(`dimension`) plus one file read.
    public func vector(forContent digest: String, encoder encoderIdentifier: String, dimension: Int) -> [Float]? {
        guard let bytes = try? _readWholeFile(path(forContent: digest, encoder: encoderIdentifier)) else { return nil }
        let payloadCount = 8 + dimension * 4
        guard dimension > 0, bytes.count == payloadCount + 8, bytes[0..<4].elementsEqual(Self.magic),
              UInt32(littleEndianBytes: bytes[4..<8]) == UInt32(truncatingIfNeeded: dimension),
              Self.checksum(bytes[0..<payloadCount]).elementsEqual(bytes[payloadCount...])
        else { return nil }
        var vector: [Float] = []
        vector.reserveCapacity(dimension)
        for offset in stride(from: 8, to: payloadCount, by: 4) {
            let value = Float(bitPattern: UInt32(littleEndianBytes: bytes[offset..<offset + 4]))
            guard value.isFinite else { return nil }
            vector.append(value)
        }
        return vector
    }

    /// Stores `vector` for content `digest` under `encoderIdentifier`, replacing any entry.
    ///
    /// - Returns: whether the entry was written (`false` when the folder cannot be created
    ///   or the file cannot be written; the fit goes on without it).
    /// - Complexity: O(`vector.count`) plus one atomic file write.
    @discardableResult
    public func store(_ vector: [Float], forContent digest: String, encoder encoderIdentifier: String) -> Bool {
        guard !vector.isEmpty, vector.count <= Int(UInt32.max) / 4 else { return false }
        let folder = directory + "/" + Self.folderName(for: encoderIdentifier)
        guard Self.makeFolders(folder) else { return false }
        var bytes = Self.magic
        bytes.append(contentsOf: UInt32(vector.count).littleEndianBytes)
        for value in vector { bytes.append(contentsOf: value.bitPattern.littleEndianBytes) }
        bytes.append(contentsOf: Self.checksum(bytes[...]))
        do {
            try _writeWholeFileAtomically(path(forContent: digest, encoder: encoderIdentifier), bytes)
            return true
        } catch {
            return false
        }
    }

    /// The file of an entry.
    package func path(forContent digest: String, encoder encoderIdentifier: String) -> String {
        directory + "/" + Self.folderName(for: encoderIdentifier) + "/" + digest + ".vec"
    }

    private static let magic: [UInt8] = Array("FRV1".utf8)

    private static func checksum(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        let hex = Array(_sha256Hex(Array(bytes)).utf8.prefix(16))
        return stride(from: 0, to: 16, by: 2).map { UInt8(hexDigit(hex[$0]) << 4 | hexDigit(hex[$0 + 1])) }
    }

    private static func hexDigit(_ character: UInt8) -> UInt8 {
        character >= UInt8(ascii: "a") ? character - UInt8(ascii: "a") + 10 : character - UInt8(ascii: "0")
    }

    static func folderName(for identifier: String) -> String {
        let kept = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@")
        let readable = String(identifier.prefix(64).map { kept.contains($0) ? $0 : "_" })
        return readable + "-" + _sha256Hex(Array(identifier.utf8)).prefix(12)
    }

    /// Creates `folder` and its parents, as `mkdir -p`.
    private static func makeFolders(_ folder: String) -> Bool {
        var info = stat()
        if stat(folder, &info) == 0 { return info.st_mode & S_IFMT == S_IFDIR }
        var prefix = folder.hasPrefix("/") ? "" : "."
        for component in folder.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0, errno != EEXIST { return false }
        }
        return stat(folder, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    private static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }
}

extension UInt32 {
    fileprivate init(littleEndianBytes bytes: ArraySlice<UInt8>) {
        self = bytes.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    fileprivate var littleEndianBytes: [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: self >> (8 * $0)) } }
}
