import Foundation
@testable import movie_service
import Testing

@Suite("The write body read directly")
struct RecordRequestTests {
    static func direct(_ text: String) -> API.RecordRequest? {
        Array(text.utf8).withUnsafeBytes(API.RecordRequest.init(directlyFrom:))
    }

    static func decoded(_ text: String) -> API.RecordRequest? {
        try? JSONDecoder().decode(API.RecordRequest.self, from: Data(text.utf8))
    }

    @Test("Usual bodies are read directly, as JSONDecoder reads them", arguments: [
        #"{"interactions":[{"user":1,"item":2,"value":1}]}"#,
        #"{"interactions":[{"user":671,"item":163949,"value":4.5},{"user":1,"item":31}]}"#,
        #"{"interactions":[{"item":2,"value":null,"user":-3}]}"#,
        " \n{ \"interactions\" :\t[ { \"value\" : -0.25e-3 , \"user\" : 0 , \"item\" : 9223372036854775807 } ] }\r\n",
        #"{"interactions":[{"user":1,"item":2,"value":1E+2}, {"user":1,"item":2,"value":0.1}]}"#,
        #"{"interactions":[]}"#,
    ])
    func usual(_ text: String) throws {
        let direct = try #require(Self.direct(text))
        #expect(direct == Self.decoded(text))
    }

    @Test("Anything else is left to JSONDecoder", arguments: [
        #"{"interactions":[{"user":1.0,"item":2}]}"#,
        #"{"interactions":[{"user":1,"item":2e0}]}"#,
        #"{"interactions":[{"user":1,"item":2,"note":"x"}]}"#,
        #"{"interactions":[{"user":1,"user":2,"item":2}]}"#,
        #"{"interactions":[{"user":1,"item":2,"value":1,"value":2}]}"#,
        #"{"interactions":[{"user":1,"item":2}],"other":1}"#,
        #"{"inter\u0061ctions":[{"user":1,"item":2}]}"#,
        #"{"interactions":[{"user":1,"item":2}]} x"#,
        #"{"interactions":[{"user":1,"item":2,}]}"#,
        #"{"interactions":[{"user":1,"item":2}],}"#,
        #"{"interactions":[{"user":01,"item":2}]}"#,
        #"{"interactions":[{"user":1,"item":99999999999999999999}]}"#,
        #"{"interactions":[{"user":1,"item":2,"value":1e999}]}"#,
        #"{"interactions":[{"user":1,"item":2,"value":.5}]}"#,
        #"{"interactions":[{"user":1,"item":2,"value":1.}]}"#,
        #"{"interactions":[{"user":1,"item":2,"value":"1"}]}"#,
        #"{"interactions":[{"user":1}]}"#,
        #"{"interactions":[{"user":1,"item":2}"#,
        #"{"interactions":{}}"#,
        #"[]"#,
        "",
    ])
    func declined(_ text: String) {
        #expect(Self.direct(text) == nil)
    }

    @Test("Whatever it reads, JSONDecoder reads the same; every prefix of a body is declined or read alike")
    func prefixes() {
        let text = #"{"interactions":[{"user":12,"item":345,"value":2.5},{"value":null,"item":6,"user":7}]}"#
        let bytes = Array(text.utf8)
        for end in 0...bytes.count {
            let prefix = String(decoding: bytes[0..<end], as: UTF8.self)
            if let direct = Self.direct(prefix) { #expect(direct == Self.decoded(prefix), "prefix \(end)") }
        }
        #expect(Self.direct(text) != nil)
    }
}
