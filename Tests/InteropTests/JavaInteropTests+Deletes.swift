import Foundation
import JSONSupport
import TestSupport
import XCTest

@testable import Iceberg

extension JavaInteropTests {
    /// Merge-on-read deletes our CLI writes (position-delete files, one per data file, merged
    /// with the file's earlier ones over commits, and files removed whole with their deletes): Java, PyIceberg and DuckDB
    /// read every snapshot as we do; Java's `delete_files` table lists our files with their
    /// counts and referenced data files; Java deletes more itself, and we read its result.
    func testJavaPyIcebergAndDuckDBReadOurPositionDeletes() async throws {
        let shared = try sharedCatalog()
        let schema = try writeSchema(
            """
            {"type":"struct","fields":[{"id":1,"name":"id","required":true,"type":"long"},
              {"id":2,"name":"category","required":false,"type":"string"},
              {"id":3,"name":"embedding","required":false,"type":{"type":"list","element-id":4,"element":"double","element-required":false}}]}
            """, in: shared)
        _ = try cli(shared, ["namespace", "create", "db"])
        _ = try cli(shared, ["table", "create", "db.mor", "--schema", schema, "--partition", "category"])
        func rows(_ ids: Range<Int>) -> String {
            ids.map { i in
                let category = i % 7 == 0 ? "null" : "\"c\(i % 3)\""
                return #"{"id": \#(i), "category": \#(category), "embedding": [\#(Double(i)), 0.5]}"#
            }.joined(separator: "\n") + "\n"
        }
        _ = try cli(shared, ["append", "db.mor"], stdin: rows(0..<300))
        let first = try cli(shared, ["delete", "db.mor", "--filter", "id < 20", "--mode", "merge-on-read"])
        XCTAssertEqual(first.first?["deleted-rows"], .int(20))
        XCTAssertEqual(first.first?["added-data-files"], .int(0))
        _ = try cli(shared, ["append", "db.mor"], stdin: rows(300..<360))
        _ = try cli(shared, ["table", "set-properties", "db.mor", "write.delete.mode=merge-on-read"])
        let threes = (0..<36).map { String($0 * 10 + 3) }.joined(separator: ", ")
        _ = try cli(shared, ["delete", "db.mor", "--filter", "id in (\(threes))"])
        _ = try cli(shared, ["delete", "db.mor", "--filter", "id >= 100 and id < 130"])
        // Every row of the null partition's files.
        let whole = try cli(shared, ["delete", "db.mor", "--filter", "category is null"])
        XCTAssertGreaterThan(whole.first?["removed-data-files"]?.intValue ?? 0, 0)

        let table = try await shared.catalog.loadTable("db.mor")
        let current = try await table.scan().rows()
        func deleted(_ i: Int) -> Bool {
            if i < 20 || i % 10 == 3 { return true }
            return (100..<130).contains(i) || i % 7 == 0
        }
        let expected: [Int] = (0..<360).filter { !deleted($0) }
        XCTAssertEqual(current.compactMap { $0["id"]?.intValue }.sorted(), expected.map(Int64.init))
        try await assertJavaReadsEverySnapshot(table, shared, "db.mor")
        let py = try icebergPeer(["pyiceberg", shared.db, shared.warehouse, shared.name, "db.mor"])
        for snapshot in table.metadata.snapshots {
            let mine = sortedRows(try await table.scan(snapshotId: snapshot.snapshotId).rows())
            let id = String(snapshot.snapshotId)
            XCTAssertEqual(py["snapshots"]?[id]?.arrayValue.map(sortedRows), mine, "PyIceberg, snapshot \(id)")
        }
        try await assertDuckDBReadsEverySnapshot(table)

        // Java lists our delete files as we wrote them.
        let tasks = try await table.scan().planFiles()
        XCTAssertTrue(tasks.allSatisfy { $0.deletes.count <= 1 }, "one merged position-delete file per data file")
        let ours = tasks.flatMap(\.deletes)
        XCTAssertGreaterThanOrEqual(ours.count, 3)
        let javaDeletes = try spark.sql(
            "SELECT file_path, content, record_count, referenced_data_file FROM \(shared.spark("db.mor")).delete_files")
        // Java lists every live delete file; those our scans apply are among them.
        let snapshot = try XCTUnwrap(table.currentSnapshot)
        XCTAssertEqual(String(javaDeletes.count), snapshot.summary("total-delete-files"))
        XCTAssertTrue(
            Set(ours.map(\.filePath)).isSubset(of: Set(javaDeletes.compactMap { $0["file_path"]?.stringValue })))
        for d in ours {
            let java = javaDeletes.first { $0["file_path"]?.stringValue == d.filePath }
            XCTAssertEqual(java?["content"], .int(1))
            XCTAssertEqual(java?["record_count"], .int(d.recordCount))
            XCTAssertEqual(java?["referenced_data_file"], d.referencedDataFile.map { .string($0) })
        }
        let javaSummary = try spark.sql(
            "SELECT summary['total-position-deletes'] AS p, summary['total-delete-files'] AS f FROM \(shared.spark("db.mor")).snapshots WHERE snapshot_id = \(snapshot.snapshotId)"
        )
        XCTAssertEqual(javaSummary.first?["p"]?.stringValue, snapshot.summary("total-position-deletes"))

        // Java deletes more, merge-on-read, beside our delete files; we read what it made. (Its
        // rewrite_position_delete_files fails on tables with a list column, "Invalid partition
        // field parent: list<double>", whoever wrote the deletes.)
        try spark.sql("DELETE FROM \(shared.spark("db.mor")) WHERE id = 200")
        try await assertWeReadEverySnapshot(shared, "db.mor")
        let after = try await shared.catalog.loadTable("db.mor").scan().rows()
        XCTAssertEqual(after.count, expected.count - 1)
    }

