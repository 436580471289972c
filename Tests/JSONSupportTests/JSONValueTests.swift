import JSONSupport
import XCTest

/// JSON parsing and writing: values, escapes, numbers, key order, and errors with offsets.
final class JSONValueTests: XCTestCase {
    func testRoundTripKeepsKeyOrderAndTypes() throws {
        let text = #"{"b":1,"a":[true,false,null],"c":{"x":-9223372036854775808,"y":1.5,"z":"q\"\\\n\u00e9\u2603"}}"#
        let value = try JSONValue.parse(text)
        guard case .object(let pairs) = value else { return XCTFail("not an object") }
        XCTAssertEqual(pairs.map(\.0), ["b", "a", "c"], "key order is kept")
        XCTAssertEqual(value["b"]?.intValue, 1)
        XCTAssertEqual(value["a"]?.arrayValue, [.bool(true), .bool(false), .null])
        XCTAssertEqual(value["c"]?["x"]?.intValue, Int64.min)
        XCTAssertEqual(value["c"]?["y"]?.doubleValue, 1.5)
        XCTAssertEqual(value["c"]?["z"]?.stringValue, "q\"\\\né☃")
        XCTAssertEqual(try JSONValue.parse(value.serialized()), value, "what we write parses back equal")
        var bytes = Array(value.serializedBytes(pretty: true))
        XCTAssertEqual(try JSONValue.parse(bytes: &bytes), value, "pretty output parses back equal")
    }

    func testSurrogatePairsAndControlCharacters() throws {
        XCTAssertEqual(try JSONValue.parse(#""\ud83d\ude00""#).stringValue, "😀")
        let written = JSONValue.string("tab\there\u{01}").serialized()
        XCTAssertEqual(written, #""tab\there\u0001""#)
    }

    func testMalformedInputNamesTheOffset() {
        let cases: [(String, Int)] = [("{\"a\": }", 6), ("[1, 2", 5), ("{\"a\" 1}", 5), ("tru", 0), ("\"abc", 4)]
        for (text, offset) in cases {
            XCTAssertThrowsError(try JSONValue.parse(text), text) { error in
                guard let e = error as? JSONParseError else { return XCTFail("\(text): \(error)") }
                XCTAssertEqual(e.offset, offset, "\(text): \(e)")
                XCTAssertTrue(e.description.hasPrefix("invalid JSON at byte \(offset)"), e.description)
            }
        }
    }

    func testDeepNestingIsRefusedNotACrash() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        XCTAssertThrowsError(try JSONValue.parse(deep))
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        XCTAssertNoThrow(try JSONValue.parse(fine))
    }
}
