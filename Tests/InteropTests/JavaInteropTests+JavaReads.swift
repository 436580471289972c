import Foundation
import IcebergSQLite
import JSONSupport
import TestSupport
import XCTest

@testable import Iceberg

/// A SQLite catalog file that both we (in-process) and Spark (as catalog `name`) use.
struct SharedCatalog {
    let catalog: SQLiteCatalog
    let name: String
    let dir: URL
    var db: String { dir.appendingPathComponent("catalog.db").path }
    var warehouse: String { dir.appendingPathComponent("warehouse").path }
    /// The catalog as the CLI names it.
    var uri: String { "sqlite:\(db)?warehouse=\(warehouse)&name=\(name)" }
    /// A table's name as Spark knows it.
    func spark(_ table: String) -> String { "\(name).\(table)" }
}

/// Rows in a stable order, for comparing two readers' answers.
func sortedRows(_ rows: [JSONValue]) -> [JSONValue] {
    rows.map { ($0.serialized(), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
}

/// DuckDB's `iceberg_scan` of every snapshot of `table` equals ours, rows put through
/// `normalize` on both sides (default: sorted).
func assertDuckDBReadsEverySnapshot(
    _ table: Table, normalize: ([JSONValue]) -> [JSONValue] = sortedRows, file: StaticString = #filePath,
    line: UInt = #line
) async throws {
    let duck = try icebergPeer(
        ["duckdb", table.metadataLocation] + table.metadata.snapshots.map { String($0.snapshotId) })
    for snapshot in table.metadata.snapshots {
        let mine = normalize(try await table.scan(snapshotId: snapshot.snapshotId).rows())
        XCTAssertEqual(
            duck["snapshots"]?[String(snapshot.snapshotId)]?.arrayValue.map(normalize), mine,
            "DuckDB, snapshot \(snapshot.snapshotId)", file: file, line: line)
    }
}

extension JavaInteropTests {
    /// A new catalog file with namespace `db`, registered with Spark.
    func sharedCatalog() throws -> SharedCatalog {
        let dir = try makeTemporaryDirectory(self)
        let name = "j" + UUID().uuidString.prefix(8).lowercased()
        let shared = SharedCatalog(
            catalog: try SQLiteCatalog.open(
                path: dir.appendingPathComponent("catalog.db").path, name: name,
                warehouse: dir.appendingPathComponent("warehouse").path),
            name: name, dir: dir)
        try spark.register(catalog: name, db: shared.db, warehouse: shared.warehouse)
        return shared
    }

    /// Our rows and Spark's, at every snapshot of the table (and the current state).
    func assertJavaReadsEverySnapshot(
        _ table: Table, _ shared: SharedCatalog, _ name: String, file: StaticString = #filePath, line: UInt = #line
    ) async throws {
        for snapshot in table.metadata.snapshots {
            let ours = try await table.scan(snapshotId: snapshot.snapshotId).rows()
            let java = try spark.sql("SELECT * FROM \(shared.spark(name)) VERSION AS OF \(snapshot.snapshotId)")
            XCTAssertEqual(java.count, ours.count, "snapshot \(snapshot.snapshotId)", file: file, line: line)
            XCTAssertEqual(
                sortedRows(java), sortedRows(ours), "snapshot \(snapshot.snapshotId)", file: file, line: line)
        }
        let current = try await table.scan().rows()
        XCTAssertFalse(current.isEmpty, file: file, line: line)
        XCTAssertEqual(
            sortedRows(try spark.sql("SELECT * FROM \(shared.spark(name))")), sortedRows(current), file: file,
            line: line)
    }

    /// Java's `snapshots` table agrees with our metadata: ids, parents, operations, summaries.
    func assertSnapshotsAgree(_ table: Table, _ shared: SharedCatalog, _ name: String) throws {
        let java = try spark.sql(
            "SELECT snapshot_id, parent_id, operation, summary FROM \(shared.spark(name)).snapshots")
        let ours: [JSONValue] = table.metadata.snapshots.map { s in
            .object([
                ("snapshot_id", .int(s.snapshotId)), ("parent_id", s.parentSnapshotId.map { .int($0) } ?? .null),
                ("operation", .string(s.summary.first { $0.0 == "operation" }?.1 ?? "")),
                (
                    "summary",
                    .object(
                        s.summary.filter { $0.0 != "operation" }.sorted { $0.0 < $1.0 }.map { ($0.0, .string($0.1)) })
                ),
            ])
        }
        let javaNormalized: [JSONValue] = java.map { row in
            var summary: [(String, JSONValue)] = []
            if case .array(let keys)? = row["summary"]?["keys"], case .array(let values)? = row["summary"]?["values"] {
                summary = zip(keys, values).map { ($0.stringValue ?? "", $1) }.sorted { $0.0 < $1.0 }
            }
            return .object([
                ("snapshot_id", row["snapshot_id"] ?? .null), ("parent_id", row["parent_id"] ?? .null),
                ("operation", row["operation"] ?? .null), ("summary", .object(summary)),
            ])
        }
        XCTAssertEqual(sortedRows(javaNormalized), sortedRows(ours))
    }

    /// Every type Spark reads (all but time and the nanosecond timestamps, which Spark 3.5 lacks),
    /// three appends, a copy-on-write delete, another append, then expiration of the first
    /// snapshot: Java's rows equal ours at every snapshot, and its snapshots table our metadata.
    func testJavaReadsEveryTypeAtEverySnapshot() async throws {
        let shared = try sharedCatalog()
        let all = try AllTypesData.schema()
        let sparkless: Set<String> = ["tod", "tsns", "tstzns"]
        let schema = try all.keeping(Set(all.fields.filter { !sparkless.contains($0.name) }.map(\.id)))
        let rows: [JSONValue] = AllTypesData.rows(count: 800, seed: 11).map { row in
            guard case .object(let pairs) = row else { return row }
            return .object(pairs.filter { !sparkless.contains($0.0) })
        }
        try await shared.catalog.createNamespace(Namespace(["db"]), properties: [])
        let table = try await shared.catalog.createTable(
            TableIdentifier(namespace: Namespace(["db"]), name: "types"), TableCreation(schema: schema))
        for part in 0..<3 { try await TableFixtures.append(Array(rows[(part * 200)..<((part + 1) * 200)]), to: table) }
        let deleted = try await table.delete(where: "l > 0 and i < 0")
        XCTAssertGreaterThan(deleted.deletedRows, 0)
        try await TableFixtures.append(Array(rows[600...]), to: table)
        let first = table.metadata.snapshots[0].snapshotId
        try await table.expireSnapshots(ExpireSnapshots(snapshotIds: [first]))
        XCTAssertNil(table.metadata.snapshot(id: first))
        XCTAssertEqual(table.metadata.snapshots.count, 4)

        try await assertJavaReadsEverySnapshot(table, shared, "db.types")
        try assertSnapshotsAgree(table, shared, "db.types")
        // A filter Java pushes down to our column metrics selects the same rows.
        let ours = try await table.scan(filter: "l < 0 and s is not null").rows()
        let java = try spark.sql("SELECT * FROM \(shared.spark("db.types")) WHERE l < 0 AND s IS NOT NULL")
        XCTAssertEqual(sortedRows(java), sortedRows(ours))
    }

    /// Every partition transform, over three appends: Java reads the rows at every snapshot, a
    /// filtered read prunes the same way, and Java's `files`, `partitions` and `manifests`
    /// tables agree with our manifests (partition tuples, counts, bounds).
    func testJavaReadsEveryPartitionTransformAndItsMetadataTablesAgree() async throws {
        let shared = try sharedCatalog()
        let schema = try Schema(
            jsonText: """
                {"type":"struct","fields":[{"id":1,"name":"id","required":true,"type":"long"},
                  {"id":2,"name":"category","required":false,"type":"string"},{"id":3,"name":"name","required":false,"type":"string"},
                  {"id":4,"name":"day","required":false,"type":"date"},{"id":5,"name":"ts","required":false,"type":"timestamp"},
                  {"id":6,"name":"tstz","required":false,"type":"timestamptz"},{"id":7,"name":"n","required":false,"type":"int"},
                  {"id":8,"name":"amount","required":false,"type":"decimal(10,2)"}]}
                """)
        let spec = try SpecParsing.partitionSpec(
            "category,bucket(8,id),truncate(3,name),year(day),month(ts),day(tstz),hour(ts),truncate(10,n),bucket(4,amount)",
            schema: schema)
        try await shared.catalog.createNamespace(Namespace(["db"]), properties: [])
        let table = try await shared.catalog.createTable(
            TableIdentifier(namespace: Namespace(["db"]), name: "parts"), TableCreation(schema: schema, spec: spec))
        for round in 0..<3 {
            let rows: [JSONValue] = (0..<40).map { i in
                let k = round * 40 + i
                return .object([
                    ("id", .int(Int64(k * 7919))), ("category", k % 5 == 0 ? .null : .string("c\(k % 3)")),
                    ("name", .string("name-\(k % 4)")), ("day", .string("20\(20 + k % 6)-0\(1 + k % 9)-1\(k % 10)")),
                    ("ts", .string("2026-0\(1 + k % 3)-0\(1 + k % 7)T\(10 + k % 12):15:00.000000")),
                    ("tstz", .string("2025-12-\(10 + k % 20)T01:00:00.000000+00:00")), ("n", .int(Int64(k % 37 - 10))),
                    ("amount", .string("\(k).\(k % 10)0")),
                ])
            }
            try await TableFixtures.append(rows, to: table)
        }
        try await assertJavaReadsEverySnapshot(table, shared, "db.parts")
        let filtered = try await table.scan(filter: "category = 'c1' and n >= 0").rows()
        XCTAssertFalse(filtered.isEmpty)
        XCTAssertEqual(
            sortedRows(try spark.sql("SELECT * FROM \(shared.spark("db.parts")) WHERE category = 'c1' AND n >= 0")),
            sortedRows(filtered))

        // files: one row per data file, with our partition tuple, counts and bounds.
        let partitionType = try spec.partitionType(schema)
        func hexMap(_ m: [Int: [UInt8]]) -> [Int64: String] {
            Dictionary(uniqueKeysWithValues: m.map { (Int64($0.key), ByteText.hex($0.value)) })
        }
        func countMap(_ m: [Int: Int64]) -> [Int64: Int64] {
            Dictionary(uniqueKeysWithValues: m.map { (Int64($0.key), $0.value) })
        }
        func javaMap(_ v: JSONValue?) -> [Int64: JSONValue] {
            guard case .array(let keys)? = v?["keys"], case .array(let values)? = v?["values"] else { return [:] }
            return Dictionary(uniqueKeysWithValues: zip(keys.compactMap(\.intValue), values))
        }
        let files = try spark.sql(
            """
            SELECT file_path, record_count, partition, value_counts, null_value_counts, lower_bounds, upper_bounds
            FROM \(shared.spark("db.parts")).files
            """)
        let tasks = try await table.scan().planFiles()
        XCTAssertEqual(files.count, tasks.count)
        XCTAssertGreaterThan(tasks.count, 10)
        var ourPartitions: [String: (records: Int64, files: Int64)] = [:]
        for task in tasks {
            let f = task.file
            guard let java = files.first(where: { $0["file_path"]?.stringValue == f.filePath }) else {
                XCTFail("Java's files table lacks \(f.filePath)")
                continue
            }
            let partition = JSONValue.object(
                zip(partitionType.fields, f.partition).map { field, value in
                    (field.name, value.map { $0.json(as: field.type) } ?? .null)
                })
            XCTAssertEqual(java["partition"], partition, f.filePath)
            XCTAssertEqual(java["record_count"], .int(f.recordCount))
            XCTAssertEqual(javaMap(java["value_counts"]).mapValues { $0.intValue ?? -1 }, countMap(f.valueCounts))
            XCTAssertEqual(
                javaMap(java["null_value_counts"]).mapValues { $0.intValue ?? -1 }, countMap(f.nullValueCounts))
            XCTAssertEqual(javaMap(java["lower_bounds"]).mapValues { $0.stringValue ?? "" }, hexMap(f.lowerBounds))
            XCTAssertEqual(javaMap(java["upper_bounds"]).mapValues { $0.stringValue ?? "" }, hexMap(f.upperBounds))
            let key = partition.serialized()
            ourPartitions[key, default: (0, 0)].records += f.recordCount
            ourPartitions[key, default: (0, 0)].files += 1
        }
        // partitions: record and file counts per partition tuple.
        let partitions = try spark.sql(
            "SELECT partition, record_count, file_count FROM \(shared.spark("db.parts")).partitions")
        XCTAssertEqual(partitions.count, ourPartitions.count)
        for p in partitions {
            let ours = ourPartitions[p["partition"]?.serialized() ?? ""]
            XCTAssertEqual(p["record_count"]?.intValue, ours?.records, p.serialized())
            XCTAssertEqual(p["file_count"]?.intValue, ours?.files, p.serialized())
        }
        // manifests: our manifest list, entry for entry.
        let manifests = try await table.scan().manifests()
        let javaManifests = try spark.sql(
            """
            SELECT path, partition_spec_id, added_data_files_count, existing_data_files_count, deleted_data_files_count
            FROM \(shared.spark("db.parts")).manifests
            """)
        XCTAssertEqual(
            sortedRows(javaManifests),
            sortedRows(
                manifests.map {
                    .object([
                        ("path", .string($0.path)), ("partition_spec_id", .int(Int64($0.partitionSpecId))),
                        ("added_data_files_count", .int(Int64($0.addedFilesCount))),
                        ("existing_data_files_count", .int(Int64($0.existingFilesCount))),
                        ("deleted_data_files_count", .int(Int64($0.deletedFilesCount))),
                    ])
                }))
    }

    /// Parquet files written by pyarrow (without field ids) and registered with the CLI's
    /// `append --parquet` (our add-files) are read by Java through the name mapping we set.
    func testJavaReadsFilesRegisteredWithAddFiles() throws {
        let shared = try sharedCatalog()
        _ = try PythonPeer.run(script: "make_parquet.py", [shared.dir.path])
        let schema = try writeSchema(
            """
            {"type":"struct","fields":[{"id":1,"name":"id","required":true,"type":"string"},{"id":2,"name":"category","required":false,"type":"string"},
              {"id":3,"name":"price","required":false,"type":"decimal(10,2)"},{"id":4,"name":"sold_at","required":false,"type":"timestamptz"}]}
            """, in: shared)
        _ = try cli(shared, ["namespace", "create", "db"])
        _ = try cli(shared, ["table", "create", "db.added", "--schema", schema, "--partition", "month(sold_at)"])
        _ = try cli(shared, ["append", "db.added", "--parquet", shared.dir.appendingPathComponent("may.parquet").path])
        let ours = try cli(shared, ["scan", "db.added"])
        XCTAssertEqual(ours.count, 3)
        XCTAssertEqual(sortedRows(try spark.sql("SELECT * FROM \(shared.spark("db.added"))")), sortedRows(ours))
        XCTAssertEqual(
            try spark.sql("SELECT count(*) AS n FROM \(shared.spark("db.added")) WHERE price > 50"),
            [.object([("n", .int(1))])])
    }

    /// Our appends to a v3 table Java made assign row ids as Java expects: Java's `_row_id`
    /// and `_last_updated_sequence_number` equal ours at every snapshot, and ids stay distinct
    /// across both writers, and through our copy-on-write delete of a row of Java's file.
    func testOurAppendsToAV3TableKeepRowLineageForJava() async throws {
        let shared = try sharedCatalog()
        try spark.sql("CREATE NAMESPACE \(shared.name).db")
        let t = shared.spark("db.lineage")
        try spark.sql("CREATE TABLE \(t) (id INT, s STRING) USING iceberg TBLPROPERTIES ('format-version'='3')")
        try spark.sql("INSERT INTO \(t) VALUES (1, 'java'), (2, 'java')")
        var table = try await shared.catalog.loadTable("db.lineage")
        try await TableFixtures.append(
            (10..<15).map { .object([("id", .int(Int64($0))), ("s", .string("swift"))]) }, to: table)
        try spark.sql("INSERT INTO \(t) VALUES (3, 'java')")
        table = try await shared.catalog.loadTable("db.lineage")
        XCTAssertEqual(table.metadata.nextRowId, 8)
        try await assertJavaReadsEverySnapshot(table, shared, "db.lineage")
        try await assertRowLineageAgrees(table, t)
        let ids = try await table.scan(columns: ["_row_id"]).rows().compactMap { $0["_row_id"]?.intValue }
        XCTAssertEqual(Set(ids).count, 8)
        // A copy-on-write delete rewrites our five-row file; the rows it keeps keep their row ids.
        let columns = ["id", "_row_id", "_last_updated_sequence_number"]
        let before = try await table.scan(filter: "id in (2, 10, 12)", columns: columns).rows()
        let deleted = try await table.delete(where: "id = 1 or id = 11")
        XCTAssertEqual(deleted.deletedRows, 2)
        XCTAssertGreaterThanOrEqual(deleted.addedFiles, 1, "the five-row file is written again without id 11")
        let after = try await table.scan(filter: "id in (2, 10, 12)", columns: columns).rows()
        XCTAssertEqual(sortedRows(after), sortedRows(before))
        try await assertJavaReadsEverySnapshot(table, shared, "db.lineage")
        try await assertRowLineageAgrees(table, t)
    }
}
