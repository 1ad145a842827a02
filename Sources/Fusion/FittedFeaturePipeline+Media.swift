import FeatureEncoding
import LinearAlgebra

extension FittedFeaturePipeline {
    /// The folder that relative paths of an image or audio column of `table` are read from: the
    /// folder of the table's file, or the working directory for in-memory rows.
    static func mediaFolder<ID>(of table: AttributeTable<ID>) -> String {
        guard table.source != "(rows)", let slash = table.source.lastIndex(of: "/") else { return "." }
        return slash == table.source.startIndex ? "/" : String(table.source[..<slash])
    }

    /// The rows of an image or audio block: each non-empty cell's file read, keyed by the SHA-256
    /// of its bytes, taken from the disk cache or encoded (in batches; a failing batch is
    /// retried file by file so that one bad file costs only its own row); zero rows and a
    /// cleared presence bit for empty cells, missing, unreadable and undecodable files.
    ///
    /// Each file is read twice when it is not cached: once here for its digest, once by
    /// the host's encoder, which decodes from the path.
    ///
    /// - Throws: ``FusionError/unreadableImage(block:file:reason:)`` or
    ///   ``FusionError/unreadableAudio(block:file:reason:)`` for a file the encoder rejects
    ///   under ``MediaColumnOptions/strict``; ``FusionError/invalidParameter(name:value:reason:)``
    ///   for a block above the dense size limit; `FeatureEncodingError` when the encoder
    ///   breaks its contract; `CancellationError`.
    static func mediaRows<Encoder: FeatureEncoder>(
        _ cells: [String], kind: MediaKind, folder: String, encoder: Encoder, options: MediaColumnOptions, block: String
    ) async throws -> (features: Matrix<Float>, presence: [Bool]) where Encoder.Input == String {
        let (elements, overflow) = cells.count.multipliedReportingOverflow(by: encoder.dimension)
        guard !overflow, elements <= SideInformationBlock<Int, Float>.maximumElementCount else {
            throw FusionError.invalidParameter(
                name: "size of block '\(block)'", value: "\(cells.count) rows × \(encoder.dimension) columns",
                reason: "dense blocks hold at most \(SideInformationBlock<Int, Float>.maximumElementCount) values")
        }
        var counts = MediaColumnReport.Counts()
        var digests: [String: String?] = [:]
        var vectors: [String: [Float]] = [:]
        var pending: [(digest: String, path: String)] = []
        var pendingDigests = Set<String>()
        let paths = cells.map { cell -> String? in
            let path = cell.trimmingSpaces()
            guard !path.isEmpty else { return nil }
            return path.hasPrefix("/") ? path : folder + "/" + path
        }
        for path in paths.compactMap({ $0 }) where digests[path] == nil {
            guard let bytes = try? _readWholeFile(path) else {
                digests[path] = .some(nil)
                continue
            }
            let digest = DiskEncodingCache.contentDigest(of: bytes)
            digests[path] = digest
            guard vectors[digest] == nil, !pendingDigests.contains(digest) else { continue }
            if let cached = options.diskCache?.vector(forContent: digest, encoder: encoder.identifier,
                                                      dimension: encoder.dimension) {
                vectors[digest] = cached
                counts.cached += 1
            } else {
                pending.append((digest, path))
                pendingDigests.insert(digest)
            }
        }
        var start = 0
        while start < pending.count {
            try Task.checkCancellation()
            let batch = Array(pending[start..<min(start + MediaColumnOptions.batchSize, pending.count)])
            let encoded: [String: [Float]]
            do {
                encoded = try await encoder.encodedVectors(for: batch.map(\.path), batchSize: batch.count)
            } catch let error where error is FeatureEncodingError || error is CancellationError {
                throw error
            } catch {
                var single: [String: [Float]] = [:]
                for entry in batch {
                    do {
                        single.merge(try await encoder.encodedVectors(for: [entry.path])) { $1 }
                    } catch let error where error is FeatureEncodingError || error is CancellationError {
                        throw error
                    } catch {
                        if options.strict {
                            switch kind {
                            case .image: throw FusionError.unreadableImage(block: block, file: entry.path, reason: "\(error)")
                            case .audio: throw FusionError.unreadableAudio(block: block, file: entry.path, reason: "\(error)")
                            }
                        }
                    }
                }
                encoded = single
            }
            for entry in batch {
                guard let vector = encoded[entry.path] else { continue }
                vectors[entry.digest] = vector
                counts.encoded += 1
                options.diskCache?.store(vector, forContent: entry.digest, encoder: encoder.identifier)
            }
            start += batch.count
        }
        var rows: [[Float]?] = []
        rows.reserveCapacity(cells.count)
        for path in paths {
            guard let path else {
                rows.append(nil)
                continue
            }
            guard let digest = digests[path] ?? nil else {
                counts.missing += 1
                rows.append(nil)
                continue
            }
            if vectors[digest] == nil { counts.undecodable += 1 }
            rows.append(vectors[digest])
        }
        await options.report.add(counts, block: block, kind: kind)
        return (Matrix<Float>._fromFloatRows(rows, dimension: encoder.dimension), rows.map { $0 != nil })
    }
}
