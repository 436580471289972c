import Foundation
import JSONSupport
import TestSupport
import XCTest

@testable import Iceberg
@testable import IcebergSQLite

/// Metadata tables (`Table.inspect`) against PyIceberg's `table.inspect` on the same table:
/// every column PyIceberg has, value by value, at the current snapshot and an older one.
final class InspectTests: XCTestCase {
    /// A month-partitioned table `db.t` with nested columns, made by the CLI in catalog `name`
    /// (a SQLite file `db`): three appends, a merge-on-read delete (position deletes), an upsert
    /// with equality deletes, a copy-on-write delete, a partition evolution (bucket of `id`)
    /// and an append under it, and a tag. Returns the catalog as the CLI names it.
    @discardableResult
    static func makeEvolvedTable(db: String, warehouse: String, name: String) throws -> String {
        let uri = "sqlite:\(db)?warehouse=\(warehouse)&name=\(name)"
        let schema = URL(fileURLWithPath: db).deletingLastPathComponent().appendingPathComponent("inspect-schema.json")
            .path
        try #"""
        {"type":"struct","schema-id":0,"identifier-field-ids":[1],"fields":[
         {"id":1,"name":"id","required":true,"type":"long"},
         {"id":2,"name":"ts","required":false,"type":"timestamptz"},
         {"id":3,"name":"category","required":false,"type":"string"},
         {"id":4,"name":"score","required":false,"type":"double"},
         {"id":5,"name":"tags","required":false,"type":{"type":"list","element-id":6,"element":"string","element-required":false}},
         {"id":7,"name":"loc","required":false,"type":{"type":"struct","fields":[{"id":8,"name":"lat","required":false,"type":"double"}]}}]}
        """#.write(toFile: schema, atomically: true, encoding: .utf8)
        func rows(_ ids: Range<Int>) -> String {
            ids.map { i in
                let month = 1 + i % 3
                let score = i % 7 == 0 ? "null" : (i % 13 == 0 ? "\"NaN\"" : "\(Double(i) / 4)")
                return
                    #"{"id":\#(i),"ts":"2025-0\#(month)-0\#(1 + i % 9)T10:00:00Z","category":\#(i % 5 == 0 ? "null" : "\"c\(i % 3)\""),"score":\#(score),"tags":["t\#(i % 2)"],"loc":{"lat":\#(Double(i) / 8)}}"#
            }.joined(separator: "\n") + "\n"
        }
        let cli = CLIRunner()
        let steps: [([String], String?)] = [
            (["namespace", "create", "db"], nil),
            (
                [
                    "table", "create", "db.t", "--schema", schema, "--partition", "month(ts)", "--property",
                    "format-version=2",
                ], nil
            ),
            (["append", "db.t"], rows(0..<40)), (["append", "db.t"], rows(40..<80)),
            (["ref", "create-tag", "db.t", "before-deletes"], nil),
            (["delete", "db.t", "--filter", "id < 10", "--mode", "merge-on-read"], nil),
            (["upsert", "db.t", "--strategy", "equality-deletes", "--key", "id,ts"], rows(75..<90)),
            (["delete", "db.t", "--filter", "category = 'c1' AND id > 60", "--mode", "copy-on-write"], nil),
            (["partition", "add-field", "db.t", "bucket(4,id)"], nil), (["append", "db.t"], rows(100..<120)),
        ]
        for (args, input) in steps {
            let r = try cli.run(args + ["--catalog", uri], stdin: input)
            XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)")
        }
        return uri
    }

    private func evolvedTable() throws -> (db: String, warehouse: String, uri: String, cli: CLIRunner) {
        let dir = try makeTemporaryDirectory(self)
        let db = dir.appendingPathComponent("catalog.db").path
        let warehouse = dir.appendingPathComponent("warehouse").path
        return (db, warehouse, try Self.makeEvolvedTable(db: db, warehouse: warehouse, name: "default"), CLIRunner())
    }

    func testMetadataTablesMatchPyIcebergsColumnByColumn() async throws {
        try PythonPeer.requirePeers()
        let (db, warehouse, _, _) = try evolvedTable()
        let table = try await SQLiteCatalog.open(path: db, name: "default", warehouse: warehouse).loadTable("db.t")
        let snapshots = table.metadata.snapshots.map(\.snapshotId)
        XCTAssertGreaterThanOrEqual(snapshots.count, 6)
        XCTAssertTrue(table.metadata.refs.contains { $0.0 == "before-deletes" })
        for snapshot in [nil, snapshots[1]] {
            var bytes = [UInt8](
                try PythonPeer.run(
                    script: "inspect_peer.py",
                    [db, warehouse, "default", "db.t"] + (snapshot.map { [String($0)] } ?? [])))
            let theirs = try JSONValue.parse(bytes: &bytes)
            guard case .object(let kinds) = theirs else { return XCTFail("peer: \(theirs)") }
            XCTAssertGreaterThanOrEqual(
                kinds.count, snapshot == nil ? 14 : 5, "PyIceberg's metadata tables: \(kinds.map(\.0))")
            for (kind, peer) in kinds {
                guard let type = MetadataTableType(rawValue: kind) else {
                    XCTFail("PyIceberg has a metadata table we do not: \(kind)")
                    continue
                }
                let ours = try await table.inspect(type, snapshotId: type.readsOneSnapshot ? snapshot : nil)
                let columns = peer["columns"]?.arrayValue?.compactMap(\.stringValue) ?? []
                let ourColumns = ours.schema.fields.map(\.name)
                XCTAssertEqual(
                    Set(columns).subtracting(ourColumns), [], "\(kind): columns PyIceberg has and we do not")
                let metricColumns = Set(
                    ours.schema.fields.first { $0.name == "readable_metrics" }.map { field -> [String] in
                        guard case .struct(let s) = field.type else { return [] }
                        return s.fields.map(\.name)
                    } ?? [])
                let theirRows = (peer["rows"]?.arrayValue ?? []).map {
                    Self.comparable(Self.withoutPlaceholderMetrics($0, keeping: metricColumns))
                }.sorted()
                var ourRows: [String] = []
                let rows = try ours.rows()
                for row in rows {
                    guard let theirRow = peer["rows"]?.arrayValue?.first else { break }
                    ourRows.append(Self.comparable(Self.keeping(row, like: theirRow)))
                }
                XCTAssertEqual(rows.count, theirRows.count, "\(kind) at \(snapshot.map(String.init) ?? "current")")
                XCTAssertEqual(ourRows.sorted(), theirRows, "\(kind) at \(snapshot.map(String.init) ?? "current")")
            }
        }
    }

    /// Rows decode into `Decodable` types named after the columns.
    func testRowsDecode() async throws {
        struct FileRow: Decodable {
            var content: Int
            var file_path: String
            var record_count: Int64
            var partition: [String: Int?]
        }
        struct SnapshotRow: Decodable {
            var snapshot_id: Int64
            var operation: String?
            var committed_at: String
        }
        let (db, warehouse, _, _) = try evolvedTable()
        let table = try await SQLiteCatalog.open(path: db, name: "default", warehouse: warehouse).loadTable("db.t")
        let files = try await table.inspect(.files).rows(as: FileRow.self)
        let live = try await table.scan().rows().count
        let deleted = files.filter { $0.content != 0 }
        XCTAssertFalse(deleted.isEmpty)
        XCTAssertGreaterThan(files.filter { $0.content == 0 }.reduce(0) { $0 + $1.record_count }, Int64(live))
        XCTAssertTrue(files.allSatisfy { $0.partition["ts_month"] != nil })
        let snapshots = try await table.inspect(.snapshots).rows(as: SnapshotRow.self)
        XCTAssertEqual(snapshots.map(\.snapshot_id), table.metadata.snapshots.map(\.snapshotId))
        XCTAssertEqual(snapshots.last?.operation, table.metadata.currentSnapshot?.operation)
    }

    /// `iceberg inspect` prints the same rows; its table output shows month partitions as
    /// months. `iceberg describe --output table` prints a summary with the schema as a tree.
    func testCLIPrintsMetadataTablesAndHumanPartitions() async throws {
        let (db, warehouse, uri, cli) = try evolvedTable()
        let table = try await SQLiteCatalog.open(path: db, name: "default", warehouse: warehouse).loadTable("db.t")
        let files = try cli.run(["inspect", "db.t", "files", "--catalog", uri], stdin: nil)
        XCTAssertEqual(files.status, 0, files.stderr)
        let printed = files.stdout.split(separator: "\n").map(String.init)
        let expected = try await table.inspect(.files).rows().map { $0.serialized() }
        XCTAssertEqual(printed, expected)
        let partitions = try cli.run(
            ["inspect", "db.t", "partitions", "--catalog", uri, "--output", "table"], stdin: nil)
        XCTAssertEqual(partitions.status, 0, partitions.stderr)
        XCTAssertTrue(partitions.stdout.contains(#""ts_month":"2025-02""#), partitions.stdout)
        let described = try cli.run(["describe", "db.t", "--catalog", uri, "--output", "table"], stdin: nil)
        XCTAssertEqual(described.status, 0, described.stderr)
        for line in [
            "Current schema     schema 0", "                   ├── 1: id: required long",
            "                   │   └── 6: element: optional string",
            "                       └── 8: lat: optional double",
            "Identifier fields  id", "                   1000: ts_month = month(ts)",
            "                   1001: id_bucket_4 = bucket[4](id)", "Sort order         unsorted",
            "                   before-deletes: tag at \(table.metadata.ref("before-deletes")!.snapshotId)",
        ] {
            XCTAssertTrue(
                described.stdout.split(separator: "\n").contains { $0 == line }, "no '\(line)' in\n\(described.stdout)")
        }
        let refused = try cli.run(["inspect", "db.t", "history", "--snapshot-id", "1", "--catalog", uri], stdin: nil)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("describes the whole table"), refused.stderr)
    }

    /// PyIceberg's `readable_metrics` has an entry per top-level column, all null for lists,
    /// maps and structs; Java's (and ours) one per primitive column, nested ones by their full
    /// name (`loc.lat`). The row without PyIceberg's entries that are not ours, which must be
    /// placeholders.
    static func withoutPlaceholderMetrics(_ row: JSONValue, keeping columns: Set<String>) -> JSONValue {
        guard case .object(let pairs) = row else { return row }
        return .object(
            pairs.map { key, value in
                guard key == "readable_metrics", case .object(let metrics) = value else { return (key, value) }
                for (column, m) in metrics where !columns.contains(column) {
                    guard case .object(let fields) = m, fields.allSatisfy({ $0.1 == .null }) else {
                        XCTFail("PyIceberg has metrics for '\(column)', which we do not show: \(m)")
                        continue
                    }
                }
                return (key, .object(metrics.filter { columns.contains($0.0) }))
            })
    }

    /// `row` with only the keys `like` has, recursively through objects (PyIceberg's files
    /// tables lack a few of Java's columns, such as `first_row_id`).
    static func keeping(_ row: JSONValue, like: JSONValue) -> JSONValue {
        guard case .object(let pairs) = row, case .object(let shape) = like else { return row }
        let wanted = Dictionary(shape.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        return .object(
            pairs.compactMap { key, value in
                guard let sub = wanted[key] else { return nil }
                return (key, sub == .null ? value : keeping(value, like: sub))
            })
    }

    /// A row's text for comparison: PyIceberg's timestamps carry no zone (they are UTC), maps
    /// compare by key order and an empty map is no map.
    static func comparable(_ row: JSONValue) -> String {
        func normalize(_ v: JSONValue) -> JSONValue {
            switch v {
            case .string(let s) where s.hasSuffix("+00:00") && s.count == 32: return .string(String(s.dropLast(6)))
            case .array(let items): return .array(items.map(normalize))
            case .object(let pairs):
                if pairs.count == 2, pairs[0].0 == "keys", pairs[1].0 == "values",
                    case .array(let keys) = pairs[0].1, case .array(let values) = pairs[1].1
                {
                    if keys.isEmpty { return .null }
                    let sorted = zip(keys, values).sorted { $0.0.serialized() < $1.0.serialized() }
                    return .object([
                        ("keys", .array(sorted.map { normalize($0.0) })),
                        ("values", .array(sorted.map { normalize($0.1) })),
                    ])
                }
                return .object(pairs.sorted { $0.0 < $1.0 }.map { ($0.0, normalize($0.1)) })
            default: return v
            }
        }
        return normalize(row).serialized()
    }
}
