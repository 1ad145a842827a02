import FeatureEncoding
import Factorization
import Fusion
import LinearAlgebra
import Persistence

extension LiveModel {
    /// What happens on a swap to the writes made since the current base model was loaded.
    public enum SwapPolicy: Sendable, Hashable {
        /// Replay them onto the new model (the default): items and users placed from
        /// attributes are placed again through the new model's pipelines (unless it
        /// already has them), and every user with recorded interactions is re-folded once
        /// from the new training history plus the recorded interactions. The journal is
        /// kept, so a later swap replays them again. Use it when the new model was trained
        /// on data that does not include them.
        case replay
        /// Drop them and clear the journal: the new model (trained on data that includes
        /// them, say) is served as loaded.
        case drop
    }

    /// What a swap did.
    public struct SwapReport: Sendable, Hashable {
        /// The version that serves the new model.
        public var version: Int
        /// The swap count, including this one.
        public var generation: Int
        /// Users re-folded from replayed interactions.
        public var replayedUsers: Int
        /// Items and users placed again from their attributes.
        public var replayedPlacements: Int
        /// Replayed interactions left out because the new model lacks their item.
        public var droppedInteractions: Int
        /// Journal entries that could not be replayed (a placement the new model cannot
        /// make, a re-fold that failed), with the reason.
        public var failures: [String]
    }

    /// Replaces the served model atomically. Reads in flight finish on the version they
    /// took; the next read sees the new model with the journal replayed (or dropped) —
    /// never one without the other. Writes wait while the new version is assembled.
    ///
    /// - Parameters:
    ///   - model: the newly trained model.
    ///   - training: its training interactions (the users' base histories), or `nil` to
    ///     keep the previous ones.
    ///   - policy: ``SwapPolicy/replay`` (default) or ``SwapPolicy/drop``.
    ///   - encoders: the host's text encoders, for replayed placements.
    /// - Returns: what was replayed and dropped.
    /// - Throws: ``ServingError/invalidModel(_:)`` when the new model cannot be served (the
    ///   live model keeps serving the old one).
    /// - Complexity: O((m + n)k + nnz + nk²) to load, plus one re-fold per replayed user.
    @discardableResult
    public func replaceModel(
        with model: MatrixFactorizationModel<Scalar, UserID, ItemID>, training: Interactions<UserID, ItemID>? = nil,
        policy: SwapPolicy = .replay, encoders: [String: any TextEncoder] = [:]
    ) async throws(ServingError) -> SwapReport {
        let base = try _LiveState(model: model, rule: model.foldInRule, joint: nil,
                                  training: training ?? writer.withLock { $0.training }, configuration: configuration)
        return try await swap(to: base, training: training, policy: policy, encoders: encoders)
    }

    /// Replaces the served model with a joint model; see `replaceModel(with:training:policy:encoders:)`.
    @discardableResult
    public func replaceModel(
        with model: JointFactorizationModel<Scalar, UserID, ItemID>, training: Interactions<UserID, ItemID>? = nil,
        policy: SwapPolicy = .replay, encoders: [String: any TextEncoder] = [:]
    ) async throws(ServingError) -> SwapReport {
        let base = try _LiveState(model: model, rule: model.userFoldInRule, joint: model,
                                  training: training ?? writer.withLock { $0.training }, configuration: configuration)
        return try await swap(to: base, training: training, policy: policy, encoders: encoders)
    }

    /// Loads a model file (a matrix factorization or a joint factorization) and swaps it
    /// in; see `replaceModel(with:training:policy:encoders:)`.
    ///
    /// - Throws: ``ServingError/modelFile(_:)`` when the file cannot be read, is damaged or
    ///   is of another kind (the old model keeps serving).
    @discardableResult
    public func reloadModel(
        contentsOfFile path: String, training: Interactions<UserID, ItemID>? = nil, policy: SwapPolicy = .replay,
        encoders: [String: any TextEncoder] = [:]
    ) async throws(ServingError) -> SwapReport {
        do {
            switch try ModelFile.kind(ofFile: path) {
            case .jointFactorization:
                let model = try JointFactorizationModel<Scalar, UserID, ItemID>(contentsOfFile: path)
                return try await replaceModel(with: model, training: training, policy: policy, encoders: encoders)
            default:
                let model = try MatrixFactorizationModel<Scalar, UserID, ItemID>(contentsOfFile: path)
                return try await replaceModel(with: model, training: training, policy: policy, encoders: encoders)
            }
        } catch let error as ModelFileError {
            throw .modelFile(error)
        } catch let error as ServingError {
            throw error
        } catch {
            throw .invalidModel("\(error)")
        }
    }

