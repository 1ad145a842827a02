import Persistence
import LinearAlgebra

extension Popularity: PersistableModel where UserID: LosslessStringConvertible, ItemID: LosslessStringConvertible {
    /// `ModelFile.ModelKind.popularity`.
    public static var modelKind: ModelFile.ModelKind { .popularity }

    /// The sections `meta`, `user-ids`, `item-ids` and `item-counts` (the `items × 1`
    /// item factors; the user factors are all 1 and not stored).
    public func modelFileBytes() -> [UInt8] {
        let meta = _FactorModelSections.commonMetadata(
            kind: Self.modelKind, scalar: Scalar.self, userIDs: userIDs, itemIDs: itemIDs, factorCount: 1)
        return ModelFile.encode([
            ("meta", meta.bytes),
            ("user-ids", _FactorModelSections.encodeIDs(userIDs)),
            ("item-ids", _FactorModelSections.encodeIDs(itemIDs)),
            ("item-counts", _Sections.encodeMatrix(itemFactors, width: MemoryLayout<Scalar>.size)),
        ])
    }

    /// Reads a popularity model; see `PersistableModel.init(modelFileBytes:)`.
    public init(modelFileBytes bytes: [UInt8]) throws(ModelFileError) {
        let (sections, _, width, users, items, k) = try _FactorModelSections.open(bytes, kind: Self.modelKind)
        guard k == 1 else { throw .invalidSection(section: "meta", reason: "a popularity model has 1 factor, not \(k)") }
        let userIDs: IDMap<UserID> = try _FactorModelSections.decodeIDs(sections, "user-ids", count: users)
        let itemIDs: IDMap<ItemID> = try _FactorModelSections.decodeIDs(sections, "item-ids", count: items)
        let counts: Matrix<Scalar> = try _Sections.decodeMatrix(sections, "item-counts", rows: items, columns: 1, width: width)
        do {
            try self.init(userIDs: userIDs, itemIDs: itemIDs, itemCounts: counts)
        } catch {
            throw .invalidSection(section: "item-counts", reason: error.description)
        }
    }
}

extension ModelFile.ModelKind {
    /// A `Popularity` baseline.
    public static let popularity = Self(rawValue: "popularity")
}
