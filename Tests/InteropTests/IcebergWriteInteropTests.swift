import Foundation
import JSONSupport
import TestSupport
import XCTest

@testable import Iceberg
@testable import IcebergSQLite

/// Tables this SDK writes through its SQLite catalog are read by PyIceberg (through the same
/// catalog file) and DuckDB (iceberg_scan) with identical rows, and partition values equal
/// PyIceberg's for every transform.
final class IcebergWriteInteropTests: XCTestCase {
    static let schemaJSON = """
        {"type":"struct","schema-id":0,"fields":[
          {"id":1,"name":"id","required":true,"type":"long"},
          {"id":2,"name":"name","required":false,"type":"string"},
          {"id":3,"name":"amount","required":false,"type":"decimal(12,3)"},
          {"id":4,"name":"day","required":false,"type":"date"},
          {"id":5,"name":"ts","required":false,"type":"timestamptz"},
          {"id":6,"name":"local_ts","required":false,"type":"timestamp"},
          {"id":7,"name":"category","required":false,"type":"string"},
          {"id":8,"name":"score","required":false,"type":"double"},
          {"id":9,"name":"tags","required":false,"type":{"type":"list","element-id":10,"element-required":false,"element":"string"}},
          {"id":11,"name":"attrs","required":false,"type":{"type":"map","key-id":12,"key":"string","value-id":13,"value-required":false,"value":"int"}},
          {"id":14,"name":"loc","required":false,"type":{"type":"struct","fields":[{"id":15,"name":"lat","required":true,"type":"double"},{"id":16,"name":"lon","required":false,"type":"double"}]}}
        ]}
        """

    static func rows(_ start: Int, _ count: Int) -> [JSONValue] {
        (start..<start + count).map { i in
            let micros = Int64(1_700_000_000_000_000) + Int64(i) * 3_700_000_000 * 7
            func maybe(_ v: JSONValue) -> JSONValue { i % 9 == 0 ? .null : v }
            return .object([
                ("id", .int(Int64(i))),
                ("name", maybe(.string(["iceberg", "parquet", "swift", "日本語テキスト", "x"][i % 5] + "-\(i % 7)"))),
                (
                    "amount",
                    maybe(
                        .string(DecimalValues.format(Int128(i * 12345 % 1_000_000) * (i % 4 == 0 ? -1 : 1), scale: 3)))
                ),
                ("day", maybe(.string(TemporalValues.formatDate(19_000 + i * 13 - 400)))),
                (
                    "ts",
                    i % 11 == 0
                        ? .null : .string(TemporalValues.formatTimestamp(micros, unitsPerSecond: 1_000_000, utc: true))
                ),
                (
                    "local_ts",
                    maybe(
                        .string(
                            TemporalValues.formatTimestamp(
                                micros - 86_400_000_000 * 900, unitsPerSecond: 1_000_000, utc: false)))
                ),
                ("category", i % 5 == 0 ? .null : .string(["books", "games", "music"][i % 3])),
                ("score", maybe(.double(Double(i) / 8))),
                ("tags", maybe(.array((0..<(i % 3)).map { .string("t\($0)") }))),
                ("attrs", maybe(.object([("keys", .array([.string("k")])), ("values", .array([.int(Int64(i))]))]))),
                (
                    "loc",
                    maybe(.object([("lat", .double(Double(i) / 3)), ("lon", i % 2 == 0 ? .null : .double(-1.5))]))
                ),
            ])
        }
    }

    func sortedRows(_ rows: [JSONValue]) -> [JSONValue] { rows.sorted { $0.serialized() < $1.serialized() } }

