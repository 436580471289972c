import Foundation
import JSONSupport
import TestSupport
import XCTest

@testable import Iceberg

extension JavaInteropTests {
    /// Expiring with `--clean-expired-metadata` removes the schemas and partition specs Java's
    /// `expire_snapshots(clean_expired_metadata => true)` removes from a twin table made by the
    /// same commands (old schemas go; specs that kept manifests still use stay); Java reads our
    /// table afterwards as we do.
    func testCleaningExpiredMetadataRemovesWhatJavaRemoves() async throws {
        let shared = try sharedCatalog()
        let schema = try writeSchema(
            """
            {"type":"struct","schema-id":0,"fields":[{"id":1,"name":"id","required":true,"type":"long"},
              {"id":2,"name":"ts","required":false,"type":"timestamptz"},{"id":3,"name":"category","required":false,"type":"string"}]}
            """, in: shared)
        _ = try cli(shared, ["namespace", "create", "db"])
        func rows(_ ids: Range<Int>, extra: Bool) -> String {
            ids.map { i in
                #"{"id":\#(i),"ts":"2025-0\#(1 + i % 3)-01T00:00:00Z","category":"c\#(i % 3)"\#(extra ? #","note":"n\#(i)""# : "")}"#
            }.joined(separator: "\n") + "\n"
        }
        for name in ["db.ours", "db.java"] {
            _ = try cli(shared, ["table", "create", name, "--schema", schema, "--partition", "bucket(4,id)"])
            _ = try cli(shared, ["append", name], stdin: rows(0..<20, extra: false))
            _ = try cli(shared, ["schema", "add-column", name, "note", "string"])
            _ = try cli(shared, ["partition", "add-field", name, "month(ts)"])
            _ = try cli(shared, ["append", name], stdin: rows(20..<40, extra: true))
            _ = try cli(shared, ["partition", "remove-field", name, "id_bucket"])
            _ = try cli(shared, ["schema", "drop-column", name, "category"])
            _ = try cli(
                shared, ["append", name],
                stdin: rows(40..<60, extra: true).replacingOccurrences(of: #","category":"c0""#, with: "")
                    .replacingOccurrences(of: #","category":"c1""#, with: "").replacingOccurrences(
                        of: #","category":"c2""#, with: ""))
        }
        let soon = TemporalValues.formatTimestamp(
            (WallClock.nowMs() + 60_000) * 1000, unitsPerSecond: 1_000_000, utc: true)
        let ours = try cli(
            shared,
            ["expire-snapshots", "db.ours", "--older-than", soon, "--retain-last", "1", "--clean-expired-metadata"]
        ).first
        _ = try spark.sql(
            "CALL \(shared.name).system.expire_snapshots(table => 'db.java', older_than => TIMESTAMP '2100-01-01 00:00:00', "
                + "retain_last => 1, clean_expired_metadata => true)")
        let ourTable = try await shared.catalog.loadTable("db.ours")
        let javaTable = try await shared.catalog.loadTable("db.java")
        XCTAssertEqual(ourTable.metadata.snapshots.count, 1)
        XCTAssertEqual(javaTable.metadata.snapshots.count, 1)
        XCTAssertEqual(ourTable.metadata.schemas.map(\.schemaId), javaTable.metadata.schemas.map(\.schemaId))
        XCTAssertEqual(ourTable.metadata.partitionSpecs.map(\.specId), javaTable.metadata.partitionSpecs.map(\.specId))
        XCTAssertLessThan(ourTable.metadata.schemas.count, 3, "old schemas removed")
        // Every spec stays on both sides: the kept snapshot's manifests still hold files of each.
        XCTAssertEqual(
            ours?["removed-schema-ids"]?.arrayValue?.count,
            3 - ourTable.metadata.schemas.count, "\(ours?.serialized() ?? "")")
        try await assertJavaReadsEverySnapshot(ourTable, shared, "db.ours")
    }
}
