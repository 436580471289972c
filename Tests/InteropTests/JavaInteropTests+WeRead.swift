import Foundation
import IcebergSQLite
import JSONSupport
import XCTest

@testable import Iceberg

extension JavaInteropTests {
    /// Our scan of every snapshot of a table Java wrote equals Spark's `VERSION AS OF` read of
    /// it (each with that snapshot's schema), and the current state equals Spark's `SELECT`.
    func assertWeReadEverySnapshot(
        _ shared: SharedCatalog, _ name: String, file: StaticString = #filePath, line: UInt = #line
    ) async throws {
        let table = try await shared.catalog.loadTable(name)
        XCTAssertFalse(table.metadata.snapshots.isEmpty, file: file, line: line)
        for snapshot in table.metadata.snapshots {
            let java = try spark.sql("SELECT * FROM \(shared.spark(name)) VERSION AS OF \(snapshot.snapshotId)")
            let ours = try await table.scan(snapshotId: snapshot.snapshotId).rows()
            XCTAssertEqual(ours.count, java.count, "\(name) snapshot \(snapshot.snapshotId)", file: file, line: line)
            XCTAssertEqual(
                sortedRows(ours), sortedRows(java), "\(name) snapshot \(snapshot.snapshotId)", file: file, line: line)
        }
        let java = try spark.sql("SELECT * FROM \(shared.spark(name))")
        let current = try await table.scan().rows()
        XCTAssertEqual(sortedRows(current), sortedRows(java), name, file: file, line: line)
    }