    func testPeersReadWhatWeWriteForEveryTransform() async throws {
        let dir = try makeTemporaryDirectory(self)
        let db = dir.appendingPathComponent("catalog.db").path
        let warehouse = dir.appendingPathComponent("warehouse").path
        let catalog = try SQLiteCatalog.open(path: db, name: "default", warehouse: warehouse)
        try await catalog.createNamespace(Namespace(["interop"]), properties: [("owner", "swift")])
        let schema = try Schema(jsonText: Self.schemaJSON)
        let specs = [
            "identity_category": "category", "bucket_long": "bucket(16,id)", "bucket_string": "bucket(8,name)",
            "truncate_string": "truncate(4,name)", "truncate_decimal": "truncate(100,amount)", "year_date": "year(day)",
            "month_ts": "month(ts)", "day_ts": "day(ts)", "hour_local": "hour(local_ts)", "void_id": "void(id)",
            "multi": "day(ts),bucket(16,id),truncate(4,name),category", "unpartitioned": "",
        ]
        for (name, specText) in specs.sorted(by: { $0.key < $1.key }) {
            let id = TableIdentifier(namespace: Namespace(["interop"]), name: name)
            let spec = try SpecParsing.partitionSpec(specText, schema: schema)
            _ = try await catalog.createTable(
                id, TableCreation(schema: schema, spec: spec, properties: [("write.parquet.compression-codec", "zstd")])
            )
            var all: [JSONValue] = []
            var ourSnapshots: [Int64: [JSONValue]] = [:]
            for (batch, range) in [(0, 0..<70), (1, 70..<100), (2, 100..<160)] {
                let table = try await catalog.loadTable(id)
                var writer = try TableWriter(metadata: table.metadata, io: table.io)
                let rows = Self.rows(range.lowerBound, range.count)
                for (i, r) in rows.enumerated() { try await writer.append(r, rowNumber: i + 1) }
                let files = try await writer.finish()
                let committed = table.copy()
                try await committed.appendFiles(files)
                all += rows
                ourSnapshots[committed.metadata.currentSnapshotId!] = all
                _ = batch
            }
            let table = try await catalog.loadTable(id)
            XCTAssertEqual(table.metadata.snapshots.count, 3, name)

            // PyIceberg through the same SQLite catalog file: rows of every snapshot.
            var out = [UInt8](
                try PythonPeer.run(
                    script: "iceberg_peer.py", ["pyiceberg", db, warehouse, "default", "interop.\(name)"]))
            let peer = try JSONValue.parse(bytes: &out)
            let peerRows = peer["rows"]?.arrayValue ?? []
            if let missing = sortedRows(all).first(where: { r in !peerRows.contains(r) }) {
                XCTFail(
                    "\(name): PyIceberg lacks \(missing.serialized())\n nearest: \(peerRows.first { $0["id"] == missing["id"] }?.serialized() ?? "none")"
                )
                return
            }
            XCTAssertEqual(sortedRows(peerRows), sortedRows(all), "\(name): PyIceberg rows")
            for (snap, rows) in ourSnapshots {
                XCTAssertEqual(
                    sortedRows(peer["snapshots"]?[String(snap)]?.arrayValue ?? []), sortedRows(rows),
                    "\(name) @ \(snap)")
                let ours = try await TableScan(metadata: table.metadata, io: table.io, snapshotId: snap).rows()
                XCTAssertEqual(sortedRows(ours), sortedRows(rows), "\(name) @ \(snap): our scan")
            }
            XCTAssertEqual(peer["namespaces"], .array([.string("interop")]))

            // Partition values: ours (from our manifests) equal PyIceberg's for every file.
            let tasks = try await TableScan(metadata: table.metadata, io: table.io).planFiles()
            let ptype = try table.metadata.defaultSpec.partitionType(schema)
            var ours: [String: JSONValue] = [:]
            for t in tasks {
                ours[t.file.filePath] = .object(
                    zip(ptype.fields, t.file.partition).map { f, v in (f.name, v.map { $0.json(as: f.type) } ?? .null) }
                )
            }
            let theirs = peer["files"]?.arrayValue ?? []
            XCTAssertEqual(theirs.count, tasks.count, name)
            for f in theirs {
                guard let path = f["file_path"]?.stringValue else { continue }
                XCTAssertEqual(f["partition"], ours[path], "\(name): partition of \(path)")
            }

            // DuckDB's iceberg_scan on the metadata file.
            var duck = [UInt8](try PythonPeer.run(script: "iceberg_peer.py", ["duckdb", table.metadataLocation]))
            XCTAssertEqual(
                sortedRows(try JSONValue.parse(bytes: &duck)["rows"]?.arrayValue ?? []), sortedRows(all),
                "\(name): DuckDB rows")
        }
    }
}

