import XCTest

@testable import IcebergSpec

/// Hashes and transforms against the examples in the Iceberg spec (Appendix B and the
/// truncate table).
final class TransformTests: XCTestCase {
    func testHashesMatchTheSpecTable() throws {
        XCTAssertEqual(Transform.hash(.int(34), .int), 2017239379)
        XCTAssertEqual(Transform.hash(.long(34), .long), 2017239379)
        XCTAssertEqual(
            Transform.hash(
                .decimal(try DecimalValues.parse("14.20", precision: 9, scale: 2)), .decimal(precision: 9, scale: 2)),
            -500754589)
        XCTAssertEqual(Transform.hash(.int(try TemporalValues.parseDate("2017-11-16")), .date), -653330422)
        XCTAssertEqual(
            Transform.hash(.long(try TemporalValues.parseTime("22:31:08", unitsPerSecond: 1_000_000)), .time),
            -662762989)
        let ts = try TemporalValues.parseTimestamp("2017-11-16T22:31:08", unitsPerSecond: 1_000_000, withZone: false)
        XCTAssertEqual(Transform.hash(.long(ts), .timestamp), -2047944441)
        XCTAssertEqual(Transform.hash(.long(ts + 1), .timestamp), -1207196810)
        let tstz = try TemporalValues.parseTimestamp(
            "2017-11-16T14:31:08.000001-08:00", unitsPerSecond: 1_000_000, withZone: true)
        XCTAssertEqual(Transform.hash(.long(tstz), .timestamptz), -1207196810)
        let ns = try TemporalValues.parseTimestamp(
            "2017-11-16T22:31:08.000001001", unitsPerSecond: 1_000_000_000, withZone: false)
        XCTAssertEqual(Transform.hash(.long(ns), .timestampNs), -1207196810)
        XCTAssertEqual(Transform.hash(.string("iceberg"), .string), 1210000089)
        XCTAssertEqual(
            Transform.hash(.bytes(ByteText.parseUUID("f79c3e09-677c-4bbd-a479-3f349cb785e7")!), .uuid), 1488055340)
        XCTAssertEqual(Transform.hash(.bytes([0, 1, 2, 3]), .fixed(length: 4)), -188683207)
        XCTAssertEqual(Transform.hash(.bytes([0, 1, 2, 3]), .binary), -188683207)
        XCTAssertEqual(Transform.hash(.boolean(true), .boolean), 1392991556)
        XCTAssertEqual(Transform.hash(.double(1.0), .double), -142385009)
        XCTAssertEqual(Transform.hash(.double(-0.0), .double), 1669671676)
        XCTAssertEqual(Transform.hash(.float(1.0), .float), -142385009)
    }

    func testTruncateMatchesTheSpecTable() throws {
        XCTAssertEqual(Transform.truncate(10).apply(.int(1), source: .int), .int(0))
        XCTAssertEqual(Transform.truncate(10).apply(.int(-1), source: .int), .int(-10))
        XCTAssertEqual(Transform.truncate(10).apply(.long(-1), source: .long), .long(-10))
        XCTAssertEqual(
            Transform.truncate(50).apply(.decimal(1065), source: .decimal(precision: 9, scale: 2)), .decimal(1050))
        XCTAssertEqual(Transform.truncate(3).apply(.string("iceberg"), source: .string), .string("ice"))
        XCTAssertEqual(Transform.truncate(2).apply(.string("日本語"), source: .string), .string("日本"))
        XCTAssertEqual(Transform.truncate(3).apply(.bytes([1, 2, 3, 4, 5]), source: .binary), .bytes([1, 2, 3]))
    }

    func testTemporalTransformsAndBucket() throws {
        let ts = try TemporalValues.parseTimestamp("2017-11-16T22:31:08", unitsPerSecond: 1_000_000, withZone: false)
        XCTAssertEqual(Transform.year.apply(.long(ts), source: .timestamp), .int(47))
        XCTAssertEqual(Transform.month.apply(.long(ts), source: .timestamp), .int(47 * 12 + 10))
        XCTAssertEqual(Transform.day.apply(.long(ts), source: .timestamp), .int(17486))
        XCTAssertEqual(Transform.hour.apply(.long(ts), source: .timestamp), .int(17486 * 24 + 22))
        XCTAssertEqual(Transform.day.apply(.int(17486), source: .date), .int(17486))
        // Before the epoch, floor division.
        XCTAssertEqual(Transform.day.apply(.long(-1), source: .timestamptz), .int(-1))
        XCTAssertEqual(Transform.month.apply(.int(-1), source: .date), .int(-1))
        XCTAssertEqual(Transform.year.apply(.int(-1), source: .date), .int(-1))
        XCTAssertEqual(Transform.hour.apply(.long(-1), source: .timestamp), .int(-1))
        XCTAssertEqual(Transform.bucket(16).apply(.long(34), source: .long), .int(2017239379 % 16))
        XCTAssertEqual(Transform.void.apply(.long(34), source: .long), nil)
        XCTAssertNil(Transform.day.apply(nil, source: .date))
        XCTAssertEqual(Transform.month.pathValue(.int(47 * 12 + 10), source: .timestamp), "2017-11")
        XCTAssertEqual(Transform.hour.pathValue(.int(17486 * 24 + 22), source: .timestamp), "2017-11-16-22")
        XCTAssertEqual(Transform("bucket[16]"), .bucket(16))
        XCTAssertEqual(Transform("truncate[4]").description, "truncate[4]")
        XCTAssertFalse(Transform.hour.canTransform(.date))
    }

    func testSingleValueSerialization() throws {
        XCTAssertEqual(Literal.int(1).serialized(as: .int), [1, 0, 0, 0])
        XCTAssertEqual(Literal.long(-1).serialized(as: .long), [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        XCTAssertEqual(Literal.decimal(1420).serialized(as: .decimal(precision: 9, scale: 2)), [0x05, 0x8C])
        XCTAssertEqual(Literal.decimal(-1).serialized(as: .decimal(precision: 9, scale: 2)), [0xFF])
        XCTAssertEqual(Literal.decimal(128).serialized(as: .decimal(precision: 9, scale: 2)), [0x00, 0x80])
        XCTAssertEqual(Literal.string("é").serialized(as: .string), [0xC3, 0xA9])
        XCTAssertEqual(Literal.deserialize([0x05, 0x8C], as: .decimal(precision: 9, scale: 2)), .decimal(1420))
        XCTAssertEqual(Literal.deserialize([1, 0, 0, 0], as: .long), .long(1))
        XCTAssertEqual(Literal.deserialize(Literal.double(2.5).serialized(as: .double), as: .double), .double(2.5))
    }
}
