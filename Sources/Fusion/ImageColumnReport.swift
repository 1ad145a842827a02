/// The image cells of a pipeline's image blocks that became absent rows, and where the
/// vectors of the others came from, added up over every table encoded with the
/// ``ImageColumnOptions`` that holds this report (a fit encodes the fitting table once;
/// each placement adds its rows).
///
/// An actor: encoding adds to it from any task, and the host reads it after the fit.
public actor ImageColumnReport {
    /// The counts of one image block.
    public struct Counts: Sendable, Hashable {
        /// Non-empty cells whose file does not exist or cannot be read.
        public var missing = 0
        /// Cells whose file was read but rejected by the encoder (corrupt, not an image); never counted
        /// under ``ImageColumnOptions/strict``, which throws instead.
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

    /// A report with nothing counted.
    public init() {}

    /// Missing, unreadable and undecodable cells over every block: the rows that named an
    /// image but got none.
    public var absentCount: Int { blocks.values.reduce(0) { $0 + $1.missing + $1.undecodable } }

    func add(_ counts: Counts, block: String) {
        var total = blocks[block, default: Counts()]
        total.missing += counts.missing
        total.undecodable += counts.undecodable
        total.cached += counts.cached
        total.encoded += counts.encoded
        blocks[block] = total
    }
}
