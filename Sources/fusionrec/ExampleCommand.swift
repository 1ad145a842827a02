import ArgumentParser
import FusionRec

/// `fusionrec example`: shows the LinearAlgebra module at work on a random matrix.
struct ExampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "example",
        abstract: "Show the linear-algebra layer at work: a Gram matrix, an SPD solve, eigen- and singular values.")

    func run() throws {
        var generator = SplitMix64(seed: 42)
        let a = Matrix<Double>.randomNormal(rowCount: 200, columnCount: 8, using: &generator)
        let gram = a.gram()
        print("AᵀA of a 200×8 Gaussian matrix, diagonal:", (0..<8).map { gram[$0, $0] })
        let b = Matrix<Double>(rowCount: 8, columnCount: 1, repeating: 1)
        let x = try gram.solvedSymmetricPositiveDefinite(b)
        let residual = gram.multiplied(by: x) - b
        print("SPD solve residual ‖AᵀA·x − 1‖ =", residual.frobeniusNorm)
        let (values, _) = try gram.symmetricEigendecomposition()
        print("eigenvalues of AᵀA:", values)
        let (_, singular, _) = try a.singularValueDecomposition()
        print("squared singular values of A:", singular.map { $0 * $0 }.reversed())
    }
}
