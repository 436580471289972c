import Foundation
import JSONSupport
import XCTest

@testable import Iceberg
@testable import Parquet

/// The columnar scan path: filters evaluated on stored values agree with the row-at-a-time
/// predicate semantics, selection keeps nested records whole, and Codable rows round-trip.
final class ColumnarScanTests: XCTestCase {
    static let schema = try! Schema(fields: [
        .required(1, "id", .long), .optional(2, "i", .int), .optional(3, "d", .double), .optional(4, "f", .float),
        .optional(5, "s", .string), .optional(6, "small", .decimal(precision: 9, scale: 2)),
        .optional(7, "big", .decimal(precision: 22, scale: 3)), .optional(8, "day", .date),
        .optional(9, "flag", .boolean),
        .optional(10, "u", .uuid), .optional(11, "ts", .timestamptz),
        .optional(12, "tags", .list(ListType(elementId: 13, elementRequired: false, element: .string))),
        .optional(14, "loc", .struct(StructType([.optional(15, "city", .string), .required(16, "zip", .int)]))),
    ])

    /// Deterministic rows with nulls, NaN, negative numbers, shared prefixes and unicode.
    static func rows(_ count: Int) -> [JSONValue] {
        var state: UInt64 = 42
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        let words = ["apple", "apricot", "banana", "", "Äpfel", "zebra", "app", "日本"]
        return (0..<count).map { id in
            func maybe(_ v: JSONValue) -> JSONValue { next(7) == 0 ? .null : v }
            let d: JSONValue = next(15) == 0 ? .string("NaN") : .double(Double(next(200) - 100) / 4)
            return .object([
                ("id", .int(Int64(id))),
                ("i", maybe(.int(Int64(next(50) - 25)))),
                ("d", maybe(d)),
                ("f", maybe(next(12) == 0 ? .string("NaN") : .double(Double(next(40)) / 8))),
                ("s", maybe(.string(words[next(words.count)]))),
                ("small", maybe(.string(DecimalValues.format(Int128(next(20_000) - 10_000), scale: 2)))),
                (
                    "big",
                    maybe(.string(DecimalValues.format(Int128(next(1_000_000)) * 1_000_000_000_000 - 7, scale: 3)))
                ),
                ("day", maybe(.string(TemporalValues.formatDate(19_000 + next(30))))),
                ("flag", maybe(.bool(next(2) == 0))),
                (
                    "u",
                    maybe(
                        .string(
                            ["00000000-0000-0000-0000-000000000001", "f79c3e09-677c-4bbd-a479-3f349cb785e7"][next(2)]))
                ),
                (
                    "ts",
                    maybe(
                        .string(
                            TemporalValues.formatTimestamp(
                                1_700_000_000_000_000 + Int64(next(100)) * 3_600_000_000, unitsPerSecond: 1_000_000,
                                utc: true)))
                ),
                ("tags", maybe(.array((0..<next(4)).map { _ in maybe(.string(words[next(words.count)])) }))),
                (
                    "loc",
                    maybe(
                        .object([
                            ("city", maybe(.string(words[next(words.count)]))), ("zip", .int(Int64(next(99_999)))),
                        ]))
                ),
            ])
        }
    }

    /// One Parquet file of the rows, opened for the whole schema.
    static func reader(_ rows: [JSONValue], rowGroupRows: Int = 1 << 20) throws -> DataFileReader {
        var shredder = try JSONRowShredder(schema: schema)
        for (i, r) in rows.enumerated() { try shredder.append(r, rowNumber: i + 1) }
        let sink = MemorySink()
        var options = ParquetWriterOptions()
        options.rowGroupRows = rowGroupRows
        let writer = try ParquetWriter(sink: sink, schema: try schema.parquetSchema(), options: options)
        try writer.write(shredder.takeColumns())
        _ = try writer.close()
        return try DataFileReader(input: MemoryInput(sink.bytes), schema: schema)
    }

    func testColumnarFilterAgreesWithRowPredicates() throws {
        let rows = Self.rows(600)
        let batch = try Self.reader(rows).read(rowGroup: 0)
        XCTAssertEqual(batch.rowCount, rows.count)
        let filters = [
            "i < 0", "i <= -3", "i > 10", "i >= 24", "i = 7", "i != 7", "i in (1, 2, 3)", "i not in (1, 2, 3)",
            "d < 0", "d >= 12.5", "d = 0", "d != 0", "d is nan", "d is not nan", "d is null", "d is not null",
            "d in (1.5, -2.25)",
            "f > 2.5", "f is nan", "f != 1", "s = 'apple'", "s < 'b'", "s >= 'app'", "s like 'app%'",
            "not (s like 'ap%')",
            "s in ('', 'zebra', '日本')", "s not in ('apple')", "s != ''", "small > 12.34", "small <= -50.00",
            "big > 500000000000000.000", "big <= 300000000000000.000", "day >= '2022-01-10'",
            "day in ('2022-01-10', '2022-01-11')",
            "flag = true", "flag != false", "u = 'f79c3e09-677c-4bbd-a479-3f349cb785e7'",
            "ts < '2023-11-16T00:00:00+00:00'",
            "tags is null", "tags is not null", "loc is null", "loc.city = 'zebra'", "loc.city is null",
            "loc.zip > 50000",
            "i > 0 and (s like 'a%' or d < 0)", "not (i > 0 and flag = true) or loc.zip < 100",
        ]
        // Equality on values that occur.
        let present = rows.first { $0["small"] != .null && $0["big"] != .null }!
        let equalities = ["small = \(present["small"]!.stringValue!)", "big = \(present["big"]!.stringValue!)"]
        for text in filters + equalities {
            let filter = try FilterParser.parse(text).bind(Self.schema)
            let mask = batch.matches(filter)
            let expected = rows.map { row in
                filter.evaluate { id in
                    guard let path = Self.schema.columnName(id: id), let type = Self.schema.type(ofFieldId: id) else {
                        return nil
                    }
                    var v: JSONValue? = row
                    for p in path.split(separator: ".") { v = v?[String(p)] }
                    if !type.isPrimitive { return (v == nil || v == .null) ? nil : .boolean(true) }
                    return try? Literal.from(json: v ?? .null, type: type)
                }
            }
            XCTAssertEqual(mask, expected, text)
            XCTAssertTrue(mask.contains(true) && mask.contains(false), "'\(text)' should split the rows")
        }
    }

