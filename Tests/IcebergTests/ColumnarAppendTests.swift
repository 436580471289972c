import Foundation
import JSONSupport
import TestSupport
import XCTest

@testable import Iceberg
@testable import Parquet

/// The columnar append routes rows exactly as the row-at-a-time append does (whose partition
/// values the interop tests check against PyIceberg for every transform): same partition
/// tuples, same row counts per file, same rows back from a scan.
final class ColumnarAppendTests: XCTestCase {
    static let schema = try! Schema(fields: [
        .required(1, "id", .long), .optional(2, "name", .string),
        .optional(3, "amount", .decimal(precision: 12, scale: 3)),
        .optional(4, "day", .date), .optional(5, "ts", .timestamptz), .optional(6, "local_ts", .timestamp),
        .optional(7, "qty", .int), .optional(8, "score", .double), .optional(9, "code", .binary),
    ])

    /// Rows in no particular order, with nulls in every optional column, negative values
    /// and timestamps before 1970.
    static func rows(_ count: Int) -> [JSONValue] {
        var state: UInt64 = 9
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        return (0..<count).map { i in
            func maybe(_ v: JSONValue) -> JSONValue { next(8) == 0 ? .null : v }
            let micros = Int64(next(300) - 100) * 3_600_000_000 + Int64(next(3_600_000_000))
            return .object([
                ("id", .int(Int64(next(90) - 45) * 1000 + Int64(next(3)))),
                ("name", maybe(.string(["iceberg", "parquet", "swift", "日本語テキスト", "x", ""][next(6)] + "-\(next(3))"))),
                ("amount", maybe(.string(DecimalValues.format(Int128(next(2_000_000) - 1_000_000), scale: 3)))),
                ("day", maybe(.string(TemporalValues.formatDate((next(16) - 8) * 50)))),
                ("ts", maybe(.string(TemporalValues.formatTimestamp(micros, unitsPerSecond: 1_000_000, utc: true)))),
                (
                    "local_ts",
                    maybe(.string(TemporalValues.formatTimestamp(micros / 3, unitsPerSecond: 1_000_000, utc: false)))
                ),
                ("qty", maybe(.int(Int64(next(200) - 100)))),
                ("score", maybe(.double(Double(next(100)) / 4))),
                ("code", maybe(.string(["0001", "0002", "ff", ""][next(4)]))),
            ])
        }
    }

    func testColumnarRoutingEqualsRowRoutingForEveryTransform() async throws {
        let (catalog, dir) = try await makeLocalCatalog(self, prefix: "columnar")
        let rows = Self.rows(600)
        let specs = [
            "id", "bucket(16,id)", "truncate(1000,id)", "truncate(10,id)", "bucket(4,qty)", "truncate(7,qty)", "qty",
            "name", "truncate(2,name)",
            "bucket(8,name)", "truncate(100,amount)", "bucket(5,amount)", "year(day)", "month(day)", "day",
            "bucket(3,day)",
            "year(ts)", "month(ts)", "day(ts)", "hour(ts)", "bucket(6,ts)", "hour(local_ts)", "day(local_ts)", "score",
            "code", "bucket(3,code)", "void(id)", "day(ts),bucket(4,id),name", "month(local_ts),truncate(3,name),qty",
        ]
        for (n, specText) in specs.enumerated() {
            let spec = try SpecParsing.partitionSpec(specText, schema: Self.schema)
            let viaRows = TableIdentifier(namespace: Namespace(["t"]), name: "rows\(n)")
            let viaColumns = TableIdentifier(namespace: Namespace(["t"]), name: "columns\(n)")
            _ = try await catalog.createTable(viaRows, TableCreation(schema: Self.schema, spec: spec))
            _ = try await catalog.createTable(viaColumns, TableCreation(schema: Self.schema, spec: spec))

            let rowTable = try await catalog.loadTable(viaRows)
            var rowWriter = try TableWriter(metadata: rowTable.metadata, io: rowTable.io)
            for (i, r) in rows.enumerated() { try await rowWriter.append(r, rowNumber: i + 1) }
            let rowFiles = try await rowWriter.finish()
            let rowsCommitted = rowTable.copy()
            try await rowsCommitted.appendFiles(rowFiles)

            var shredder = try JSONRowShredder(schema: Self.schema)
            for (i, r) in rows.enumerated() { try shredder.append(r, rowNumber: i + 1) }
            let columnTable = try await catalog.loadTable(viaColumns)
            var columnWriter = try TableWriter(metadata: columnTable.metadata, io: columnTable.io)
            try await columnWriter.append(columns: shredder.takeColumns())
            let columnFiles = try await columnWriter.finish()
            let columnsCommitted = columnTable.copy()
            try await columnsCommitted.appendFiles(columnFiles)

            func tuples(_ files: [DataFile]) -> [String] {
                files.map { f in
                    f.partition.map { $0.map { "\($0)" } ?? "null" }.joined(separator: "|") + " #\(f.recordCount)"
                }.sorted()
            }
            XCTAssertEqual(tuples(columnFiles), tuples(rowFiles), specText)
            XCTAssertEqual(
                Set(columnFiles.map { $0.partition.map { $0.map { "\($0)" } ?? "null" } }).count, columnFiles.count,
                "\(specText): one file per partition")
            let fromRows = try await TableScan(metadata: rowsCommitted.metadata, io: rowsCommitted.io).rows()
            let fromColumns = try await TableScan(metadata: columnsCommitted.metadata, io: columnsCommitted.io).rows()
            XCTAssertEqual(
                fromColumns.map { $0.serialized() }.sorted(), fromRows.map { $0.serialized() }.sorted(), specText)
            XCTAssertEqual(fromColumns.count, rows.count, specText)
        }
    }

    func testSlicingConsecutiveRowsEqualsGatheringThem() throws {
        // Groups whose rows are consecutive are sliced, others gathered: both give the same column.
        var shredder = try JSONRowShredder(schema: Self.schema)
        for (i, r) in Self.rows(500).enumerated() { try shredder.append(r, rowNumber: i + 1) }
        let columns = shredder.takeColumns()
        let parquet = try Self.schema.parquetSchema()
        for (i, c) in columns.enumerated() {
            let vi = c.valueIndexes(maxDefinitionLevel: parquet.columns[i].maxDefinitionLevel)
            let range = 100..<260
            let sliced = c.sliceFlat(range, valueIndexes: vi)
            let gathered = c.gatherFlat(Array(range)[...], valueIndexes: vi)
            XCTAssertEqual(sliced.definitionLevels, gathered.definitionLevels, "column \(i)")
            XCTAssertEqual(sliced.values.count, gathered.values.count, "column \(i)")
            for v in 0..<sliced.values.count {
                XCTAssertEqual(
                    sliced.values.literal(at: v, Self.schema.fields[i].type),
                    gathered.values.literal(at: v, Self.schema.fields[i].type), "column \(i) value \(v)")
            }
        }
    }
}
