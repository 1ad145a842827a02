import FusionRecTestSupport
import LinearAlgebra
import Testing

@Suite("Panel scoring kernel", .enabled(if: Float._panelScoringIsAvailable && Double._panelScoringIsAvailable))
struct PanelScoringTests {
    /// Scores `rows` (`rowCount` × `rowStride`, the first `depth` columns read) against
    /// `queries` packed into a panel of `panelWidth` columns at `offset`, the other columns
    /// filled with `filler`; returns the scores and passing bits.
    static func score<T: BLASScalar>(
        rows: [T], rowCount: Int, rowStride: Int, depth: Int, queries: [[T]], panelWidth: Int, offset: Int = 0,
        filler: T = 0, thresholds: [T]
    ) -> (scores: [T], passing: [UInt64]) {
        var panel = [T](repeating: filler, count: depth * panelWidth)
        for (q, query) in queries.enumerated() {
            for k in 0..<depth { panel[k * panelWidth + offset + q] = query[k] }
        }
        var scores = [T](repeating: .nan, count: rowCount * panelWidth)
        var passing = [UInt64](repeating: .max, count: rowCount)
        T._scorePanel(rows: rows, rowCount: rowCount, rowStride: rowStride, panel: panel, panelWidth: panelWidth,
                      depth: depth, thresholds: thresholds, scores: &scores, passing: &passing)
        return (scores, passing)
    }

    static func random<T: BLASScalar>(_: T.Type, _ count: Int, seed: UInt64) -> [T] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in T(Double(generator.next(upperBound: UInt64(2001))) / 1000 - 1) }
    }

    @Test("Scores are the dot products, and a bit is set exactly where a score reaches its threshold",
          arguments: scalarTypes)
    func knownAnswer(_ type: any BLASScalar.Type) {
        func check<T: BLASScalar>(_: T.Type) {
            let depth = 13, rowStride = 15
            for rowCount in [1, 2, 3, 4, 5, 7, 8, 9, 13, 64] {
                for panelWidth in [8, 16, 24, 40, 64] {
                    let rows = Self.random(T.self, rowCount * rowStride, seed: UInt64(rowCount))
                    let queries = (0..<panelWidth).map { Self.random(T.self, depth, seed: UInt64(100 + $0)) }
                    let thresholds = Self.random(T.self, panelWidth, seed: 7)
                    let (scores, passing) = Self.score(rows: rows, rowCount: rowCount, rowStride: rowStride, depth: depth,
                                                       queries: queries, panelWidth: panelWidth, thresholds: thresholds)
                    for r in 0..<rowCount {
                        for q in 0..<panelWidth {
                            let exact = (0..<depth).reduce(0.0) { $0 + Double(rows[r * rowStride + $1]) * Double(queries[q][$1]) }
                            let score = scores[r * panelWidth + q]
                            #expect(abs(Double(score) - exact) <= tolerance(T.self, terms: depth), "row \(r), query \(q)")
                            #expect((passing[r] >> q) & 1 == (score >= thresholds[q] ? 1 : 0), "row \(r), query \(q)")
                        }
                        if panelWidth < 64 { #expect(passing[r] >> panelWidth == 0) }
                    }
                }
            }
        }
        check(type)
    }

    @Test("A query scores the same bits in any column of a panel and beside any queries", arguments: scalarTypes)
    func independentOfPanel(_ type: any BLASScalar.Type) {
        func check<T: BLASScalar>(_: T.Type) {
            let depth = 66, rowCount = 37
            let rows = Self.random(T.self, rowCount * depth, seed: 3)
            let query = Self.random(T.self, depth, seed: 4)
            let alone = Self.score(rows: rows, rowCount: rowCount, rowStride: depth, depth: depth, queries: [query],
                                   panelWidth: 8, thresholds: [T](repeating: 0, count: 8)).scores
            let first = (0..<rowCount).map { alone[$0 * 8] }
            for (panelWidth, offset) in [(8, 7), (16, 9), (24, 20), (32, 31), (64, 40)] {
                let (scores, _) = Self.score(rows: rows, rowCount: rowCount, rowStride: depth, depth: depth, queries: [query],
                                             panelWidth: panelWidth, offset: offset, filler: T(0.37),
                                             thresholds: [T](repeating: 0, count: panelWidth))
                #expect((0..<rowCount).map { scores[$0 * panelWidth + offset] } == first, "width \(panelWidth), column \(offset)")
            }
        }
        check(type)
    }

    @Test("NaN scores never pass; an infinite threshold is never reached", arguments: scalarTypes)
    func nanAndInfinity(_ type: any BLASScalar.Type) {
        func check<T: BLASScalar>(_: T.Type) {
            var rows = Self.random(T.self, 6 * 4, seed: 5)
            rows[2 * 4 + 1] = .nan
            let queries = (0..<8).map { Self.random(T.self, 4, seed: UInt64(10 + $0)) }
            var thresholds = [T](repeating: -.infinity, count: 8)
            thresholds[3] = .infinity
            let (scores, passing) = Self.score(rows: rows, rowCount: 6, rowStride: 4, depth: 4, queries: queries,
                                               panelWidth: 8, thresholds: thresholds)
            #expect((0..<8).allSatisfy { scores[2 * 8 + $0].isNaN })
            #expect(passing[2] == 0)
            for r in [0, 1, 3, 4, 5] { #expect(passing[r] == 0b1111_0111) }
        }
        check(type)
    }
}
