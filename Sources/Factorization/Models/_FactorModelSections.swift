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

    /// A factor model's file: the common metadata plus `global-bias`, `user-biases` and
    /// `item-biases`, then what `metadata` adds; the sections `meta`, `user-ids`, `item-ids`,
    /// `user-factors`, `item-factors`, then `extraSections`, then `user-biases` and
    /// `item-biases` when the model has them.
    package static func encode<Model: FactorModel>(
        _ model: Model, kind: ModelFile.ModelKind, minorVersion: Int = 0,
        extraSections: [(name: String, payload: [UInt8])] = [], metadata: (inout _Metadata) -> Void = { _ in }
    ) -> [UInt8] {
        let width = MemoryLayout<Model.Scalar>.size
        var meta = commonMetadata(kind: kind, scalar: Model.Scalar.self, userIDs: model.userIDs, itemIDs: model.itemIDs,
                                  factorCount: model.factorCount)
        meta.set("global-bias", Double(model.globalBias))
        meta.set("user-biases", model.userBiases != nil)
        meta.set("item-biases", model.itemBiases != nil)
        metadata(&meta)
        var sections: [(name: String, payload: [UInt8])] = [
            ("meta", meta.bytes),
            ("user-ids", encodeIDs(model.userIDs)),
            ("item-ids", encodeIDs(model.itemIDs)),
            ("user-factors", _Sections.encodeMatrix(model.userFactors, width: width)),
            ("item-factors", _Sections.encodeMatrix(model.itemFactors, width: width)),
        ]
        sections += extraSections
        if let biases = model.userBiases { sections.append(("user-biases", _Sections.encodeVector(biases, width: width))) }
        if let biases = model.itemBiases { sections.append(("item-biases", _Sections.encodeVector(biases, width: width))) }
        return ModelFile.encode(sections, minorVersion: minorVersion)
    }

    /// What every factor model's file holds, validated: the tables, with the file's
    /// sections, metadata and scalar width for the model's own keys.
    package struct Decoded<Scalar: BLASScalar, UserID: Hashable & Sendable, ItemID: Hashable & Sendable> {
        package var sections: [String: ArraySlice<UInt8>]
        package var meta: _Metadata
        package var width: Int
        package var tables: FactorTables<Scalar, UserID, ItemID>
    }

    /// Reads the parts written by ``encode(_:kind:minorVersion:extraSections:metadata:)`` from a file of `kind`.
    package static func decode<Scalar: BLASScalar, UserID: LosslessStringConvertible & Hashable & Sendable,
                               ItemID: LosslessStringConvertible & Hashable & Sendable>(
        _ bytes: [UInt8], kind: ModelFile.ModelKind
    ) throws(ModelFileError) -> Decoded<Scalar, UserID, ItemID> {
        let (sections, meta, width, users, items, k) = try open(bytes, kind: kind)
        let tables = FactorTables<Scalar, UserID, ItemID>(
            userIDs: try decodeIDs(sections, "user-ids", count: users),
            itemIDs: try decodeIDs(sections, "item-ids", count: items),
            userFactors: try _Sections.decodeMatrix(sections, "user-factors", rows: users, columns: k, width: width),
            itemFactors: try _Sections.decodeMatrix(sections, "item-factors", rows: items, columns: k, width: width),
            globalBias: Scalar(try meta.number("global-bias")),
            userBiases: try _Sections.decodeBiases(
                sections, "user-biases", present: meta.boolean("user-biases"), count: users, width: width),
            itemBiases: try _Sections.decodeBiases(
                sections, "item-biases", present: meta.boolean("item-biases"), count: items, width: width))
        return Decoded(sections: sections, meta: meta, width: width, tables: tables)
    }
}
