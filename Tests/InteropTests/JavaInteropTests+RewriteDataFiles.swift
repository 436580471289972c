import Foundation
import JSONSupport
import TestSupport
import XCTest

@testable import Iceberg

extension JavaInteropTests {
    /// Makes a table in Spark from many small inserts, then deletes and updates rows
    /// merge-on-read (Java's position deletes in v2, deletion vectors in v3).
    private func makeJavaTable(_ t: String, formatVersion: Int, partition: String) throws {
        try spark.sql(
            "CREATE TABLE \(t) (id BIGINT, category STRING, tags ARRAY<STRING>) USING iceberg PARTITIONED BY (\(partition)) TBLPROPERTIES ('format-version'='\(formatVersion)', 'write.delete.mode'='merge-on-read', 'write.update.mode'='merge-on-read')"
        )
        for batch in 0..<6 {
            try spark.sql(
                "INSERT INTO \(t) SELECT id, concat('c', cast(id % 3 AS STRING)), array(cast(id AS STRING)) FROM range(\(batch * 50), \(batch * 50 + 50))"
            )
        }
        try spark.sql("DELETE FROM \(t) WHERE id % 7 = 0")
        try spark.sql("UPDATE \(t) SET tags = array('updated') WHERE id % 10 = 3")
    }

    /// Tables Java wrote and deleted from (position deletes in v2, deletion vectors in v3),
    /// with our equality deletes on top in v2: our compaction keeps every row, leaves no delete
    /// file, and Java reads every snapshot as we do, lists our `replace` snapshot as its own
    /// (summary included) and, in v3, sees the same row ids; DuckDB reads the v2 table too.
    func testWeCompactTablesJavaWroteWithItsDeletes() async throws {
        let shared = try sharedCatalog()
        try spark.sql("CREATE NAMESPACE \(shared.name).db")
        for version in [2, 3] {
            let name = "db.c\(version)"
            try makeJavaTable(shared.spark(name), formatVersion: version, partition: "bucket(3, id)")
            if version == 2 {
                let rows = (0..<40).map { #"{"id":\#($0 * 5),"category":"eq","tags":["ours"]}"# }
                _ = try cli(
                    shared, ["upsert", name, "--key", "id", "--strategy", "equality-deletes"],
                    stdin: rows.joined(separator: "\n") + "\n")
            }
            let before = try await shared.catalog.loadTable(name)
            let rowsBefore = sortedRows(try await before.scan().rows())
            let deletesBefore = try await before.inspect(.deleteFiles).rowCount
            XCTAssertGreaterThan(deletesBefore, 0)
            let filesBefore = try await before.inspect(.dataFiles).rowCount

            let out = try cli(shared, ["rewrite-data-files", name]).first
            XCTAssertEqual(out?["rewritten-data-files"]?.intValue, Int64(filesBefore), "v\(version)")
            XCTAssertEqual(out?["added-data-files"]?.intValue, 3, "one file per bucket, v\(version)")
            XCTAssertEqual(out?["removed-delete-files"]?.intValue, Int64(deletesBefore), "v\(version)")
            let after = try await shared.catalog.loadTable(name)
            XCTAssertEqual(after.currentSnapshot?.operation, "replace")
            let rowsAfter = sortedRows(try await after.scan().rows())
            XCTAssertEqual(rowsAfter, rowsBefore, "v\(version)")
            let javaDeletes = try spark.sql("SELECT * FROM \(shared.spark(name)).delete_files")
            XCTAssertEqual(javaDeletes.count, 0, "Java sees no delete file left, v\(version)")
            let javaFiles = try spark.sql("SELECT file_path FROM \(shared.spark(name)).data_files")
            XCTAssertEqual(javaFiles.count, 3)
            try await assertJavaReadsEverySnapshot(after, shared, name)
            try assertSnapshotsAgree(after, shared, name)
            if version == 3 {
                try await assertRowLineageAgrees(after, shared.spark(name))
            } else {
                try await assertDuckDBReadsEverySnapshot(after)
            }
            // Java deletes from what we compacted, and we read what it made.
            try spark.sql("DELETE FROM \(shared.spark(name)) WHERE id = 101")
            try await assertWeReadEverySnapshot(shared, name)
        }
    }

    /// Spark's `rewrite_data_files` and ours, on twin tables Java wrote and deleted from, give
    /// the same rows and the same files per partition (Java's planner, Java's defaults).
    func testSparksRewriteAndOursGiveTheSameTables() async throws {
        let shared = try sharedCatalog()
        try spark.sql("CREATE NAMESPACE \(shared.name).db")
        for name in ["db.java", "db.ours"] {
            try makeJavaTable(shared.spark(name), formatVersion: 2, partition: "category")
        }
        // A partition of one small file: below min-input-files, both leave it alone.
        try spark.sql("INSERT INTO \(shared.spark("db.java")) VALUES (1000, 'c9', array())")
        try spark.sql("INSERT INTO \(shared.spark("db.ours")) VALUES (1000, 'c9', array())")
        let java = try spark.sql(
            "CALL \(shared.name).system.rewrite_data_files(table => 'db.java', options => map('target-file-size-bytes', '1048576'))"
        ).first
        let ours = try cli(shared, ["rewrite-data-files", "db.ours", "--target-file-size", "1048576"]).first
        XCTAssertEqual(ours?["rewritten-data-files"]?.intValue, java?["rewritten_data_files_count"]?.intValue)
        XCTAssertEqual(ours?["added-data-files"]?.intValue, java?["added_data_files_count"]?.intValue)
        let javaTable = try await shared.catalog.loadTable("db.java")
        let ourTable = try await shared.catalog.loadTable("db.ours")
        XCTAssertEqual(javaTable.currentSnapshot?.operation, "replace")
        let ourRows = sortedRows(try await ourTable.scan().rows())
        let javaRows = sortedRows(try await javaTable.scan().rows())
        XCTAssertEqual(ourRows.count, 258)  // 300 rows, 43 multiples of 7 deleted, one more
        XCTAssertEqual(ourRows, javaRows)
        func layout(_ name: String) throws -> [String] {
            try spark.sql(
                "SELECT partition.category AS p, count(*) AS files, sum(record_count) AS n FROM \(shared.spark(name)).data_files GROUP BY 1 ORDER BY 1"
            ).map { $0.serialized() }
        }
        XCTAssertEqual(try layout("db.ours"), try layout("db.java"))
        try await assertJavaReadsEverySnapshot(ourTable, shared, "db.ours")
    }

    /// Position-delete files Spark's merge-on-read deletes wrote on a v2 table, rewritten by
    /// us (one per data file), and then `iceberg maintain` runs every step on the table. Java reads every snapshot as we do and lists our snapshots
    /// as its own; DuckDB reads them too; Java deletes more and we read what it made.
    func testWeMergeJavasPositionDeletesAndMaintainItsTable() async throws {
        let shared = try sharedCatalog()
        try spark.sql("CREATE NAMESPACE \(shared.name).db")
        let name = "db.pd"
        let t = shared.spark(name)
        try spark.sql(
            "CREATE TABLE \(t) (id BIGINT, category STRING, tags ARRAY<STRING>) USING iceberg PARTITIONED BY (category) TBLPROPERTIES ('format-version'='2', 'write.delete.mode'='merge-on-read')"
        )
        for batch in 0..<6 {
            try spark.sql(
                "INSERT INTO \(t) SELECT id, concat('c', cast(id % 3 AS STRING)), array() FROM range(\(batch * 100), \(batch * 100 + 100))"
            )
        }
        for k in 1...6 { try spark.sql("DELETE FROM \(t) WHERE id % 50 = \(k)") }
        let before = try await shared.catalog.loadTable(name)
        let rowsBefore = sortedRows(try await before.scan().rows())
        let javaDeletes = try spark.sql("SELECT * FROM \(t).delete_files")
        // Java 1.10 keeps one position-delete file per data file: a rewrite of all of them.
        XCTAssertEqual(javaDeletes.count, 18)

        let out = try cli(shared, ["rewrite-position-deletes", name, "--rewrite-all", "--remove-dangling"]).first
        XCTAssertEqual(out?["rewritten-delete-files"]?.intValue, Int64(javaDeletes.count))
        // Java leaves referenced_data_file unset in v2: which data files have deletes, we plan.
        let referenced = try await before.scan().planFiles().filter { !$0.deletes.isEmpty }
        XCTAssertEqual(out?["added-delete-files"]?.intValue, Int64(referenced.count))
        let after = try await shared.catalog.loadTable(name)
        let rowsAfter = sortedRows(try await after.scan().rows())
        XCTAssertEqual(rowsAfter, rowsBefore)
        XCTAssertEqual(try spark.sql("SELECT * FROM \(t).delete_files").count, referenced.count)
        try await assertJavaReadsEverySnapshot(after, shared, name)

        let maintained = try cli(shared, ["maintain", name]).first
        XCTAssertEqual(maintained?["compaction"]?["added-data-files"]?.intValue, 3)
        let final = try await shared.catalog.loadTable(name)
        let rowsFinal = sortedRows(try await final.scan().rows())
        XCTAssertEqual(rowsFinal, rowsBefore)
        XCTAssertEqual(try spark.sql("SELECT * FROM \(t).delete_files").count, 0)
        try await assertJavaReadsEverySnapshot(final, shared, name)
        try assertSnapshotsAgree(final, shared, name)
        try await assertDuckDBReadsEverySnapshot(final)
        try spark.sql("DELETE FROM \(t) WHERE id = 77")
        try await assertWeReadEverySnapshot(shared, name)
    }
}
