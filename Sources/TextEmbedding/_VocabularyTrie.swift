/// A trie over the code points of the vocabulary entries, with one root for
/// word-initial pieces and one for `##` continuation pieces (stored without the `##`).
struct _VocabularyTrie: Sendable {
    private var children: [UInt64: Int32] = [:]
    private var terminalIDs: [Int32] = [-1, -1]

    private static let initialRoot: Int32 = 0
    private static let continuationRoot: Int32 = 1

    private static func key(_ node: Int32, _ scalar: UInt32) -> UInt64 { UInt64(UInt32(node)) << 32 | UInt64(scalar) }

    /// Adds a piece; a later entry with the same code points replaces the earlier id.
    mutating func insert(_ scalars: [Unicode.Scalar], id: Int32, continuation: Bool) {
        guard !scalars.isEmpty else { return }
        var node = continuation ? Self.continuationRoot : Self.initialRoot
        for scalar in scalars {
            let key = Self.key(node, scalar.value)
            if let child = children[key] {
                node = child
            } else {
                let child = Int32(terminalIDs.count)
                terminalIDs.append(-1)
                children[key] = child
                node = child
            }
        }
        terminalIDs[Int(node)] = id
    }

    /// The id and end of the longest vocabulary piece that starts at `start`, or nil.
    func longestMatch(
        in word: UnsafeBufferPointer<UInt32>, from start: Int, continuation: Bool
    ) -> (id: Int32, end: Int)? {
        var node = continuation ? Self.continuationRoot : Self.initialRoot
        var best: (id: Int32, end: Int)?
        var position = start
        while position < word.count, let child = children[Self.key(node, word[position])] {
            node = child
            position += 1
            let id = terminalIDs[Int(node)]
            if id >= 0 { best = (id, position) }
        }
        return best
    }
}
