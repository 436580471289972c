import JSONSupport
import XCTest

@testable import Iceberg
@testable import Parquet

final class SchemaJSONTests: XCTestCase {
    /// The nested schema example from the Iceberg table spec's JSON appendix, in Java's spelling.
    let specSchema = """
        {"type":"struct","schema-id":1,"identifier-field-ids":[1],"fields":[
          {"id":1,"name":"id","required":true,"type":"long","doc":"unique id"},
          {"id":2,"name":"price","required":false,"type":"decimal(9, 2)"},
          {"id":3,"name":"tags","required":false,"type":{"type":"list","element-id":4,"element":"string","element-required":true}},
          {"id":5,"name":"props","required":false,"type":{"type":"map","key-id":6,"key":"string","value-id":7,"value":"fixed[16]","value-required":false}},
          {"id":8,"name":"location","required":false,"type":{"type":"struct","fields":[
            {"id":9,"name":"lat","required":true,"type":"float"},{"id":10,"name":"at","required":false,"type":"timestamptz_ns"}]}}
        ]}
        """

    func testParsesAndSerializesTheSpecForm() throws {
        let schema = try Schema(jsonText: specSchema)
        XCTAssertEqual(schema.schemaId, 1)
        XCTAssertEqual(schema.identifierFieldIds, [1])
        XCTAssertEqual(schema.fields[1].type, .decimal(precision: 9, scale: 2))
        XCTAssertEqual(schema.fields[0].doc, "unique id")
        XCTAssertEqual(schema.field(at: "location.at")?.type, .timestamptzNs)
        XCTAssertEqual(schema.highestFieldId, 10)
        guard case .map(let m) = schema.fields[3].type else { return XCTFail() }
        XCTAssertEqual(m.value, .fixed(length: 16))
        XCTAssertFalse(m.valueRequired)
        // Round trip through our JSON.
        let again = try Schema(json: schema.json)
        XCTAssertEqual(again, schema)
        XCTAssertEqual(schema.json["fields"]?.arrayValue?[1]["type"], .string("decimal(9,2)"))
    }

