import Fusion
import LinearAlgebra
import Testing

@Suite("SideInformationBlock")
struct SideInformationBlockTests {
    @Test("Preprocessing centres and scales on present rows, zeroes absent rows, and replays on new rows")
    func preprocessing() throws {
        let raw = try Matrix<Double>(rows: [[1, 10], [3, 10], [100, -5], [5, 10]])
        let block = try SideInformationBlock<String, Double>(
            name: "x", ids: ["a", "b", "c", "d"], features: raw, presence: [true, true, false, true],
            preprocessing: .init(centerColumns: true, scaleColumns: true))
        // Present rows: column 0 = 1, 3, 5 (mean 3, sd √(8/3)); column 1 constant (sd 0 → left unscaled).
        #expect(block.normalization.columnMeans == [3, 10])
        #expect(abs(block.normalization.columnScales[0] - (8.0 / 3).squareRoot()) < 1e-12 && block.normalization.columnScales[1] == 1)
        #expect(block.features.row(2) == [0, 0])
        #expect(abs(block.features[0, 0] + 2 / (8.0 / 3).squareRoot()) < 1e-12)
        let replayed = try block.preprocessed(Matrix(rows: [[3, 12]]))
        #expect(replayed.row(0) == [0, 2])
        let normalised = try SideInformationBlock<String, Double>(
            name: "n", ids: ["a"], features: Matrix(rows: [[3, 4]]), preprocessing: .init(normalizeRows: true))
        #expect(zip(normalised.features.row(0), [0.6, 0.8]).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test("Bad blocks throw errors that name the block and the place")
    func badInput() throws {
        let features = Matrix<Float>(rowCount: 2, columnCount: 3, repeating: 1)
        #expect(throws: FusionError.blockShape(block: "b", reason: "2 feature rows for 3 ids")) {
            try SideInformationBlock<Int, Float>(name: "b", ids: [1, 2, 3], features: features)
        }
        #expect(throws: FusionError.blockShape(block: "b", reason: "presence mask of 1 rows for 2 ids")) {
            try SideInformationBlock<Int, Float>(name: "b", ids: [1, 2], features: features, presence: [true])
        }
        #expect(throws: FusionError.blockShape(block: "b", reason: "id '1' repeats at row 1")) {
            try SideInformationBlock<Int, Float>(name: "b", ids: [1, 1], features: features)
        }
        var bad = features
        bad[1, 2] = .nan
        #expect(throws: FusionError.nonFiniteFeature(block: "b", row: 1, column: 2)) {
            try SideInformationBlock<Int, Float>(name: "b", ids: [1, 2], features: bad)
        }
        // A NaN in an absent row is ignored: the row has no modality.
        let masked = try SideInformationBlock<Int, Float>(name: "b", ids: [1, 2], features: bad, presence: [true, false])
        #expect(masked.features.row(1) == [0, 0, 0])
        #expect(throws: FusionError.self) {
            try SideInformationBlock<Int, Float>(name: "b", ids: [1, 2], features: features, weight: 0)
        }
        #expect(throws: FusionError.self) { try SideInformationBlock<Int, Float>(name: "", ids: [1, 2], features: features) }
        let block = try SideInformationBlock<Int, Float>(name: "b", ids: [1, 2], features: features)
        #expect(throws: FusionError.blockShape(block: "b", reason: "2 feature columns, the block has 3")) {
            try block.preprocessed(Matrix(rowCount: 1, columnCount: 2))
        }
    }
}
