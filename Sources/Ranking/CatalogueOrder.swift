/// The catalogue order of ids: ascending by id, numerically when every id's text
/// (`String(describing:)`) parses as an integer, otherwise by text (Unicode scalar order).
///
/// Rankings break score ties by this order, so results never depend on the order in
/// which ids happened to appear in the input.
///
/// - Returns: the positions of `ids` in catalogue order: `ids[result[0]]` comes first.
/// - Complexity: O(n log n).
public func catalogueOrder<ID>(of ids: [ID]) -> [Int] {
    let texts = ids.map { Array(String(describing: $0).unicodeScalars) }
    let numbers = texts.map { Int(String(String.UnicodeScalarView($0))) }
    let numeric = numbers.allSatisfy { $0 != nil }
    return ids.indices.sorted { lhs, rhs in
        if numeric, numbers[lhs]! != numbers[rhs]! { return numbers[lhs]! < numbers[rhs]! }
        if texts[lhs] != texts[rhs] { return texts[lhs].lexicographicallyPrecedes(texts[rhs]) }
        return lhs < rhs
    }
}