    func testRejectsInvalidSchemas() {
        XCTAssertThrowsError(
            try Schema(
                jsonText:
                    #"{"type":"struct","fields":[{"id":1,"name":"a","required":true,"type":"long"},{"id":1,"name":"b","required":true,"type":"int"}]}"#
            )
        ) {
            XCTAssertTrue("\($0)".contains("field id 1"))
        }
        XCTAssertThrowsError(
            try Schema(jsonText: #"{"type":"struct","fields":[{"id":1,"name":"a","required":true,"type":"varchar"}]}"#)
        ) {
            XCTAssertTrue("\($0)".contains("unknown type 'varchar'"))
        }
        XCTAssertThrowsError(
            try Schema(
                jsonText: #"{"type":"struct","fields":[{"id":1,"name":"a","required":true,"type":"decimal(50,2)"}]}"#))
        XCTAssertThrowsError(try Schema(jsonText: #"{"type":"struct","fields":[{"id":1,"name":"a","type":"int"}]}"#)) {
            XCTAssertTrue("\($0)".contains("required"))
        }
        XCTAssertThrowsError(try Schema(jsonText: "{not json"))
    }

    func testParquetMappingFollowsTheSpecAppendix() throws {
        let schema = try Schema(jsonText: specSchema)
        let parquet = try schema.parquetSchema()
        let cols = parquet.columns
        XCTAssertEqual(
            cols.map { $0.path.joined(separator: ".") },
            [
                "id", "price", "tags.list.element", "props.key_value.key", "props.key_value.value", "location.lat",
                "location.at",
            ])
        XCTAssertEqual(cols[1].physicalType, .int32)
        XCTAssertEqual(cols[1].logicalType, .decimal(precision: 9, scale: 2))
        XCTAssertEqual(cols[2].node.element.fieldId, 4)
        XCTAssertEqual(cols[2].maxDefinitionLevel, 2)
        XCTAssertEqual(cols[2].maxRepetitionLevel, 1)
        XCTAssertEqual(cols[4].physicalType, .fixedLenByteArray)
        XCTAssertEqual(cols[4].typeLength, 16)
        XCTAssertEqual(cols[6].logicalType, .timestamp(isAdjustedToUTC: true, unit: .nanos))
        XCTAssertEqual(parquet.node(at: ["tags"])?.element.logicalType, .list)
        XCTAssertEqual(parquet.node(at: ["props"])?.element.convertedType, .map)
        let decimals = try Schema(fields: [
            .required(1, "a", .decimal(precision: 18, scale: 0)), .required(2, "b", .decimal(precision: 19, scale: 0)),
            .required(3, "c", .decimal(precision: 38, scale: 10)), .required(4, "u", .uuid),
        ]).parquetSchema().columns
        XCTAssertEqual(
            decimals.map(\.physicalType), [.int64, .fixedLenByteArray, .fixedLenByteArray, .fixedLenByteArray])
        XCTAssertEqual(decimals.map(\.typeLength), [0, 9, 16, 16])
        XCTAssertEqual(decimals[3].logicalType, .uuid)
    }
}

final class ValueConventionTests: XCTestCase {
    func testDatesAndTimestampsMatchTheSpecExamples() throws {
        // Spec: date 2017-11-16 is 17486; time 22:31:08 is 81068000000 µs; timestamp 2017-11-16T22:31:08 is 1510871468000000 µs.
        XCTAssertEqual(try TemporalValues.parseDate("2017-11-16"), 17486)
        XCTAssertEqual(TemporalValues.formatDate(17486), "2017-11-16")
        XCTAssertEqual(try TemporalValues.parseTime("22:31:08", unitsPerSecond: 1_000_000), 81_068_000_000)
        XCTAssertEqual(
            try TemporalValues.parseTimestamp("2017-11-16T22:31:08", unitsPerSecond: 1_000_000, withZone: false),
            1_510_871_468_000_000)
        XCTAssertEqual(
            try TemporalValues.parseTimestamp("2017-11-16T14:31:08-08:00", unitsPerSecond: 1_000_000, withZone: true),
            1_510_871_468_000_000)
        XCTAssertEqual(
            try TemporalValues.parseTimestamp(
                "2017-11-16T22:31:08.123456789Z", unitsPerSecond: 1_000_000_000, withZone: true),
            1_510_871_468_123_456_789)
        XCTAssertEqual(
            TemporalValues.formatTimestamp(1_510_871_468_123_456, unitsPerSecond: 1_000_000, utc: true),
            "2017-11-16T22:31:08.123456+00:00")
        XCTAssertEqual(
            TemporalValues.formatTimestamp(-1, unitsPerSecond: 1_000_000_000, utc: false),
            "1969-12-31T23:59:59.999999999")
        XCTAssertEqual(TemporalValues.formatTime(81_068_123_456, unitsPerSecond: 1_000_000), "22:31:08.123456")
        XCTAssertThrowsError(
            try TemporalValues.parseTimestamp("2017-11-16T22:31:08", unitsPerSecond: 1_000_000, withZone: true))
        XCTAssertThrowsError(
            try TemporalValues.parseTimestamp("2017-11-16T22:31:08+00:00", unitsPerSecond: 1_000_000, withZone: false))
        XCTAssertThrowsError(try TemporalValues.parseDate("2017-02-29"))
        XCTAssertThrowsError(try TemporalValues.parseTime("24:00:00", unitsPerSecond: 1_000_000))
        XCTAssertThrowsError(
            try TemporalValues.parseTimestamp("2017-11-16T22:31:08.1234567", unitsPerSecond: 1_000_000, withZone: false)
        )
    }

    func testDecimals() throws {
        XCTAssertEqual(try DecimalValues.parse("14.20", precision: 9, scale: 2), 1420)
        XCTAssertEqual(try DecimalValues.parse("-0.5", precision: 9, scale: 2), -50)
        XCTAssertEqual(try DecimalValues.parse("7", precision: 9, scale: 2), 700)
        XCTAssertEqual(try DecimalValues.parse("1.230", precision: 9, scale: 2), 123)
        XCTAssertThrowsError(try DecimalValues.parse("1.234", precision: 9, scale: 2))
        XCTAssertThrowsError(try DecimalValues.parse("12345678.00", precision: 9, scale: 2))
        XCTAssertThrowsError(try DecimalValues.parse("1e5", precision: 9, scale: 2))
        XCTAssertEqual(DecimalValues.format(-5, scale: 2), "-0.05")
        XCTAssertEqual(DecimalValues.format(1420, scale: 2), "14.20")
        XCTAssertEqual(DecimalValues.format(42, scale: 0), "42")
        let big = try DecimalValues.parse("-99999999999999999999999999999999999999", precision: 38, scale: 0)
        XCTAssertEqual(DecimalValues.unscaled(fromBigEndian: DecimalValues.bytes(big, width: 16)), big)
        XCTAssertEqual(DecimalValues.bytes(-1, width: 3), [0xFF, 0xFF, 0xFF])
    }

    func testUUIDAndHex() {
        let u = ByteText.parseUUID("f79c3e09-677c-4bbd-a479-3f349cb785e7")!
        XCTAssertEqual(u.count, 16)
        XCTAssertEqual(ByteText.uuid(u), "f79c3e09-677c-4bbd-a479-3f349cb785e7")
        XCTAssertNil(ByteText.parseUUID("f79c3e09677c4bbda4793f349cb785e7"))
        XCTAssertEqual(ByteText.parseHex("00FFab"), [0, 255, 171])
        XCTAssertNil(ByteText.parseHex("abc"))
    }

    func testJSONNumbersAndStrings() throws {
        XCTAssertEqual(try JSONValue.parse("9223372036854775807"), .int(Int64.max))
        XCTAssertEqual(try JSONValue.parse("-9223372036854775808"), .int(Int64.min))
        XCTAssertEqual(try JSONValue.parse("0.1"), .double(0.1))
        XCTAssertEqual(try JSONValue.parse("123456789012345678.5"), .double(123456789012345678.5))
        XCTAssertEqual(try JSONValue.parse("1e-7"), .double(1e-7))
        XCTAssertEqual(try JSONValue.parse(#""a\u00e9\ud83d\ude00\n""#), .string("aé😀\n"))
        XCTAssertThrowsError(try JSONValue.parse("01"))
        XCTAssertThrowsError(try JSONValue.parse(#""\ud83d""#))
        XCTAssertThrowsError(try JSONValue.parse("[1,]"))
        XCTAssertThrowsError(try JSONValue.parse(String(repeating: "[", count: 1000)))
        XCTAssertEqual(JSONValue.object([("a", .string("x\"y"))]).serialized(), #"{"a":"x\"y"}"#)
    }
}

final class ShredderTests: XCTestCase {
    func shred(_ schema: Schema, _ lines: [String]) throws -> JSONRowShredder {
        var s = try JSONRowShredder(schema: schema)
        for (i, l) in lines.enumerated() {
            let bytes = Array(l.utf8)
            try bytes.withUnsafeBufferPointer { try s.append(jsonLine: $0, rowNumber: i + 1) }
        }
        return s
    }

    func testErrorsNameTheRowAndField() throws {
        let schema = try Schema(fields: [
            .required(1, "id", .long), .optional(2, "s", .struct(StructType([.required(3, "x", .int)]))),
            .optional(4, "ts", .timestamptz),
        ])
        func expect(_ lines: [String], _ message: String, line: UInt = #line) {
            XCTAssertThrowsError(try shred(schema, lines), line: line) { XCTAssertEqual("\($0)", message, line: line) }
        }
        expect([#"{"id":1}"#, #"{"id":"2"}"#], "row 2, field 'id': expected an integer")
        expect([#"{"s":{"x":1}}"#], "row 1, field 'id': required field is missing")
        expect([#"{"id":1,"s":{"x":null}}"#], "row 1, field 's.x': required value is null")
        expect([#"{"id":1,"s":{"x":1,"y":2}}"#], "row 1, field 's.y': unknown field")
        expect([#"{"id":1,"s":{"x":3000000000}}"#], "row 1, field 's.x': expected a 32-bit integer")
        expect(
            [#"{"id":1,"ts":"2024-01-01T00:00:00"}"#],
            "row 1, field 'ts': invalid timestamptz: a timestamptz needs a UTC offset such as +00:00")
        expect([#"{"id":1,"id":2}"#], "row 1, field 'id': field given twice")
        expect([#"{"id":1} x"#], "row 1, field '': invalid JSON at byte 9: unexpected text after the row")
        expect([#"[1]"#], "row 1, field '': a row must be a JSON object")
    }

    func testStreamingAndParsedPathsAgree() throws {
        let schema = try Schema(
            jsonText: """
                {"type":"struct","fields":[{"id":1,"name":"a","required":false,"type":{"type":"list","element-id":2,"element-required":false,
                  "element":{"type":"map","key-id":3,"key":"string","value-id":4,"value-required":false,"value":"double"}}},
                  {"id":5,"name":"b","required":false,"type":"decimal(20,3)"}]}
                """)
        let lines = [
            #"{"a":[{"keys":["x"],"values":[1.5]},null,{"keys":[],"values":[]}],"b":"-1.5"}"#, #"{"a":[]}"#,
            #"{"b":12}"#, "{}",
        ]
        var streamed = try shred(schema, lines)
        var parsed = try JSONRowShredder(schema: schema)
        for (i, l) in lines.enumerated() { try parsed.append(try JSONValue.parse(l), rowNumber: i + 1) }
        XCTAssertEqual(streamed.takeColumns(), parsed.takeColumns())
    }
}
