import FusionRecTestSupport
import LinearAlgebra
@testable import Serving
import Testing

@Suite("The top-K scan")
struct BestRowsTests {
    /// 700 rows × 18 columns (16 scored) in chunks of 48 rows, the last one short; 70
    /// queries (three groups), each with its own count and exclusions.
    struct Scan<T: BLASScalar> {
        var chunks: [[T]] = []
        var queries: [[T]] = []
        var excluded: [[Int]] = []
        var counts: [Int] = []

        init(seed: UInt64) {
            var generator = SplitMix64(seed: seed)
            func value() -> T { T(Double(generator.next(upperBound: UInt64(1 << 20))) / Double(1 << 19) - 1) }
            var start = 0
            while start < 700 {
                let rows = min(48, 700 - start)
                chunks.append((0..<rows * 18).map { _ in value() })
                start += rows
            }
            for q in 0..<70 {
                queries.append((0..<16).map { _ in value() })
                excluded.append((0..<q % 9 * 5).map { _ in Int(generator.next(upperBound: UInt64(700))) })
                counts.append([10, 1, 0, 25, 700, 3][q % 6])
            }
        }

        func best(_ queries: some Collection<Int>, panel: Bool) -> [[(position: Int, score: T)]] {
            _bestRows(chunks: chunks, rowsPerChunk: 48, rowWidth: 18, queries: queries.map { self.queries[$0] }, width: 16,
                      cosine: false, excluded: queries.map { excluded[$0] }, candidates: nil,
                      counts: queries.map { counts[$0] }, panelScoring: panel)
        }
    }

    @Test("The panel kernel ranks as BLAS does, and as a full sort of exact dot products does",
          .enabled(if: Float._panelScoringIsAvailable), arguments: scalarTypes)
    func panelEqualsBLAS(_ type: any BLASScalar.Type) {
        func check<T: BLASScalar>(_: T.Type) {
            let scan = Scan<T>(seed: 21)
            let panel = scan.best(0..<70, panel: true), blas = scan.best(0..<70, panel: false)
            for q in 0..<70 {
                let skip = Set(scan.excluded[q])
                var exact: [(row: Int, score: Double)] = []
                for row in 0..<700 where !skip.contains(row) {
                    var score = 0.0
                    for k in 0..<16 { score += Double(scan.chunks[row / 48][row % 48 * 18 + k]) * Double(scan.queries[q][k]) }
                    exact.append((row, score))
                }
                exact.sort { $0.score > $1.score || ($0.score == $1.score && $0.row < $1.row) }
                exact = Array(exact.prefix(scan.counts[q]))
                #expect(panel[q].map(\.position) == exact.map(\.row), "query \(q)")
                #expect(panel[q].map(\.position) == blas[q].map(\.position), "query \(q)")
                for (a, b) in zip(panel[q], exact) { #expect(abs(Double(a.score) - b.score) <= Self.tolerance(T.self)) }
            }
        }
        check(type)
    }

    @Test("Through the panel kernel a query's ranking does not depend on its batch, to the last bit",
          .enabled(if: Float._panelScoringIsAvailable), arguments: scalarTypes)
    func batchIndependent(_ type: any BLASScalar.Type) {
        func check<T: BLASScalar>(_: T.Type) {
            let scan = Scan<T>(seed: 22)
            let batched = scan.best(0..<70, panel: true)
            // Query 0 (count 10) is the partner; queries with count 0 take no part in a scan.
            for q in [1, 3, 31, 32, 33, 69] {
                let inTwo = scan.best([0, q], panel: true)[1]
                let inFive = scan.best([0, 4, 5, 6, q], panel: true)[4]
                #expect(inTwo.map(\.position) == batched[q].map(\.position) && inTwo.map(\.score) == batched[q].map(\.score))
                #expect(inFive.map(\.position) == inTwo.map(\.position) && inFive.map(\.score) == inTwo.map(\.score))
                // Alone, a query is one `gemv`: the same rows, scores up to the last bit.
                let alone = scan.best([q], panel: true)[0]
                #expect(alone.map(\.position) == inTwo.map(\.position))
                for (a, b) in zip(alone, inTwo) { #expect(abs(Double(a.score) - Double(b.score)) <= Self.tolerance(T.self)) }
            }
        }
        check(type)
    }

    @Test("Exclusions answer for positions in any order, with repeats, past the largest and across words")
    func exclusions() {
        let positions = [700, 3, 64, 3, 63, 0, 128, 65]
        let skip = _Exclusions(positions)
        for position in 0..<800 { #expect(skip.contains(position) == positions.contains(position), "position \(position)") }
        let none = _Exclusions([])
        #expect(!none.contains(0) && !none.contains(1_000_000))
    }

    /// A tolerance for scores of 16-term sums.
    static func tolerance<T: BLASScalar>(_: T.Type) -> Double { T.self == Float.self ? 1e-5 : 1e-12 }
}