/// Filtered scans equal PyIceberg's `row_filter` scans, and pruning skips files.
final class FilterInteropTests: XCTestCase {
    func testFiltersMatchPyIcebergAndPrune() async throws {
        let dir = try makeTemporaryDirectory(self)
        let db = dir.appendingPathComponent("catalog.db").path
        let warehouse = dir.appendingPathComponent("warehouse").path
        let catalog = try SQLiteCatalog.open(path: db, name: "default", warehouse: warehouse)
        try await catalog.createNamespace(Namespace(["f"]), properties: [])
        let schema = try Schema(jsonText: IcebergWriteInteropTests.schemaJSON)
        let id = TableIdentifier(namespace: Namespace(["f"]), name: "events")
        let spec = try SpecParsing.partitionSpec("day(ts),category", schema: schema)
        _ = try await catalog.createTable(id, TableCreation(schema: schema, spec: spec))
        for range in [0..<80, 80..<200] {
            let table = try await catalog.loadTable(id)
            var writer = try TableWriter(metadata: table.metadata, io: table.io)
            for (i, r) in IcebergWriteInteropTests.rows(range.lowerBound, range.count).enumerated() {
                try await writer.append(r, rowNumber: i + 1)
            }
            try await table.appendFiles(try await writer.finish())
        }
        let table = try await catalog.loadTable(id)
        let all = try await TableScan(metadata: table.metadata, io: table.io).planFiles()
        let filters = [
            "ts >= '2023-11-20T00:00:00+00:00' and category in ('books', 'music') and not (id < 30)",
            "category = 'games' or amount > 100",
            "name like 'swift%' and score is not null",
            "category is null",
            "day < '2022-06-01' and name != 'x-1'",
            "id in (3, 5, 150) or local_ts <= '2021-01-01T00:00:00'",
            "not (category = 'books') and score >= 10.5",
            "score is nan or id = 7",
        ]
        for f in filters {
            let scan = try TableScan(metadata: table.metadata, io: table.io).filtered(try FilterParser.parse(f))
            let ours = try await scan.rows().sorted { $0.serialized() < $1.serialized() }
            var out = [UInt8](
                try PythonPeer.run(script: "iceberg_peer.py", ["pyiceberg", db, warehouse, "default", "f.events", f]))
            let theirs = (try JSONValue.parse(bytes: &out)["filtered"]?.arrayValue ?? []).sorted {
                $0.serialized() < $1.serialized()
            }
            XCTAssertEqual(ours, theirs, f)
            XCTAssertFalse(ours.isEmpty || ours.count == 200, "filter '\(f)' should select some rows")
            // A projection that leaves out the filtered columns returns the same rows, narrowed.
            let narrowed = try await scan.selecting(["id", "loc.lat"]).rows().sorted {
                $0.serialized() < $1.serialized()
            }
            let expected = theirs.map { r -> JSONValue in
                let loc = r["loc"] ?? .null
                return .object([
                    ("id", r["id"] ?? .null), ("loc", loc == .null ? .null : .object([("lat", loc["lat"] ?? .null)])),
                ])
            }.sorted { $0.serialized() < $1.serialized() }
            XCTAssertEqual(narrowed, expected, "\(f) projected")
        }
        // A selective filter prunes most files without reading them.
        var counts = ScanReport()
        let selective = try TableScan(metadata: table.metadata, io: table.io)
            .filtered(try FilterParser.parse("ts = '2023-11-20T10:26:40+00:00' and category = 'music'"))
        let kept = try await selective.planFiles(&counts)
        XCTAssertLessThan(kept.count, all.count / 4)
        XCTAssertGreaterThan(counts.filesPrunedByPartition + counts.filesPrunedByMetrics + counts.manifestsPruned, 0)
    }

