import Hummingbird

/// Writes the hot paths' JSON straight into a byte buffer: the top-K answer, which
/// Foundation's `JSONEncoder` took 15 % of the service's processor time to write, and a
/// recorded write's acknowledgement. The other endpoints keep their `Codable` types. The
/// output is the JSON value `JSONEncoder` writes for ``API/Recommendations`` and
/// ``API/RecordResponse`` (absent optionals left out, numbers in their shortest round-trip
/// spelling); only `/` is left unescaped.
struct JSONWriter {
    private(set) var buffer: ByteBuffer

    init(capacity: Int) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// A 200 answer with the JSON written so far as its body.
    func response() -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: buffer))
    }

    mutating func raw(_ text: StaticString) {
        buffer.writeStaticString(text)
    }

    mutating func integer(_ value: Int) {
        buffer.writeString(String(value))
    }

    /// A finite number in its shortest round-trip spelling (`Double.description`, which
    /// JSON accepts for finite values); `null` otherwise.
    mutating func number(_ value: Double) {
        if value.isFinite { buffer.writeString(value.description) } else { buffer.writeStaticString("null") }
    }

    /// A JSON string: quotes, backslashes and control characters escaped.
    mutating func string(_ value: String) {
        buffer.writeInteger(UInt8(ascii: "\""))
        var utf8 = value.utf8[...]
        while let index = utf8.firstIndex(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            buffer.writeBytes(utf8[..<index])
            let byte = utf8[index]
            switch byte {
            case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case 0x0A: buffer.writeStaticString("\\n")
            case 0x0D: buffer.writeStaticString("\\r")
            case 0x09: buffer.writeStaticString("\\t")
            default:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                buffer.writeBytes([UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                   hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            }
            utf8 = utf8[utf8.index(after: index)...]
        }
        buffer.writeBytes(utf8)
        buffer.writeInteger(UInt8(ascii: "\""))
    }
}

extension API.Recommendations {
    /// The body as JSON, without `JSONEncoder`.
    func response() -> Response {
        var json = JSONWriter(capacity: 64 + 48 * items.count)
        json.raw("{\"user\":")
        json.integer(user)
        json.raw(",\"version\":")
        json.integer(version)
        json.raw(",\"items\":[")
        for (index, item) in items.enumerated() {
            json.raw(index == 0 ? "{\"id\":" : ",{\"id\":")
            json.integer(item.id)
            json.raw(",\"score\":")
            json.number(item.score)
            if let title = item.title {
                json.raw(",\"title\":")
                json.string(title)
            }
            if let year = item.year {
                json.raw(",\"year\":")
                json.integer(year)
            }
            if let genres = item.genres {
                json.raw(",\"genres\":[")
                for (g, genre) in genres.enumerated() {
                    if g > 0 { json.raw(",") }
                    json.string(genre)
                }
                json.raw("]")
            }
            json.raw("}")
        }
        json.raw("]}")
        return json.response()
    }
}

extension API.RecordResponse {
    /// The body every recorded write answers with, written directly (JSONEncoder was 5 % of
    /// a write-only load's processor time).
    func response() -> Response {
        var json = JSONWriter(capacity: 48)
        json.raw("{\"version\":")
        json.integer(version)
        json.raw(",\"recorded\":")
        json.integer(recorded)
        json.raw("}")
        return json.response()
    }
}
