/// The `meta` section: UTF-8 lines `key=value`, keys unique, in the order written.
///
/// Values are single-line texts; numbers use Swift's shortest round-trip description, so
/// a `Double` read back has exactly the bits written.
package struct _Metadata {
    package static let section = "meta"
    package static let maximumLength = 1 << 16

    package private(set) var entries: [(key: String, value: String)] = []
    private var values: [String: String] = [:]

    package init() {}

    /// Parses the `meta` section of a validated container.
    package init(_ sections: [String: ArraySlice<UInt8>]) throws(ModelFileError) {
        guard let bytes = sections[Self.section] else { throw .missingSection(Self.section) }
        guard bytes.count <= Self.maximumLength else {
            throw .invalidSection(section: Self.section, reason: "\(bytes.count) bytes, at most \(Self.maximumLength) allowed")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .invalidSection(section: Self.section, reason: "not valid UTF-8")
        }
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            guard let equals = line.firstIndex(of: "=") else {
                throw .invalidSection(section: Self.section, reason: "line \(number + 1) has no '='")
            }
            let key = String(line[..<equals]), value = String(line[line.index(after: equals)...])
            guard values[key] == nil else {
                throw .invalidSection(section: Self.section, reason: "key '\(key)' repeats")
            }
            values[key] = value
            entries.append((key, value))
        }
    }

    package mutating func set(_ key: String, _ value: some CustomStringConvertible) {
        let text = value.description
        precondition(!key.contains("=") && !key.contains("\n") && !text.contains("\n"), "bad metadata \(key)=\(text)")
        precondition(values[key] == nil, "metadata key \(key) set twice")
        values[key] = text
        entries.append((key, text))
    }

    package var bytes: [UInt8] { Array(entries.map { "\($0.key)=\($0.value)\n" }.joined().utf8) }

    package func string(_ key: String) throws(ModelFileError) -> String {
        guard let value = values[key] else { throw .invalidSection(section: Self.section, reason: "no '\(key)'") }
        return value
    }

    package func parse<T>(_ key: String, _ what: String, _ parse: (String) -> T?) throws(ModelFileError) -> T {
        let text = try string(key)
        guard let value = parse(text) else {
            throw .invalidSection(section: Self.section, reason: "'\(key)' = '\(text)' is not \(what)")
        }
        return value
    }

    /// A non-negative integer no larger than `limit`.
    package func count(_ key: String, limit: Int = 1 << 40) throws(ModelFileError) -> Int {
        try parse(key, "a count up to \(limit)") { Int($0).flatMap { $0 >= 0 && $0 <= limit ? $0 : nil } }
    }

    package func boolean(_ key: String) throws(ModelFileError) -> Bool {
        try parse(key, "true or false") { Bool($0) }
    }

    /// A finite `Double`.
    package func number(_ key: String) throws(ModelFileError) -> Double {
        try parse(key, "a finite number") { Double($0).flatMap { $0.isFinite ? $0 : nil } }
    }

    /// The width in bytes of the scalars stored in the file: 4 (`float32`) or 8 (`float64`).
    package func scalarWidth() throws(ModelFileError) -> Int {
        try parse("scalar", "float32 or float64") { ["float32": 4, "float64": 8][$0] }
    }
}
