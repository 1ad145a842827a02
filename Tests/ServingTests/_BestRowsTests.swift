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

    /// 700 rows of the live model's layout `[v, 1, c]` (16 factors, norms spread over two
    /// orders of magnitude, biases c of both signs, 40 rows repeating others exactly), in
    /// chunks of 48; the first 650 in norm order, the last 50 appended after the copy was
    /// made. 70 queries `[u, a, 1]`, each with its own count and exclusions.
    struct OrderedScan<T: BLASScalar> {
        var table = _ChunkedRows<T>(width: 18, rowsPerChunk: 48)
        var ordered: _NormOrderedRows<T>
        var queries: [[T]] = []
        var excluded: [[Int]] = []
        var counts: [Int] = []

        init(seed: UInt64) {
            var generator = SplitMix64(seed: seed)
            func value() -> Double { Double(generator.next(upperBound: UInt64(1 << 20))) / Double(1 << 19) - 1 }
            var rows: [[T]] = []
            for row in 0..<700 {
                if row % 17 == 5 && row > 100 {
                    rows.append(rows[Int(generator.next(upperBound: UInt64(row)))])
                    continue
                }
                let scale = 0.05 * (1 + value()) + (row % 23 == 0 ? 2 : 0)
                rows.append((0..<16).map { _ in T(value() * scale) } + [1, T(0.02 * value())])
            }
            var base = _ChunkedRows<T>(width: 18, rowsPerChunk: 48)
            for row in rows[0..<650] { base.appendRow(row) }
            ordered = _NormOrderedRows(base, normedWidth: 16)
            table = base
            for row in rows[650...] { table.appendRow(row) }
            for q in 0..<70 {
                queries.append((0..<16).map { _ in T(value()) } + [T(0.1 * value()), 1])
                excluded.append((0..<q % 9 * 5).map { _ in Int(generator.next(upperBound: UInt64(700))) })
                counts.append([10, 1, 0, 25, 700, 3, 100][q % 7])
            }
        }

        func best(_ queries: some Collection<Int>, panel: Bool, pruned: Bool) -> [[(position: Int, score: T)]] {
            _bestRows(chunks: table.chunks.map(\.elements), rowsPerChunk: 48, rowWidth: 18, ordered: pruned ? ordered : nil,
                      queries: queries.map { self.queries[$0] }, width: 18, cosine: false,
                      excluded: queries.map { excluded[$0] }, candidates: nil, counts: queries.map { counts[$0] },
                      panelScoring: panel)
        }
    }

    @Test("A scan that stops early by norm bounds ranks and scores as the full scan", arguments: scalarTypes)
    func prunedEqualsFull(_ type: any BLASScalar.Type) {
        func check<T: BLASScalar>(_: T.Type) {
            let scan = OrderedScan<T>(seed: 23)
            for panel in Float._panelScoringIsAvailable ? [true, false] : [false] {
                for batch in [Array(0..<70), [0, 3], [4], [7, 14, 21, 28, 35]] {
                    let full = scan.best(batch, panel: panel, pruned: false)
                    let pruned = scan.best(batch, panel: panel, pruned: true)
                    for (g, q) in batch.enumerated() {
                        #expect(pruned[g].count == min(scan.counts[q], 700 - Set(scan.excluded[q]).count))
                        if panel {
                            #expect(pruned[g].map(\.position) == full[g].map(\.position), "query \(q)")
                            #expect(pruned[g].map(\.score) == full[g].map(\.score), "query \(q)")
                        } else {
                            // BLAS rounds a score's last bit by the row's place in a chunk, and the
                            // copy moves rows: equal rows (40 here) may swap, scores agree to rounding.
                            let tolerance = Self.tolerance(T.self) * 10
                            for (a, b) in zip(pruned[g], full[g]) {
                                #expect(abs(Double(a.score) - Double(b.score)) <= tolerance * max(1, abs(Double(b.score))),
                                        "query \(q)")
                            }
                            let boundary = Double(full[g].last?.score ?? 0)
                            func settled(_ ranking: [(position: Int, score: T)]) -> Set<Int> {
                                Set(ranking.filter { abs(Double($0.score) - boundary) > tolerance * max(1, abs(boundary)) }
                                    .map(\.position))
                            }
                            #expect(settled(pruned[g]) == settled(full[g]), "query \(q)")
                        }
                    }
                }
            }
        }
        check(type)
    }

    @Test("The norm-ordered copy's bound holds for every row still to come, and stops a query with a high K-th best")
    func orderedBound() {
        let scan = OrderedScan<Float>(seed: 24)
        let ordered = scan.ordered
        #expect(ordered.rowCount == 650 && Set(ordered.positions) == Set(0..<650))
        var stopped = 0
        let terms = ordered.boundTerms(scan.queries)
        #expect(terms.count == 70 * 3)
        for (q, query) in scan.queries.enumerated() {
            func cannotReach(_ threshold: Float, from chunk: Int) -> Bool {
                var columns = [q], thresholds = [threshold]
                let finished = ordered.finish(columns: &columns, thresholds: &thresholds, terms: terms, from: chunk)
                #expect((finished == 1) == (columns == [-1] && thresholds == [.infinity]))
                return finished == 1
            }
            var best = -Float.infinity
            var scores: [[Float]] = []
            for chunk in ordered.chunks {
                scores.append((0..<chunk.count / 18).map { r in (0..<18).reduce(Float(0)) { $0 + chunk[r * 18 + $1] * query[$1] } })
            }
            for c in ordered.chunks.indices.reversed() {
                best = max(best, scores[c].max()!)
                // Just above the best score still to come: the bound may not claim more.
                #expect(!cannotReach(best, from: c))
                if cannotReach(best.nextUp * 1.5 + 1e-3, from: c) { stopped += 1 }
            }
        }
        #expect(stopped > 0)
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
