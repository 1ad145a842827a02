import FusionRecTestSupport
import Factorization
import LinearAlgebra
import Testing

@Suite("Fold-in")
struct FoldInTests {
    @Test("folding in an existing user of a converged implicit model reproduces its factors")
    func implicitFoldInReproducesUser() throws {
        let data = try PlantedData.clusteredImplicit(users: 60, items: 50, clusters: 2, inside: 0.4, outside: 0.05, seed: 2)
        let model = try ImplicitAlternatingLeastSquares(.init(
            factorCount: 4, regularization: 1, alpha: 2, values: .raw, iterationCount: 200, solver: .cholesky))
            .fit(data, as: Double.self)
        for u in [0, 17, 59] {
            let entries = data.byUser.entryRange(ofRow: u).map {
                (item: data.itemIDs.id(at: Int(data.byUser.columnIndices[$0])), value: data.byUser.values[$0])
            }
            let (factors, bias) = try model.userFactors(foldingIn: entries)
            #expect(bias == nil)
            for (a, b) in zip(factors, model.userFactors.row(u)) { #expect(abs(a - b) < 1e-6) }
        }
    }

    @Test("folding in an existing item of a converged explicit model reproduces its factors and bias")
    func explicitFoldInReproducesItem() throws {
        let (data, _) = try PlantedData.lowRankRatings(users: 50, items: 40, rank: 3, density: 0.3, seed: 8)
        let model = try AlternatingLeastSquares(.init(factorCount: 3, regularization: 2, iterationCount: 300))
            .fit(data, as: Double.self)
        // The last half-step was the items', so item rows agree with fold-in up to the final μ update.
        for i in [0, 13, 39] {
            let entries = data.byItem.entryRange(ofRow: i).map {
                (user: data.userIDs.id(at: Int(data.byItem.columnIndices[$0])), value: data.byItem.values[$0])
            }
            let (factors, bias) = try model.itemFactors(foldingIn: entries)
            for (a, b) in zip(factors, model.itemFactors.row(i)) { #expect(abs(a - b) < 1e-6) }
            #expect(abs(bias! - model.itemBiases![i]) < 1e-6)
        }
    }

    @Test("folded-in users are added to the model and ranked like trained ones")
    func foldingInAddsUsers() throws {
        let data = try PlantedData.clusteredImplicit(users: 60, items: 50, clusters: 2, inside: 0.5, outside: 0.02, seed: 4)
        let model = try ImplicitAlternatingLeastSquares(.init(factorCount: 2, regularization: 0.1, alpha: 10,
                                                              values: .binary, iterationCount: 10))
            .fit(data, as: Float.self)
        // A new user who liked items of group 0 (even ids).
        let likes = [0, 2, 4, 6, 8].map { (item: $0, value: 1.0) }
        let extended = try model.foldingInUsers([(id: 1000, interactions: likes), (id: 0, interactions: likes)])
        #expect(extended.userIDs.count == model.userIDs.count + 1)
        let index = try #require(extended.userIDs.index(of: 1000))
        #expect(extended.userFactors.row(index) == (try model.userFactors(foldingIn: likes)).factors)
        #expect(extended.userFactors.row(extended.userIDs.index(of: 0)!) == extended.userFactors.row(index))
        #expect(extended.itemFactors == model.itemFactors)
        let even = try extended.score(user: 1000, item: 10), odd = try extended.score(user: 1000, item: 11)
        #expect(even > odd)
        let newItem = try extended.foldingInItems([(id: 5000, interactions: [(user: 1000, value: 1)])])
        #expect(newItem.itemIDs.count == model.itemIDs.count + 1)
    }

    @Test("adding users and items with given factors replaces known rows and appends new ones; bad rows throw")
    func addingGivenFactors() throws {
        let (data, _) = try PlantedData.lowRankRatings(users: 12, items: 10, rank: 2, density: 0.6, seed: 3)
        let model = try AlternatingLeastSquares(.init(factorCount: 2, regularization: 1, iterationCount: 3))
            .fit(data, as: Double.self)
        let factors = try Matrix<Double>(rowCount: 2, columnCount: 2, elements: [1, 2, 3, 4])
        let users = try model.addingUsers([0, 500], factors: factors, biases: [0.5, -0.5])
        #expect(users.userIDs.count == model.userIDs.count + 1)
        #expect(users.userFactors.row(users.userIDs.index(of: 0)!) == [1, 2])
        #expect(users.userFactors.row(users.userIDs.index(of: 500)!) == [3, 4])
        #expect(users.userBiases?[users.userIDs.index(of: 500)!] == -0.5)
        #expect(users.itemFactors == model.itemFactors && users.foldInRule == model.foldInRule)
        let items = try model.addingItems([900], factors: Matrix(rowCount: 1, columnCount: 2, repeating: 1))
        #expect(items.itemFactors.row(items.itemIDs.index(of: 900)!) == [1, 1])
        #expect(items.itemBiases?.last == 0)
        #expect(throws: FactorizationError.self) { try model.addingUsers([1, 2], factors: factors.transposed().droppingLastColumn()) }
        #expect(throws: FactorizationError.self) { try model.addingItems([1], factors: Matrix(rowCount: 1, columnCount: 2, repeating: .nan)) }
        #expect(throws: FactorizationError.self) { try model.addingItems([1, 2], factors: factors, biases: [0]) }
    }

    @Test("fold-in rejects unknown ids and non-finite values")
    func foldInErrors() throws {
        let (data, _) = try PlantedData.lowRankRatings(users: 10, items: 8, rank: 2, density: 0.5, seed: 1)
        let model = try AlternatingLeastSquares(.init(factorCount: 2, iterationCount: 2)).fit(data, as: Float.self)
        #expect(throws: FactorizationError.unknownID(kind: "item", id: "77")) {
            try model.userFactors(foldingIn: [(item: 77, value: 3)])
        }
        #expect(throws: FactorizationError.self) {
            try model.userFactors(foldingIn: [(item: 1, value: .infinity)])
        }
        let (factors, bias) = try model.userFactors(foldingIn: [])
        #expect(factors == [0, 0] && bias == 0)
        let unchanged = try model.foldingInUsers([])
        #expect(unchanged.userFactors == model.userFactors && unchanged.userIDs == model.userIDs)
    }
}
