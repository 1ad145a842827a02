import FusionRecTestSupport
import LinearAlgebra
import Testing

@Suite("Parallel", .serialized)
struct ParallelTests {
    @Test("Chunks cover the range exactly once, in order, for any thread count")
    func coverage() {
        withThreadCountLocked {
            var reference: [[Range<Int>]] = []
            for threads in [1, 2, 3, 8] {
                Parallel.threadCount = threads
                let chunks = Parallel.mapChunks(of: 5..<1_005, grainSize: 64) { $0 }
                #expect(chunks.first?.lowerBound == 5 && chunks.last?.upperBound == 1_005)
                #expect(zip(chunks, chunks.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
                reference.append(chunks)
            }
            #expect(reference.allSatisfy { $0 == reference[0] })
            #expect(Parallel.mapChunks(of: 0..<0, grainSize: 4) { $0 }.isEmpty)
        }
    }

    @Test("Reductions in chunk order are identical for 1 and 2 threads")
    func deterministicReduction() {
        withThreadCountLocked {
            var generator = SplitMix64(seed: 5)
            let values = (0..<100_000).map { _ in Float.random(in: -1...1, using: &generator) * 1e4 }
            func sum() -> Float {
                Parallel.mapChunks(of: values.indices, grainSize: 997) { range in values[range].reduce(0, +) }
                    .reduce(0, +)
            }
            Parallel.threadCount = 1
            let one = sum()
            Parallel.threadCount = 2
            #expect(sum() == one)
        }
    }

    @Test("BLAS inside a parallel loop gives the same products as outside")
    func blasInsideLoop() {
        withThreadCountLocked {
            Parallel.threadCount = 2
            let a = randomMatrix(Double.self, 64, 64, seed: 1)
            let expected = a.gram()
            let results = Parallel.mapChunks(of: 0..<16, grainSize: 1) { _ in a.gram() }
            #expect(results.allSatisfy { $0 == expected })
        }
    }

    @Test("The first failing chunk's error is thrown after all chunks finish")
    func errors() {
        struct ChunkError: Error, Equatable { let start: Int }
        withThreadCountLocked {
            Parallel.threadCount = 2
            #expect(throws: ChunkError(start: 30)) {
                try Parallel.forEachChunk(of: 0..<100, grainSize: 10) { (range) throws(ChunkError) in
                    if range.lowerBound >= 30 { throw ChunkError(start: range.lowerBound) }
                }
            }
        }
    }

    @Test("The thread count is clamped to at least one")
    func clamp() {
        withThreadCountLocked {
            Parallel.threadCount = 0
            #expect(Parallel.threadCount == 1)
        }
    }
}