    /// Our `_row_id` and `_last_updated_sequence_number` of every row equal Java's, at every
    /// snapshot, and no row lacks an id.
    func assertRowLineageAgrees(_ table: Table, _ sparkName: String, file: StaticString = #filePath, line: UInt = #line)
        async throws
    {
        let columns = ["id", "_row_id", "_last_updated_sequence_number"]
        for snapshot in table.metadata.snapshots {
            let ours = try await table.scan(columns: columns, snapshotId: snapshot.snapshotId).rows()
            let java = try spark.sql(
                "SELECT id, _row_id, _last_updated_sequence_number FROM \(sparkName) VERSION AS OF \(snapshot.snapshotId)"
            )
            XCTAssertEqual(
                sortedRows(ours), sortedRows(java), "lineage at \(snapshot.snapshotId)", file: file, line: line)
            XCTAssertFalse(
                ours.contains { $0["_row_id"] == .null }, "lineage at \(snapshot.snapshotId)", file: file, line: line)
        }
    }

    /// The content kinds of the current snapshot's delete files, as Java's `delete_files` table lists them.
    func deleteFileFormats(_ shared: SharedCatalog, _ name: String) throws -> Set<String> {
        Set(
            try spark.sql("SELECT file_format, content FROM \(shared.spark(name)).delete_files").map {
                "\($0["file_format"]?.stringValue ?? "?")/\($0["content"]?.intValue ?? -1)"
            })
    }

    func createJavaTable(_ shared: SharedCatalog, _ name: String, version: Int, mode: String, partitionedBy: String)
        throws
    {
        try spark.sql(
            """
            CREATE TABLE \(shared.spark(name)) (id BIGINT, category STRING, price DECIMAL(10,2), ts TIMESTAMP,
              tags ARRAY<STRING>, attrs MAP<STRING, INT>, point STRUCT<x: DOUBLE, label: STRING>)
            USING iceberg PARTITIONED BY (\(partitionedBy))
            TBLPROPERTIES ('format-version'='\(version)', 'write.delete.mode'='\(mode)',
              'write.update.mode'='\(mode)', 'write.merge.mode'='\(mode)')
            """)
        let values = (0..<60).map { i in
            let category = ["a", "b", "c"][i % 3]
            let tags = i % 4 == 0 ? "NULL" : "array('t\(i % 5)', 'u')"
            return
                "(\(i), '\(category)', \(i).25, TIMESTAMP '2026-0\(1 + i % 3)-1\(i % 10) 0\(i % 10):30:00', \(tags), map('k', \(i)), named_struct('x', \(Double(i) / 4), 'label', 'p\(i)'))"
        }
        try spark.sql("INSERT INTO \(shared.spark(name)) VALUES \(values[..<30].joined(separator: ", "))")
        try spark.sql("INSERT INTO \(shared.spark(name)) VALUES \(values[30...].joined(separator: ", "))")
    }

    /// v2 and v3 tables after Java's merge-on-read DELETE, UPDATE and MERGE INTO (position
    /// delete files in v2, deletion vectors in v3), and a copy-on-write table after the same:
    /// we read every snapshot as Java does.
    func testWeReadJavaRowLevelChangesOnV2AndV3() async throws {
        let shared = try sharedCatalog()
        try spark.sql("CREATE NAMESPACE \(shared.name).db")
        for (version, mode) in [(2, "merge-on-read"), (3, "merge-on-read"), (2, "copy-on-write")] {
            let name = "db.rows_v\(version)_\(mode.prefix(1))"
            try createJavaTable(shared, name, version: version, mode: mode, partitionedBy: "category, bucket(4, id)")
            let t = shared.spark(name)
            try spark.sql("DELETE FROM \(t) WHERE id % 7 = 0")
            try spark.sql("UPDATE \(t) SET price = price + 1, tags = array('updated') WHERE id % 5 = 1")
            try spark.sql(
                """
                MERGE INTO \(t) AS target USING (SELECT * FROM VALUES (2L, 'z'), (3L, 'gone'), (100L, 'new') AS s(id, note)) AS source
                ON target.id = source.id
                WHEN MATCHED AND source.note = 'gone' THEN DELETE
                WHEN MATCHED THEN UPDATE SET category = 'merged'
                WHEN NOT MATCHED THEN INSERT (id, category, price) VALUES (source.id, 'inserted', 1.00)
                """)
            // A second delete in a file that already has one: v3 merges it into the vector.
            try spark.sql("DELETE FROM \(t) WHERE id IN (8, 9, 10, 11)")
            let formats = try deleteFileFormats(shared, name)
            switch (version, mode) {
            case (3, _): XCTAssertEqual(formats, ["PUFFIN/1"], name)
            case (_, "merge-on-read"): XCTAssertEqual(formats, ["PARQUET/1"], name)
            default: XCTAssertEqual(formats, [], name)
            }
            try await assertWeReadEverySnapshot(shared, name)
        }
    }

    /// Java's ALTER TABLE schema changes (add a nested field, rename, widen int/float/decimal,
    /// drop, reorder) and partition evolution, with inserts between: we read every snapshot
    /// with that snapshot's schema as Java does.
    func testWeReadJavaSchemaAndPartitionEvolution() async throws {
        let shared = try sharedCatalog()
        try spark.sql("CREATE NAMESPACE \(shared.name).db")
        let t = shared.spark("db.evolve")
        try spark.sql(
            """
            CREATE TABLE \(t) (id INT, qty INT, ratio FLOAT, amount DECIMAL(10,2), name STRING, ts TIMESTAMP,
              point STRUCT<x: INT>) USING iceberg PARTITIONED BY (name) TBLPROPERTIES ('format-version'='2')
            """)
        func insert(_ range: Range<Int>, _ columns: (Int) -> String) throws {
            try spark.sql("INSERT INTO \(t) VALUES " + range.map { "(\(columns($0)))" }.joined(separator: ", "))
        }
        try insert(0..<20) {
            "\($0), \($0 * 2), \(Double($0) / 8), \($0).50, 'n\($0 % 3)', TIMESTAMP '2026-05-0\(1 + $0 % 5) 12:00:00', named_struct('x', \($0))"
        }
        try spark.sql("ALTER TABLE \(t) ADD COLUMN point.y DOUBLE")
        try spark.sql("ALTER TABLE \(t) ADD COLUMN note STRING AFTER id")
        try spark.sql("ALTER TABLE \(t) RENAME COLUMN qty TO quantity")
        try spark.sql("ALTER TABLE \(t) ALTER COLUMN quantity TYPE BIGINT")
        try spark.sql("ALTER TABLE \(t) ALTER COLUMN ratio TYPE DOUBLE")
        try spark.sql("ALTER TABLE \(t) ALTER COLUMN amount TYPE DECIMAL(14,2)")
        try insert(20..<35) {
            "\($0), 'note\($0)', \($0) * 3000000000, \(Double($0) / 3), \($0).75, 'n\($0 % 3)', TIMESTAMP '2026-06-0\(1 + $0 % 5) 08:00:00', named_struct('x', \($0), 'y', \(Double($0) / 2))"
        }
        try spark.sql("ALTER TABLE \(t) DROP COLUMN ratio")
        try spark.sql("ALTER TABLE \(t) ALTER COLUMN name FIRST")
        try spark.sql("ALTER TABLE \(t) ADD PARTITION FIELD days(ts)")
        try spark.sql("ALTER TABLE \(t) DROP PARTITION FIELD name")
        try insert(35..<50) {
            "'n\($0 % 3)', \($0), NULL, \($0), \($0).05, TIMESTAMP '2026-07-0\(1 + $0 % 5) 23:59:59', named_struct('x', \($0), 'y', NULL)"
        }
        try spark.sql("DELETE FROM \(t) WHERE id = 3 OR id = 40")
        try await assertWeReadEverySnapshot(shared, "db.evolve")
        // A filter on a renamed, widened column prunes by our metrics and Java's alike.
        let table = try await shared.catalog.loadTable("db.evolve")
        let filtered = try await table.scan(filter: "quantity >= 60").rows()
        XCTAssertFalse(filtered.isEmpty)
        XCTAssertEqual(sortedRows(filtered), sortedRows(try spark.sql("SELECT * FROM \(t) WHERE quantity >= 60")))
    }

    /// Java's maintenance procedures (rewrite_data_files, rewrite_manifests,
    /// rewrite_position_delete_files, expire_snapshots), branches and tags: we read every
    /// snapshot, and each tag and branch as `VERSION AS OF 'name'` reads it.
    func testWeReadJavaMaintenanceBranchesAndTags() async throws {
        let shared = try sharedCatalog()
        try spark.sql("CREATE NAMESPACE \(shared.name).db")
        let name = "db.kept"
        try createJavaTable(shared, name, version: 2, mode: "merge-on-read", partitionedBy: "category")
        let t = shared.spark(name)
        try spark.sql("DELETE FROM \(t) WHERE id % 4 = 0")
        try spark.sql("ALTER TABLE \(t) CREATE TAG before_compaction")
        try spark.sql("ALTER TABLE \(t) CREATE BRANCH audit")
        try spark.sql(
            "INSERT INTO \(t).branch_audit VALUES (1000, 'audit', 1.00, TIMESTAMP '2026-09-01 00:00:00', NULL, NULL, NULL)"
        )
        try spark.sql("CALL \(shared.name).system.rewrite_position_delete_files(table => 'db.kept')")
        try spark.sql(
            "CALL \(shared.name).system.rewrite_data_files(table => 'db.kept', options => map('min-input-files', '1'))")
        try spark.sql("CALL \(shared.name).system.rewrite_manifests('db.kept')")
        let before = try await shared.catalog.loadTable(name).metadata.snapshots.count
        try spark.sql(
            "CALL \(shared.name).system.expire_snapshots(table => 'db.kept', older_than => TIMESTAMP '2100-01-01 00:00:00', retain_last => 1)"
        )
        let table = try await shared.catalog.loadTable(name)
        XCTAssertLessThan(table.metadata.snapshots.count, before)
        try await assertWeReadEverySnapshot(shared, name)
        for ref in ["before_compaction", "audit", "main"] {
            guard let id = table.metadata.ref(ref)?.snapshotId else { return XCTFail("no ref \(ref)") }
            let ours = try await table.scan(snapshotId: id).rows()
            XCTAssertEqual(
                sortedRows(ours), sortedRows(try spark.sql("SELECT * FROM \(t) VERSION AS OF '\(ref)'")), ref)
            if ref == "audit" { XCTAssertEqual(ours.count, 46) }
        }
    }

    /// Equality deletes written through Java's API as Flink's upsert writes them — global
    /// (unpartitioned), per partition, on a composite key with a string, and with a null key —
    /// are applied as Java applies them, and only to older data.
    func testWeReadEqualityDeletesWrittenThroughJavasAPI() async throws {
        let shared = try sharedCatalog()
        try spark.sql("CREATE NAMESPACE \(shared.name).db")
        for (name, partitioned) in [("db.eq_global", false), ("db.eq_by_region", true)] {
            let t = shared.spark(name)
            try spark.sql(
                """
                CREATE TABLE \(t) (id INT, region STRING, v STRING) USING iceberg
                \(partitioned ? "PARTITIONED BY (region)" : "") TBLPROPERTIES ('format-version'='2')
                """)
            try spark.sql(
                "INSERT INTO \(t) VALUES "
                    + (0..<40).map { "(\($0 % 13 == 0 ? "NULL" : String($0)), 'r\($0 % 2)', 'v\($0)')" }.joined(
                        separator: ", "))
            let single = try spark.python(
                """
                result = write_equality_deletes('\(t)', ['id', 'region'] if \(partitioned ? "True" : "False") else ['id'],
                    [dict(id=i, region='r%d' % (i % 2)) for i in [1, 2, 3, 5, 8]] + [dict(id=None, region='r0')])
                """)
            XCTAssertEqual(single, .int(partitioned ? 2 : 1), name)
            // Rows inserted after the deletes keep the deleted keys: deletes apply only to older data.
            try spark.sql("INSERT INTO \(t) VALUES (1, 'r1', 'again'), (2, 'r0', 'again')")
            // A composite key holding a string.
            _ = try spark.python(
                """
                result = write_equality_deletes('\(t)', ['region', 'v'], [dict(region='r0', v='v4'), dict(region='r1', v='v7')])
                """)
            XCTAssertTrue(try deleteFileFormats(shared, name).contains("PARQUET/2"), name)
            try await assertWeReadEverySnapshot(shared, name)
            let current = try await shared.catalog.loadTable(name).scan().rows()
            XCTAssertEqual(current.filter { $0["v"] == .string("again") }.count, 2, name)
            XCTAssertFalse(current.contains { $0["v"] == .string("v4") }, name)
        }
    }

    /// Tables Java writes with each Parquet codec it has here (LZ4 is Hadoop's framing,
    /// through lz4-java) read as Java reads them.
    func testWeReadEveryCodecJavaWrites() async throws {
        let shared = try sharedCatalog()
        try spark.sql("CREATE NAMESPACE \(shared.name).db")
        for codec in ["snappy", "gzip", "zstd", "lz4", "uncompressed"] {
            let name = "db.codec_\(codec)"
            try spark.sql(
                """
                CREATE TABLE \(shared.spark(name)) (id BIGINT, s STRING, d DOUBLE) USING iceberg
                TBLPROPERTIES ('write.parquet.compression-codec'='\(codec)')
                """)
            try spark.sql(
                "INSERT INTO \(shared.spark(name)) SELECT id, concat('s', id % 100), id / 3.0 FROM range(5000)")
            let table = try await shared.catalog.loadTable(name)
            let file = try await table.scan().planFiles().first?.file.filePath ?? ""
            XCTAssertEqual(try ParquetReaderCodec.of(file), codec.uppercased(), codec)
            try await assertWeReadEverySnapshot(shared, name)
        }
    }

    /// A v3 table Java writes: row lineage (`_row_id`, `_last_updated_sequence_number`) read
    /// on request as Java reads it, through inserts, a merge-on-read update and a compaction
    /// that materializes the lineage columns; a column added with a default reads as that
    /// default in older files; variant, geometry and unknown columns load, the other columns
    /// scan, and selecting a variant is refused naming it.
    func testWeReadJavaV3RowLineageDefaultsAndNewTypes() async throws {
        let shared = try sharedCatalog()
        try spark.sql("CREATE NAMESPACE \(shared.name).db")
        let t = shared.spark("db.v3")
        try spark.sql(
            """
            CREATE TABLE \(t) (id INT, s STRING) USING iceberg
            TBLPROPERTIES ('format-version'='3', 'write.update.mode'='merge-on-read')
            """)
        try spark.sql("INSERT INTO \(t) VALUES " + (0..<20).map { "(\($0), 's\($0)')" }.joined(separator: ", "))
        try spark.sql("INSERT INTO \(t) VALUES " + (20..<30).map { "(\($0), 's\($0)')" }.joined(separator: ", "))
        try spark.sql("UPDATE \(t) SET s = 'changed' WHERE id % 6 = 0")
        try spark.sql(
            "CALL \(shared.name).system.rewrite_data_files(table => 'db.v3', options => map('min-input-files', '1'))")
        try spark.sql("INSERT INTO \(t) VALUES (100, 'late')")
        _ = try spark.python(
            """
            table('\(t)').updateSchema().addColumn('flag', jvm.org.apache.iceberg.types.Types.IntegerType.get(), 'a default',
                jvm.org.apache.iceberg.expressions.Literal.of(7)).commit()
            result = None
            """)
        try spark.sql("INSERT INTO \(t) VALUES (101, 'with flag', 9)")
        try await assertWeReadEverySnapshot(shared, "db.v3")
        let table = try await shared.catalog.loadTable("db.v3")
        try await assertRowLineageAgrees(table, t)
        let three = try await table.scan(filter: "id = 3").rows()
        XCTAssertEqual(three, [.object([("id", .int(3)), ("s", .string("s3")), ("flag", .int(7))])])

        // New v3 types, added through Java's API to a table that already has rows.
        let before = try spark.sql("SELECT * FROM \(t)")
        _ = try spark.python(
            """
            types = jvm.org.apache.iceberg.types.Types
            table('\(t)').updateSchema().addColumn('v', types.VariantType.get()).addColumn('g', types.GeometryType.crs84()) \\
                .addColumn('u', types.UnknownType.get()).commit()
            result = None
            """)
        let evolved = try await shared.catalog.loadTable("db.v3")
        XCTAssertEqual(evolved.metadata.currentSchema.field(at: "v")?.type, .variant)
        let others = try await evolved.scan(columns: ["id", "s", "flag", "u"]).rows()
        XCTAssertEqual(
            sortedRows(others),
            sortedRows(
                before.map { row in
                    guard case .object(let pairs) = row else { return row }
                    return .object(pairs + [("u", .null)])
                }))
        do {
            _ = try await evolved.scan().rows()
            XCTFail("a scan of the variant column must be refused")
        } catch {
            XCTAssertTrue("\(error)".contains("'v'") && "\(error)".contains("variant"), "\(error)")
        }
    }
}
