/// The cells of a pipeline's image and audio blocks that became absent rows, and where
/// the vectors of the others came from, added up over every table encoded with the
/// ``MediaColumnOptions`` that holds this report (a fit encodes the fitting table once;
/// each placement adds its rows).
///
/// An actor: encoding adds to it from any task, and the host reads it after the fit.
public actor MediaColumnReport {
    /// The counts of one image or audio block.
    public struct Counts: Sendable, Hashable {
        /// Non-empty cells whose file does not exist or cannot be read.
        public var missing = 0
        /// Cells whose file was read but rejected by the encoder (corrupt, not an image or a clip); never counted
        /// under ``MediaColumnOptions/strict``, which throws instead.
        public var undecodable = 0
        /// Distinct files whose vector came from the disk cache.
        public var cached = 0
        /// Distinct files the encoder encoded.
        public var encoded = 0

        /// A count of zero of everything.
        public init() {}
    }

    /// The counts, by block name.
    public private(set) var blocks: [String: Counts] = [:]
    /// Whether each block of ``blocks`` is an image or an audio column, by block name.
    public private(set) var kinds: [String: MediaKind] = [:]

    /// A report with nothing counted.
    public init() {}

    /// Missing, unreadable and undecodable cells over every block: the rows that named a
    /// file but got no vector.
    public var absentCount: Int { blocks.values.reduce(0) { $0 + $1.missing + $1.undecodable } }

    func add(_ counts: Counts, block: String, kind: MediaKind) {
        kinds[block] = kind
        var total = blocks[block, default: Counts()]
        total.missing += counts.missing
        total.undecodable += counts.undecodable
        total.cached += counts.cached
        total.encoded += counts.encoded
        blocks[block] = total
    }
}