    func testSelectionKeepsWholeRecordsAndMatchesRowOutput() async throws {
        let rows = Self.rows(300)
        let reader = try Self.reader(rows, rowGroupRows: 128)
        XCTAssertEqual(reader.rowGroupCount, 3)
        var out: [JSONValue] = []
        for g in 0..<reader.rowGroupCount {
            let batch = try reader.read(rowGroup: g)
            let keep = (0..<batch.rowCount).map { (Int(reader.firstRow(ofRowGroup: g)) + $0) % 3 != 1 }
            let selected = batch.selecting(rows: keep)
            XCTAssertEqual(selected.rowCount, keep.filter { $0 }.count)
            out += try selected.jsonRows()
            let concurrent = await batch.selectingConcurrently(rows: keep)
            XCTAssertEqual(try concurrent.jsonRows(), try selected.jsonRows())
        }
        let all = try (0..<reader.rowGroupCount).flatMap { try reader.read(rowGroup: $0).jsonRows() }
        XCTAssertEqual(all.count, rows.count)
        XCTAssertEqual(out, all.enumerated().filter { $0.offset % 3 != 1 }.map(\.element))
    }

    func testPrimitiveColumnsExposeTypedValues() throws {
        let rows = Self.rows(50)
        let batch = try Self.reader(rows).read(rowGroup: 0)
        let small = try XCTUnwrap(batch.column("small"))
        XCTAssertEqual(
            small.literals().map { $0.map { $0.json(as: small.field.type) } ?? .null },
            rows.map { $0["small"] ?? .null })
        let city = try XCTUnwrap(batch.column("loc.city"))
        XCTAssertEqual(city.validity(), rows.map { ($0["loc"]?["city"] ?? .null) != .null })
        XCTAssertNil(batch.column("tags"), "lists are not primitive columns")
        guard case .int64(let ids)? = batch.column("id")?.data?.values else { return XCTFail("id is stored as INT64") }
        XCTAssertEqual(ids, (0..<50).map(Int64.init))
    }

    func testRowGroupStatisticsSkipGroups() throws {
        let reader = try Self.reader(Self.rows(300), rowGroupRows: 100)
        let filter = try FilterParser.parse("id >= 150 and id < 160").bind(Self.schema)
        XCTAssertEqual((0..<3).map { reader.rowGroupMayMatch($0, filter) }, [false, true, false])
        let none = try FilterParser.parse("id > 1000").bind(Self.schema)
        XCTAssertEqual((0..<3).map { reader.rowGroupMayMatch($0, none) }, [false, false, false])
    }

    struct Sale: Codable, Equatable {
        struct Place: Codable, Equatable {
            var city: String?
            var zip: Int32
        }
        var id: Int64
        var i: Int32?
        var d: Double?
        var s: String?
        var small: Decimal?
        var day: Date?
        var flag: Bool?
        var u: UUID?
        var ts: Date?
        var tags: [String?]?
        var loc: Place?
    }

    func testCodableRowsRoundTrip() throws {
        let day = Date(timeIntervalSince1970: 19_000 * 86_400)
        let sales = [
            Sale(
                id: 1, i: -3, d: 2.5, s: "apple", small: Decimal(string: "12.34"), day: day, flag: true,
                u: UUID(uuidString: "F79C3E09-677C-4BBD-A479-3F349CB785E7"),
                ts: Date(timeIntervalSince1970: 1_700_000_000.123456),
                tags: ["a", nil], loc: Sale.Place(city: "Zürich", zip: 8001)),
            Sale(id: 2, i: nil, d: nil, s: nil, small: nil, day: nil, flag: nil, u: nil, ts: nil, tags: nil, loc: nil),
        ]
        let encoder = RowEncoder(schema: Self.schema)
        let rows = try sales.map { try encoder.encode($0) }
        XCTAssertEqual(rows[0]["small"], .string("12.34"))
        XCTAssertEqual(rows[0]["day"], .string("2022-01-08"))
        XCTAssertEqual(rows[0]["ts"], .string("2023-11-14T22:13:20.123456+00:00"))
        XCTAssertEqual(rows[0]["u"], .string("f79c3e09-677c-4bbd-a479-3f349cb785e7"))
        let batch = try Self.reader(rows).read(rowGroup: 0)
        XCTAssertEqual(try batch.rows(as: Sale.self), sales)
        // A value that does not fit the schema names the row and field.
        struct Wrong: Encodable { var id = "not a number" }
        var shredder = try JSONRowShredder(schema: Self.schema)
        XCTAssertThrowsError(try shredder.append(try encoder.encode(Wrong()), rowNumber: 7)) { error in
            XCTAssertTrue("\(error)".contains("row 7") && "\(error)".contains("id"), "\(error)")
        }
    }
}
