import Foundation
import JSONSupport
import TestSupport
import XCTest

@testable import Iceberg

extension JavaInteropTests {
    /// Our manifest rewrite of a table with deletes of every kind and two specs keeps every
    /// live entry's snapshot id and sequence numbers (Java's `entries` table says so), and Java
    /// reads every snapshot as we do; Java's own `rewrite_manifests` then rewrites ours, and
    /// we read its result as Java does. DuckDB reads our rewrite too.
    func testManifestRewritesKeepEntriesAndReadTheSameBothWays() async throws {
        let shared = try sharedCatalog()
        try InspectTests.makeEvolvedTable(db: shared.db, warehouse: shared.warehouse, name: shared.name)
        _ = try cli(shared, ["table", "set-properties", "db.t", "commit.manifest-merge.enabled=false"])
        for batch in 0..<6 {
            let rows = (200 + batch * 10..<210 + batch * 10).map {
                #"{"id":\#($0),"ts":"2025-0\#(1 + $0 % 3)-02T00:00:00Z","category":"c\#($0 % 3)","score":1.5,"tags":[],"loc":null}"#
            }
            _ = try cli(shared, ["append", "db.t"], stdin: rows.joined(separator: "\n") + "\n")
        }
        let before = try await shared.catalog.loadTable("db.t")
        let manifestsBefore = try await before.inspect(.manifests).rowCount
        let rowsBefore = sortedRows(try await before.scan().rows())
        func liveEntries(_ rows: [JSONValue]) -> [String] {
            rows.filter { $0["status"]?.intValue != 2 }.map { e in
                [
                    e["data_file"]?["file_path"], e["snapshot_id"], e["sequence_number"], e["file_sequence_number"],
                ].map { ($0 ?? .null).serialized() }.joined(separator: " ")
            }.sorted()
        }
        let entriesBefore = liveEntries(try await before.inspect(.entries).rows())

        let out = try cli(shared, ["rewrite-manifests", "db.t", "--target-size", "6000"]).first
        XCTAssertEqual(out?["replaced-manifests"]?.intValue, Int64(manifestsBefore))
        let after = try await shared.catalog.loadTable("db.t")
        XCTAssertEqual(after.metadata.currentSnapshot?.operation, "replace")
        let manifestsAfter = try await after.inspect(.manifests).rowCount
        XCTAssertLessThan(manifestsAfter, manifestsBefore)
        let rowsAfter = sortedRows(try await after.scan().rows())
        XCTAssertEqual(rowsAfter, rowsBefore)
        let javaEntries = try spark.sql("SELECT * FROM \(shared.spark("db.t")).entries")
        XCTAssertTrue(javaEntries.allSatisfy { $0["status"]?.intValue == 0 }, "every entry is EXISTING")
        XCTAssertEqual(liveEntries(javaEntries), entriesBefore, "snapshot ids and sequence numbers kept")
        try await assertJavaReadsEverySnapshot(after, shared, "db.t")
        // DuckDB reads every snapshot of the rewritten table as we do (PyIceberg 0.12 refuses
        // tables with equality deletes, which this one has).
        try await assertDuckDBReadsEverySnapshot(after)

        _ = try spark.sql("CALL \(shared.name).system.rewrite_manifests(table => 'db.t')")
        let javaRewritten = try await shared.catalog.loadTable("db.t")
        XCTAssertEqual(javaRewritten.metadata.currentSnapshot?.operation, "replace")
        XCTAssertNotEqual(javaRewritten.metadata.currentSnapshotId, after.metadata.currentSnapshotId)
        let rowsJava = sortedRows(try await javaRewritten.scan().rows())
        XCTAssertEqual(rowsJava, rowsBefore)
        let entriesJava = liveEntries(try await javaRewritten.inspect(.entries).rows())
        XCTAssertEqual(entriesJava, entriesBefore)
    }
}
