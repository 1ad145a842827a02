import LinearAlgebra
import Persistence

/// The sections every factor model's file shares — the common metadata and the id lists —
/// used by the codecs in this module and in Fusion.
package enum _FactorModelSections {
    /// The metadata every factor model's file starts with.
    package static func commonMetadata<Scalar: BLASScalar, UserID, ItemID>(
        kind: ModelFile.ModelKind, scalar: Scalar.Type, userIDs: IDMap<UserID>, itemIDs: IDMap<ItemID>, factorCount: Int
    ) -> _Metadata {
        var meta = _Metadata()
        meta.set("kind", kind.rawValue)
        meta.set("scalar", MemoryLayout<Scalar>.size == 4 ? "float32" : "float64")
        meta.set("user-id-type", "\(UserID.self)")
        meta.set("item-id-type", "\(ItemID.self)")
        meta.set("users", userIDs.count)
        meta.set("items", itemIDs.count)
        meta.set("factors", factorCount)
        return meta
    }

    /// Validates the container and the common metadata of a file of `kind`.
    package static func open(_ bytes: [UInt8], kind: ModelFile.ModelKind) throws(ModelFileError)
        -> (sections: [String: ArraySlice<UInt8>], meta: _Metadata, width: Int, users: Int, items: Int, factors: Int)
    {
        let (sections, meta, width) = try _Sections.open(bytes, kind: kind)
        return (sections, meta, width, try meta.count("users", limit: _Sections.maximumCount),
                try meta.count("items", limit: _Sections.maximumCount), try meta.count("factors", limit: 1 << 20))
    }

    /// `u64` count, then each id's `description` as a `u32` length and UTF-8 bytes.
    package static func encodeIDs<ID>(_ ids: IDMap<ID>) -> [UInt8] {
        var writer = _ByteWriter()
        writer.append(UInt64(ids.count))
        for id in ids.ids { writer.append("\(id)") }
        return writer.bytes
    }

    /// The ids of section `name`, which must hold exactly `expected` distinct, parsable ids.
    package static func decodeIDs<ID: LosslessStringConvertible & Hashable & Sendable>(
        _ sections: [String: ArraySlice<UInt8>], _ name: String, count expected: Int
    ) throws(ModelFileError) -> IDMap<ID> {
        var reader = _ByteReader(section: name, bytes: try _Sections.section(sections, name))
        let count = try reader.count(of: "ids", minimumSize: 4)
        guard count == expected else { throw reader.fail("\(count) ids, the metadata says \(expected)") }
        var map = IDMap<ID>()
        for index in 0..<count {
            let text = try reader.string()
            guard let id = ID(text) else { throw reader.fail("id \(index) '\(text)' is not a valid \(ID.self)") }
            guard map.append(id) == index else { throw reader.fail("id '\(text)' repeats at index \(index)") }
        }
        try reader.finish()
        return map
    }
}