    func testFilterSyntaxErrorsAreClear() {
        for bad in ["id >", "id in 1, 2", "name like '%x'", "(id = 1", "id = 1 garbage", "id is maybe"] {
            XCTAssertThrowsError(try FilterParser.parse(bad), bad) {
                XCTAssertTrue("\($0)".contains("filter"), "\($0)")
            }
        }
        XCTAssertEqual(
            try FilterParser.parse("not (qty < 3)"), .not(.predicate(.lessThan, column: "qty", values: [.int(3)])))
        XCTAssertEqual(
            try FilterParser.parse("a <> 'x''y'"), .predicate(.notEqual, column: "a", values: [.string("x'y")]))
    }

    struct Reading: Codable, Equatable {
        struct Location: Codable, Equatable {
            var lat: Double
            var lon: Double?
        }
        var id: Int64
        var name: String?
        var amount: Decimal?
        var day: Date?
        var ts: Date?
        var local_ts: Date?
        var category: String?
        var score: Double?
        var tags: [String?]?
        var attrs: [String: Int32?]?
        var loc: Location?
    }

    static func reading(_ i: Int) -> Reading {
        let day = Date(timeIntervalSince1970: Double(19_000 + i) * 86_400)
        let ts = Date(timeIntervalSince1970: 1_700_000_000 + Double(i) * 40_000.5)
        let local: Date? = i % 3 == 0 ? nil : Date(timeIntervalSince1970: 1_600_000_000 + Double(i))
        let tags: [String?] = i % 2 == 0 ? ["x", nil] : []
        let attrs: [String: Int32?] = ["k\(i % 3)": Int32(i), "z": nil]
        let loc: Reading.Location? = i % 6 == 0 ? nil : Reading.Location(lat: Double(i), lon: i % 2 == 0 ? nil : -1)
        let score: Double? = i % 5 == 0 ? nil : Double(i) / 3
        return Reading(
            id: Int64(i), name: i % 4 == 0 ? nil : "n\(i)", amount: Decimal(string: "\(i * 7).125"), day: day, ts: ts,
            local_ts: local, category: ["a", "b"][i % 2], score: score, tags: tags, attrs: attrs, loc: loc)
    }

    /// Encodable values appended through TableWriter are what PyIceberg reads, and our scan
    /// decodes them back into equal values.
    func testCodableRowsThroughPyIceberg() async throws {
        let dir = try makeTemporaryDirectory(self)
        let db = dir.appendingPathComponent("catalog.db").path
        let warehouse = dir.appendingPathComponent("warehouse").path
        let catalog = try SQLiteCatalog.open(path: db, name: "default", warehouse: warehouse)
        try await catalog.createNamespace(Namespace(["c"]), properties: [])
        let schema = try Schema(jsonText: IcebergWriteInteropTests.schemaJSON)
        let id = TableIdentifier(namespace: Namespace(["c"]), name: "readings")
        _ = try await catalog.createTable(
            id, TableCreation(schema: schema, spec: try SpecParsing.partitionSpec("day(ts)", schema: schema)))
        let values = (0..<40).map(Self.reading)
        let table = try await catalog.loadTable("c.readings")
        try await table.append(values)

        let encoder = RowEncoder(schema: schema)
        let expected = try values.map { try encoder.encode($0) }
        var out = [UInt8](
            try PythonPeer.run(script: "iceberg_peer.py", ["pyiceberg", db, warehouse, "default", "c.readings"]))
        let theirs = try JSONValue.parse(bytes: &out)["rows"]?.arrayValue ?? []
        func complete(_ row: JSONValue) -> JSONValue {
            .object(schema.fields.map { f in (f.name, row[f.name] ?? .null) })
        }
        let theirsSorted = theirs.map(complete).sorted { $0.serialized() < $1.serialized() }
        let expectedSorted = expected.map(complete).sorted { $0.serialized() < $1.serialized() }
        XCTAssertEqual(theirsSorted.count, expectedSorted.count)
        for (t, e) in zip(theirsSorted, expectedSorted) { XCTAssertEqual(t.serialized(), e.serialized()) }

        let loaded = try await catalog.loadTable(id)
        var decoded: [Reading] = []
        for try await batch in try TableScan(metadata: loaded.metadata, io: loaded.io).batches() {
            decoded += try batch.rows(as: Reading.self)
        }
        XCTAssertEqual(decoded.sorted { $0.id < $1.id }, values)
    }
}