    /// On a v3 table Java made and deleted from with its deletion vectors, our merge-on-read
    /// deletes write deletion vectors (one Puffin file per commit), each merging the file's
    /// earlier vector (Java's or ours), whose entry goes: Java reads every snapshot as we do,
    /// lists one vector per data file, keeps row lineage equal to ours, and deletes more on top.
    func testJavaReadsOurDeletionVectorsOnAV3Table() async throws {
        let shared = try sharedCatalog()
        try spark.sql("CREATE NAMESPACE \(shared.name).db")
        let t = shared.spark("db.dv")
        try spark.sql(
            "CREATE TABLE \(t) (id BIGINT, category STRING, tags ARRAY<STRING>) USING iceberg PARTITIONED BY (category) TBLPROPERTIES ('format-version'='3', 'write.delete.mode'='merge-on-read')"
        )
        try spark.sql(
            "INSERT INTO \(t) SELECT id, concat('c', cast(id % 3 AS STRING)), array(cast(id AS STRING), 'x') FROM range(0, 300)"
        )
        try spark.sql("INSERT INTO \(t) SELECT id, 'c0', array() FROM range(300, 360)")
        try spark.sql("DELETE FROM \(t) WHERE id < 10")
        let javaVectors = try spark.sql("SELECT count(*) AS n FROM \(t).delete_files WHERE file_format = 'PUFFIN'")
        XCTAssertGreaterThan(javaVectors.first?["n"]?.intValue ?? 0, 0, "Java wrote deletion vectors")

        let table = try await shared.catalog.loadTable("db.dv")
        let first = try await table.delete(where: "id >= 100 and id < 120")
        XCTAssertGreaterThan(first.addedDeleteFiles, 0)
        XCTAssertEqual(first.addedFiles, 0)
        XCTAssertEqual(table.currentSnapshot?.summary("added-dvs"), String(first.addedDeleteFiles))
        XCTAssertNil(table.currentSnapshot?.summary("added-position-delete-files"), "v3 takes no position-delete files")
        let ids = (0..<12).map { String($0 * 25 + 5) }.joined(separator: ", ")
        _ = try await table.delete(where: try FilterParser.parse("id in (\(ids))"), mode: .mergeOnRead)
        _ = try await table.delete(where: "category = 'c2' and id < 200")

        let tasks = try await table.scan().planFiles()
        for task in tasks {
            let vectors = task.deletes.filter(\.isDeletionVector)
            XCTAssertLessThanOrEqual(vectors.count, 1, "one vector per data file")
            XCTAssertTrue(vectors.allSatisfy { $0.referencedDataFile == task.file.filePath })
        }
        let rows = try await table.scan().rows().compactMap { $0["id"]?.intValue }
        let gone = Set(0..<10).union(100..<120).union((0..<12).map { $0 * 25 + 5 })
            .union((0..<200).filter { $0 % 3 == 2 })
        XCTAssertEqual(rows.sorted(), (0..<360).filter { !gone.contains($0) }.map(Int64.init))
        try await assertJavaReadsEverySnapshot(table, shared, "db.dv")
        try await assertRowLineageAgrees(table, t)
        let javaFiles = try spark.sql(
            "SELECT referenced_data_file, count(*) AS n FROM \(t).delete_files WHERE file_format = 'PUFFIN' GROUP BY referenced_data_file"
        )
        XCTAssertTrue(javaFiles.allSatisfy { $0["n"]?.intValue == 1 }, "Java sees one live vector per data file")
        XCTAssertEqual(
            String(javaFiles.count), table.currentSnapshot?.summary("total-delete-files"),
            "every live delete file is a vector")

        try await assertDuckDBReadsEverySnapshot(table)

        try spark.sql("DELETE FROM \(t) WHERE id = 250")
        try await assertWeReadEverySnapshot(shared, "db.dv")
        let after = try await shared.catalog.loadTable("db.dv").scan().rows()
        XCTAssertEqual(after.count, rows.count - 1)
    }

