import Factorization
import Fusion
import FusionRecTestSupport
import LinearAlgebra
import Testing

@Suite("Side information fitted on imported factors", .serialized)
struct ImportedFactorsTests {
    static let data = try! PlantedJointData()

    @Test("On a joint model's own factors the map fit reproduces its side-information part and cold start",
          arguments: SideInformationModel.allCases)
    func reproducesJointFit(_ sideModel: SideInformationModel) throws {
        let data = Self.data
        let trainer = JointFactorization(.init(
            feedback: .implicit(.init(solver: .cholesky)), factorCount: 6, iterationCount: 6, itemModel: sideModel,
            loadingRegularization: 0.1))
        let fitted = try trainer.fit(data.interactions, itemBlocks: [data.features], as: Double.self)
        let imported = try trainer.fitSideInformation(
            userIDs: fitted.userIDs.ids, userFactors: fitted.userFactors, itemIDs: fitted.itemIDs.ids,
            itemFactors: fitted.itemFactors, itemBlocks: [data.features])
        #expect(imported.itemFactors == fitted.itemFactors && imported.userIDs.ids == fitted.userIDs.ids)
        #expect(imported.itemSide.loadings.count == fitted.itemSide.loadings.count)
        for (mine, theirs) in zip(imported.itemSide.loadings, fitted.itemSide.loadings) {
            #expect(PlantedData.maximumDifference(mine, theirs) < 1e-9)
        }
        let cold = try imported.itemFactors(for: data.coldItems, from: [data.features])
        #expect(PlantedData.maximumDifference(cold, try fitted.itemFactors(for: data.coldItems, from: [data.features])) < 1e-9)
    }

    @Test("Factors from plain implicit ALS, imported, place cold items whose scores follow the planted ones")
    func placesFromForeignFactors() throws {
        let data = Self.data
        let als = try ImplicitAlternatingLeastSquares(.init(factorCount: 6, iterationCount: 15, solver: .cholesky))
            .fit(data.interactions, as: Double.self)
        let model = try JointFactorization(.init(factorCount: 6, itemModel: .offset, loadingRegularization: 0.1))
            .fitSideInformation(userIDs: als.userIDs.ids, userFactors: als.userFactors, itemIDs: als.itemIDs.ids,
                                itemFactors: als.itemFactors, itemBlocks: [data.features])
        let cold = try model.itemFactors(for: data.coldItems, from: [data.features])
        let r = data.coldScoreCorrelation(userIDs: model.userIDs, userFactors: model.userFactors, coldFactors: cold)
        #expect(r > 0.8, "correlation \(r)")
    }

    @Test("Imported factors of the wrong shape, repeated ids, NaN or explicit feedback are errors naming the side")
    func badFactors() throws {
        let trainer = JointFactorization(.init(factorCount: 2))
        let factors = Matrix<Double>(rowCount: 2, columnCount: 2, repeating: 0.5)
        #expect(throws: FusionError.blockShape(block: "item factors", reason: "2 × 2 factors for 3 ids and 2 factors")) {
            try trainer.fitSideInformation(userIDs: [1, 2], userFactors: factors, itemIDs: [1, 2, 3], itemFactors: factors)
        }
        #expect(throws: FusionError.blockShape(block: "user factors", reason: "2 × 2 factors for 2 ids and 3 factors")) {
            try JointFactorization(.init(factorCount: 3))
                .fitSideInformation(userIDs: [1, 2], userFactors: factors, itemIDs: [1, 2], itemFactors: factors)
        }
        #expect(throws: FusionError.blockShape(block: "user factors", reason: "id '7' repeats at row 1")) {
            try trainer.fitSideInformation(userIDs: [7, 7], userFactors: factors, itemIDs: [1, 2], itemFactors: factors)
        }
        var broken = factors
        broken[1, 0] = .nan
        #expect(throws: FusionError.nonFiniteFeature(block: "item factors", row: 1, column: 0)) {
            try trainer.fitSideInformation(userIDs: [1, 2], userFactors: factors, itemIDs: [1, 2], itemFactors: broken)
        }
        #expect(throws: FusionError.self) {
            try JointFactorization(.init(feedback: .explicit(), factorCount: 2))
                .fitSideInformation(userIDs: [1, 2], userFactors: factors, itemIDs: [1, 2], itemFactors: factors)
        }
    }
}
