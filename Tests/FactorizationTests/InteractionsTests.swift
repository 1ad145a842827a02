import Factorization
import LinearAlgebra
import Testing

@Suite("Interactions")
struct InteractionsTests {
    typealias Data = Interactions<String, Int>

    static let records: [Data.Record] = [
        .init(user: "u", item: 20, value: 1, timestamp: 5),
        .init(user: "v", item: 10, value: 2, timestamp: 1),
        .init(user: "u", item: 10, value: 3, timestamp: 2),
        .init(user: "u", item: 20, value: 4, timestamp: 3),
        .init(user: "u", item: 20, value: 2, timestamp: 9),
    ]

    @Test("CSR by user and by item, ids in first-appearance order")
    func layout() throws {
        let data = try Data(Self.records, duplicates: .sum)
        #expect(data.userIDs.ids == ["u", "v"])
        #expect(data.itemIDs.ids == [20, 10])
        #expect(data.count == 3)
        #expect(data.byUser.rowOffsets == [0, 2, 3])
        #expect(data.byUser.columnIndices == [0, 1, 1])
        #expect(data.byUser.values == [7, 3, 2])
        #expect(data.byItem == data.byUser.transposed())
        #expect(data.timestamps == [9, 2, 1])
        #expect(Array(data.users(ofItem: 1)) == [0, 1])
    }

    @Test("duplicate policies", arguments: [
        (Data.DuplicatePolicy.sum, 7.0, 9), (.last, 2.0, 9), (.max, 4.0, 3),
    ])
    func duplicates(policy: Data.DuplicatePolicy, value: Double, stamp: Int) throws {
        let data = try Data(Self.records, duplicates: policy)
        #expect(data.byUser[0, 0] == value)
        #expect(data.timestamps?[0] == stamp)
    }

    @Test("non-finite values throw naming the record")
    func nonFinite() {
        #expect(throws: FactorizationError.nonFiniteValue(record: 1, user: "v", item: "10", value: .infinity)) {
            try Data([.init(user: "u", item: 1, value: 1), .init(user: "v", item: 10, value: .infinity)])
        }
    }

    @Test("given maps keep their indices; records round-trip")
    func givenMaps() throws {
        let train = try Data(Self.records)
        let test = try Data([.init(user: "w", item: 10, value: 1), .init(user: "v", item: 30, value: 1)],
                            userIDs: train.userIDs, itemIDs: train.itemIDs)
        #expect(test.userIDs.ids == ["u", "v", "w"])
        #expect(test.itemIDs.ids == [20, 10, 30])
        #expect(test.byUser.nonZeroCount(inRow: 0) == 0)
        #expect(test.timestamps == nil)
        let again = try Data(train.records)
        #expect(again.byUser == train.byUser)
        #expect(again.timestamps == train.timestamps)
    }

    @Test("popularity scores are training interaction counts", arguments: [false, true])
    func popularity(asFloat: Bool) throws {
        let data = try Data(Self.records)
        if asFloat {
            let model = Popularity<Float, String, Int>(fitting: data)
            #expect(try model.score(user: "v", item: 20) == 1)
            #expect(model.score(userIndex: 0, itemIndex: 1) == 2)
        } else {
            let model = Popularity<Double, String, Int>(fitting: data)
            #expect(try model.score(user: "v", item: 20) == 1)
            #expect(model.score(userIndex: 0, itemIndex: 1) == 2)
            #expect(model.factorCount == 1)
            #expect(throws: FactorizationError.unknownID(kind: "item", id: "99")) { try model.score(user: "u", item: 99) }
        }
    }
}
