extension API.RecordRequest {
    /// Reads the body of a write, `{"interactions":[{"user":1,"item":2,"value":1}]}`,
    /// directly from its bytes: `JSONDecoder` took ~10 % of a write-only load's processor
    /// time for these few bytes.
    ///
    /// Accepts the usual shape only: keys in any order, any JSON whitespace, ids as plain
    /// integers, `value` a number, `null` or absent. Returns `nil` for anything else
    /// (other or repeated keys, escapes, an id written `1.0` or `1e3`, a number out of
    /// range, trailing bytes, invalid JSON), and the caller decodes with `JSONDecoder`,
    /// which accepts or rejects the body with its own message. A body this accepts
    /// decodes to what `JSONDecoder` gives (tests compare the two).
    init?(directlyFrom bytes: UnsafeRawBufferPointer) {
        var scanner = _BodyScanner(bytes)
        guard scanner.take(UInt8(ascii: "{")), scanner.key() == "interactions", scanner.take(UInt8(ascii: "[")) else {
            return nil
        }
        var interactions: [API.Interaction] = []
        if !scanner.take(UInt8(ascii: "]")) {
            repeat {
                guard let interaction = scanner.interaction() else { return nil }
                interactions.append(interaction)
            } while scanner.take(UInt8(ascii: ","))
            guard scanner.take(UInt8(ascii: "]")) else { return nil }
        }
        guard scanner.take(UInt8(ascii: "}")), scanner.atEnd else { return nil }
        self.init(interactions: interactions)
    }
}

/// A forward-only reader of the JSON tokens ``API/RecordRequest/init(directlyFrom:)``
/// accepts; every method returns `nil` or `false` where the bytes are anything else.
private struct _BodyScanner {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Whether only whitespace is left.
    var atEnd: Bool {
        mutating get {
            skipWhitespace()
            return index == bytes.count
        }
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// Consumes `byte` after any whitespace, if it is next.
    mutating func take(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// A key without escapes and the colon after it.
    mutating func key() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            guard bytes[index] != UInt8(ascii: "\\"), bytes[index] >= 0x20 else { return nil }
            index += 1
        }
        guard index < bytes.count else { return nil }
        let key = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        index += 1
        return take(UInt8(ascii: ":")) ? key : nil
    }

    /// `{"user": …, "item": …, "value": …}` in any order, `value` optional.
    mutating func interaction() -> API.Interaction? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var user: Int?, item: Int?, value: Double?, sawValue = false
        repeat {
            switch key() {
            case "user" where user == nil:
                guard let id = integer() else { return nil }
                user = id
            case "item" where item == nil:
                guard let id = integer() else { return nil }
                item = id
            case "value" where !sawValue:
                sawValue = true
                if takeNull() { continue }
                guard let number = number() else { return nil }
                value = number
            default: return nil
            }
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")), let user, let item else { return nil }
        return API.Interaction(user: user, item: item, value: value)
    }

    mutating func takeNull() -> Bool {
        skipWhitespace()
        guard bytes.count - index >= 4, bytes[index..<index + 4].elementsEqual("null".utf8) else { return false }
        index += 4
        return true
    }

    /// A JSON number that is a plain integer in `Int`'s range.
    mutating func integer() -> Int? {
        guard let (text, isInteger) = numberText(), isInteger else { return nil }
        return Int(text)
    }

    /// A finite JSON number.
    mutating func number() -> Double? {
        guard let (text, _) = numberText(), let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// The text of a number by JSON's grammar, and whether it has neither fraction nor
    /// exponent.
    mutating func numberText() -> (String, Bool)? {
        skipWhitespace()
        let start = index
        func digits() -> Int {
            let first = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - first
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if digits() == 0 {
            return nil
        }
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return nil }
            isInteger = false
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return nil }
            isInteger = false
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        return (text, isInteger)
    }
}