    /// Swaps `base` in, replaying the journal: placements are computed outside the writer
    /// lock (encoding may suspend); if more was journaled meanwhile, the new entries are
    /// placed too before the swap is published under the lock.
    private func swap(
        to base: _LiveState<Scalar, UserID, ItemID>, training: Interactions<UserID, ItemID>?, policy: SwapPolicy,
        encoders: [String: any TextEncoder]
    ) async throws(ServingError) -> SwapReport {
        var placements: [Int: Result<([String], Matrix<Scalar>), ServingError>] = [:]
        while true {
            let journal = policy == .replay ? writer.withLock { $0.journal } : []
            if let joint = base.served.joint {
                for (index, entry) in journal.enumerated() where placements[index] == nil {
                    switch entry {
                    case .items(let table):
                        placements[index] = await Self.placed {
                            let result = try await joint.itemFactors(placing: table, encoders: encoders)
                            return (result.ids.map { "\($0)" }, result.factors)
                        }
                    case .users(let table):
                        placements[index] = await Self.placed {
                            let result = try await joint.userFactors(placing: table, encoders: encoders)
                            return (result.ids.map { "\($0)" }, result.factors)
                        }
                    case .interactions: break
                    }
                }
            }
            let report = writer.withLock { (writerState) -> SwapReport? in
                if policy == .replay && writerState.journal.count != journal.count { return nil }
                var state = base
                var report = SwapReport(version: 0, generation: 0, replayedUsers: 0, replayedPlacements: 0,
                                        droppedInteractions: 0, failures: [])
                var order: [UserID] = []
                var grouped: [UserID: [_HistoryEntry]] = [:]
                for (index, entry) in journal.enumerated() {
                    switch entry {
                    case .items, .users:
                        Self.replayPlacement(entry, placements[index], into: &state, report: &report)
                    case let .interactions(user, items):
                        for (item, value) in items {
                            guard let i = state.items.index(of: item) else {
                                report.droppedInteractions += 1
                                continue
                            }
                            if grouped[user] == nil { order.append(user) }
                            grouped[user, default: []].append(_HistoryEntry(item: Int32(i), value: value))
                        }
                    }
                }
                for user in order {
                    do {
                        try state.record(user: user, entries: grouped[user]!)
                        report.replayedUsers += 1
                    } catch {
                        report.failures.append("user \(user): \(error)")
                    }
                }
                if policy == .drop { writerState.journal = [] }
                if let training { writerState.training = training }
                let published = publish(state, swapping: true)
                report.version = published.version
                report.generation = published.generation
                return report
            }
            if let report { return report }
        }
    }

    private static func placed(
        _ body: () async throws -> ([String], Matrix<Scalar>)
    ) async -> Result<([String], Matrix<Scalar>), ServingError> {
        do {
            return .success(try await placing(body))
        } catch {
            return .failure(error)
        }
    }

    /// Adds the rows a journaled placement gives under the new model (those it lacks).
    private static func replayPlacement(
        _ entry: _JournalEntry, _ placement: Result<([String], Matrix<Scalar>), ServingError>?,
        into state: inout _LiveState<Scalar, UserID, ItemID>, report: inout SwapReport
    ) {
        switch placement {
        case nil:
            report.failures.append("placement: the new model has no pipelines")
        case .failure(let error):
            report.failures.append("placement: \(error)")
        case .success(let (names, factors)):
            if case .items = entry {
                let ids = names.compactMap { ItemID($0) }
                let keep = ids.indices.filter { state.items.index(of: ids[$0]) == nil }
                state.addItems(keep.map { ids[$0] }, factors: selecting(keep, of: factors))
                report.replayedPlacements += keep.count
            } else {
                let ids = names.compactMap { UserID($0) }
                let keep = ids.indices.filter { state.users.index(of: ids[$0]) == nil }
                state.addUsers(keep.map { ids[$0] }, factors: selecting(keep, of: factors))
                report.replayedPlacements += keep.count
            }
        }
    }
}
