import Benchmark
import LinearAlgebra

/// A well-conditioned symmetric positive-definite `k×k` matrix `YᵀY/m + λI`, as in an ALS
/// normal equation, with `Y` drawn from a standard normal.
func alsNormalMatrix(order k: Int, generator: inout SplitMix64) -> Matrix<Float> {
    let rows = 4 * k
    let y = Matrix<Float>.randomNormal(rowCount: rows, columnCount: k, using: &generator)
    var matrix = Matrix<Float>.identity(k)
    matrix.addGram(of: y, alpha: 1 / Float(rows), beta: 0.1)
    return matrix
}

/// The systems of one ALS half-step: a normal matrix that every row copies (ALS adds the
/// row's own terms to its copy), one right-hand side per row, and the solutions.
final class SolveBatch {
    let order: Int
    let count: Int
    let normalMatrix: Matrix<Float>
    let rightHandSides: Matrix<Float>
    var solutions: Matrix<Float>

    init(order: Int, count: Int, seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        self.order = order
        self.count = count
        normalMatrix = alsNormalMatrix(order: order, generator: &generator)
        rightHandSides = .randomNormal(rowCount: count, columnCount: order, using: &generator)
        solutions = Matrix(rowCount: count, columnCount: order)
    }
}

/// One system and the scratch buffers the raw kernel solves it in.
final class KernelSolveOperands {
    let matrix: Matrix<Float>
    let rightHandSide: Matrix<Float>
    let scratch: UnsafeMutablePointer<Float>
    let solution: UnsafeMutablePointer<Float>

    init(matrix: Matrix<Float>, rightHandSide: Matrix<Float>) {
        self.matrix = matrix
        self.rightHandSide = rightHandSide
        scratch = .allocate(capacity: matrix.rowCount * matrix.rowCount)
        solution = .allocate(capacity: matrix.rowCount)
    }

    deinit {
        scratch.deallocate()
        solution.deallocate()
    }
}

func registerSolveBenchmarks() {
    for k in [16, 32, 64, 128, 256] {
        Benchmark(
            "cholesky solve k=\(k) solvedSymmetricPositiveDefinite", configuration: suiteConfiguration()
        ) { _, operands in
            blackHole(try operands.matrix.solvedSymmetricPositiveDefinite(operands.rightHandSide))
        } setup: {
            var generator = SplitMix64(seed: 3)
            let matrix = alsNormalMatrix(order: k, generator: &generator)
            let rightHandSide = Matrix<Float>.randomNormal(rowCount: k, columnCount: 1, using: &generator)
            return (matrix: matrix, rightHandSide: rightHandSide)
        }

        // The same solve through the raw kernel, copying into preallocated scratch as the
        // Matrix API copies into new storage: the difference is the API's own overhead.
        Benchmark(
            "cholesky solve k=\(k) in-place kernel solveSymmetricPositiveDefinite",
            configuration: suiteConfiguration()
        ) { (_: Benchmark, operands: KernelSolveOperands) throws in
            try operands.matrix.withUnsafeBufferPointer { matrix in
                try operands.rightHandSide.withUnsafeBufferPointer { rightHandSide in
                    operands.scratch.update(from: matrix.baseAddress!, count: k * k)
                    operands.solution.update(from: rightHandSide.baseAddress!, count: k)
                    try Matrix<Float>.solveSymmetricPositiveDefinite(
                        order: k, matrix: operands.scratch, rightHandSide: operands.solution)
                }
            }
            blackHole(operands.solution)
        } setup: {
            var generator = SplitMix64(seed: 3)
            let matrix = alsNormalMatrix(order: k, generator: &generator)
            let rightHandSide = Matrix<Float>.randomNormal(rowCount: k, columnCount: 1, using: &generator)
            return KernelSolveOperands(matrix: matrix, rightHandSide: rightHandSide)
        }
    }

    // The ALS inner loop: every row copies its normal matrix and right-hand side into
    // scratch owned by its chunk and solves in place, with no allocation per row.
    let batchCount = 10_000
    let batchOrder = 64
    Benchmark(
        "ALS batch \(batchCount) solves k=\(batchOrder) Parallel.forEachChunk",
        configuration: suiteConfiguration(maxDuration: .seconds(3))
    ) { _, batch in
        let k = batch.order
        try batch.normalMatrix.withUnsafeBufferPointer { normal in
            try batch.rightHandSides.withUnsafeBufferPointer { rightHandSides in
                try batch.solutions.withUnsafeMutableBufferPointer { solutions in
                    let solutions = solutions
                    try Parallel.forEachChunk(
                        of: 0..<batch.count, grainSize: 256
                    ) { rows throws(LinearAlgebraError) in
                        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: k * k)
                        defer { scratch.deallocate() }
                        for row in rows {
                            scratch.update(from: normal.baseAddress!, count: k * k)
                            let x = solutions.baseAddress! + row * k
                            x.update(from: rightHandSides.baseAddress! + row * k, count: k)
                            try Matrix<Float>.solveSymmetricPositiveDefinite(
                                order: k, matrix: scratch, rightHandSide: x)
                        }
                    }
                }
            }
        }
        blackHole(batch.solutions)
    } setup: {
        SolveBatch(order: batchOrder, count: batchCount, seed: 4)
    }
}