    /// Overwrites by filter and dynamic partition overwrites made with our CLI equal
    /// PyIceberg's `overwrite` and `dynamic_partition_overwrite` on a twin, row by row; Java
    /// reads every snapshot of ours.
    func testOverwritesMatchPyIcebergAndJavaReadsThem() async throws {
        let shared = try sharedCatalog()
        let schema = try writeSchema(
            """
            {"type":"struct","fields":[{"id":1,"name":"id","required":true,"type":"long"},
              {"id":2,"name":"category","required":false,"type":"string"},{"id":3,"name":"score","required":false,"type":"double"}]}
            """, in: shared)
        _ = try cli(shared, ["namespace", "create", "db"])
        for name in ["db.over", "db.overtwin"] {
            _ = try cli(shared, ["table", "create", name, "--schema", schema, "--partition", "category"])
        }
        func rows(_ ids: Range<Int>, score: Double) -> [JSONValue] {
            ids.map { i in
                .object([
                    ("id", .int(Int64(i))), ("category", i % 4 == 0 ? .null : .string("c\(i % 3)")),
                    ("score", .double(score + Double(i))),
                ])
            }
        }
        func lines(_ rows: [JSONValue]) -> String { rows.map { $0.serialized() }.joined(separator: "\n") + "\n" }
        let initial = rows(0..<60, score: 0)
        let replacement = rows(10..<15, score: 100)
        let newPartitions = rows(100..<106, score: 200).filter { $0["category"] != .null }
        _ = try cli(shared, ["append", "db.over"], stdin: lines(initial))
        let byFilter = try cli(
            shared, ["overwrite", "db.over", "--filter", "id >= 10 and id < 30"], stdin: lines(replacement))
        XCTAssertEqual(byFilter.first?["deleted-rows"], .int(20))
        XCTAssertEqual(byFilter.first?["added-rows"], .int(5))
        _ = try cli(shared, ["overwrite", "db.over", "--dynamic-partitions"], stdin: lines(newPartitions))
        let steps: JSONValue = .array([
            .array([.string("append"), .array(initial)]),
            .array([.string("overwrite"), .string("id >= 10 and id < 30"), .array(replacement)]),
            .array([.string("dynamic"), .array(newPartitions)]),
        ])
        var out = [UInt8](
            try PythonPeer.run(
                script: "overwrite_peer.py",
                [shared.db, shared.warehouse, shared.name, "db.overtwin", steps.serialized()]))
        let twin = try JSONValue.parse(bytes: &out)
        let table = try await shared.catalog.loadTable("db.over")
        let ours = try await table.scan().rows()
        XCTAssertEqual(sortedRows(twin["rows"]?.arrayValue ?? []), sortedRows(ours))
        XCTAssertTrue(ours.contains { $0["category"] == .null }, "the null partition the new rows miss stays")
        XCTAssertEqual(table.currentSnapshot?.summary("replace-partitions"), "true")
        XCTAssertEqual(table.currentSnapshot?.operation, "overwrite")
        try await assertJavaReadsEverySnapshot(table, shared, "db.over")

        let bad = try CLIRunner().run(["overwrite", "db.over", "--catalog", shared.uri], stdin: lines(initial))
        XCTAssertNotEqual(bad.status, 0, "neither --filter nor --dynamic-partitions")
        let badRow = try CLIRunner().run(
            ["overwrite", "db.over", "--filter", "id = 1", "--catalog", shared.uri], stdin: #"{"id": "x"}"# + "\n")
        XCTAssertNotEqual(badRow.status, 0)
        XCTAssertTrue(badRow.stderr.contains("row 1"), badRow.stderr)
        let after = try await shared.catalog.loadTable("db.over")
        XCTAssertEqual(after.metadataLocation, table.metadataLocation, "bad input commits nothing")
    }
}
