import Foundation
import IcebergSQLite
import JSONSupport
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
        var table = try await shared.catalog.createTable(
            TableIdentifier(namespace: Namespace(["db"]), name: "types"), TableCreation(schema: schema))
        for part in 0..<3 { try await TableFixtures.append(Array(rows[(part * 200)..<((part + 1) * 200)]), to: &table) }
        let deleted = try await table.delete(where: "l > 0 and i < 0")
        XCTAssertGreaterThan(deleted.deletedRows, 0)
        try await TableFixtures.append(Array(rows[600...]), to: &table)
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
}
