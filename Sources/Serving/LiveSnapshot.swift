import Factorization
import LinearAlgebra

/// One immutable version of a ``LiveModel``: the factors, ids and histories as they were
/// after a given write. Every read runs on a snapshot, so a read never waits for a write
/// and a sequence of reads on one snapshot sees one consistent model.
///
/// Hold a snapshot only as long as a request: it keeps its version's chunks alive.
///
/// - SeeAlso: ``LiveModel/snapshot``.
public final class LiveSnapshot<Scalar: BLASScalar, UserID: Hashable & Sendable, ItemID: Hashable & Sendable>: Sendable {
    /// The number of writes (recorded interactions, added rows, swaps) before this version,
    /// counted from the live model's creation; increases by one per write.
    public let version: Int
    /// The number of model swaps before this version (0 for the model the live model was created with).
    public let generation: Int
    let state: _LiveState<Scalar, UserID, ItemID>

    init(state: _LiveState<Scalar, UserID, ItemID>, version: Int, generation: Int) {
        self.state = state
        self.version = version
        self.generation = generation
    }

    /// The number of users with factors.
    public var userCount: Int { state.users.count }
    /// The number of items with factors.
    public var itemCount: Int { state.items.count }
    /// The number of latent factors k.
    public var factorCount: Int { state.factorCount }
    /// Whether scores estimate interaction values (an explicit model).
    public var predictsValues: Bool { state.served.predictsValues }

    /// Whether the snapshot has factors for `user`.
    public func contains(user: UserID) -> Bool { state.users.index(of: user) != nil }
    /// Whether the snapshot has factors for `item`.
    public func contains(item: ItemID) -> Bool { state.items.index(of: item) != nil }

    /// The user's factors uᵤ.
    ///
    /// - Throws: ``ServingError/unknownUser(_:)``.
    public func factors(ofUser user: UserID) throws(ServingError) -> [Scalar] {
        guard let u = state.users.index(of: user) else { throw .unknownUser("\(user)") }
        return state.userRows.withRow(u) { Array($0[0..<factorCount]) }
    }

    /// The item's factors vᵢ.
    ///
    /// - Throws: ``ServingError/unknownItem(_:)``.
    public func factors(ofItem item: ItemID) throws(ServingError) -> [Scalar] {
        guard let i = state.items.index(of: item) else { throw .unknownItem("\(item)") }
        return state.itemRows.withRow(i) { Array($0[0..<factorCount]) }
    }

    /// The user's interactions: the training interactions the live model was given for the
    /// user, then those recorded since, in order.
    ///
    /// - Throws: ``ServingError/unknownUser(_:)``.
    public func history(ofUser user: UserID) throws(ServingError) -> [(item: ItemID, value: Double)] {
        guard let u = state.users.index(of: user) else { throw .unknownUser("\(user)") }
        return state.histories.element(u, 0).map { (state.items.id(at: Int($0.item)), $0.value) }
    }

    /// The model's score uᵤᵀvᵢ + μ + bᵤ + cᵢ.
    ///
    /// - Throws: ``ServingError/unknownUser(_:)``, ``ServingError/unknownItem(_:)``.
    /// - Complexity: O(k).
    public func score(user: UserID, item: ItemID) throws(ServingError) -> Double {
        guard let u = state.users.index(of: user) else { throw .unknownUser("\(user)") }
        guard let i = state.items.index(of: item) else { throw .unknownItem("\(item)") }
        let width = factorCount + 2
        return state.userRows.withRow(u) { a in
            state.itemRows.withRow(i) { b in Double(_dot(a.baseAddress!, b.baseAddress!, width)) }
        }
    }
}
