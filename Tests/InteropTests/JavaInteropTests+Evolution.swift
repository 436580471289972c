import Foundation
import JSONSupport
import TestSupport
import XCTest

@testable import Iceberg

extension JavaInteropTests {
    /// Schema changes made with our CLI, with appends between: Java and DuckDB read every
    /// snapshot as we do, PyIceberg the current one (old files under old schemas, renamed and widened columns), a
    /// PyIceberg twin given the same changes ends with the same field ids, names and types,
    /// and a change that breaks a rule exits non-zero with the table unchanged.
    func testOurSchemaEvolutionReadsTheSameInJavaAndPyIceberg() async throws {
        let shared = try sharedCatalog()
        let initial = """
            {"type":"struct","schema-id":0,"identifier-field-ids":[1],"fields":[
              {"id":1,"name":"id","required":true,"type":"long"},{"id":2,"name":"qty","required":false,"type":"int"},
              {"id":3,"name":"ratio","required":false,"type":"float"},{"id":4,"name":"amount","required":false,"type":"decimal(10,2)"},
              {"id":5,"name":"st","required":false,"type":{"type":"struct","fields":[{"id":6,"name":"a","required":false,"type":"string"}]}},
              {"id":7,"name":"category","required":false,"type":"string"}]}
            """
        let schema = try writeSchema(initial, in: shared)
        _ = try cli(shared, ["namespace", "create", "db"])
        for name in ["db.evolve", "db.twin"] {
            _ = try cli(shared, ["table", "create", name, "--schema", schema, "--partition", "category"])
        }
        func append(_ rows: [String]) throws {
            _ = try cli(shared, ["append", "db.evolve"], stdin: rows.joined(separator: "\n") + "\n")
        }
        try append(
            (0..<6).map {
                #"{"id": \#($0), "qty": \#($0 * 2), "ratio": 0.5, "amount": "\#($0).25", "st": {"a": "a\#($0)"}, "category": "c\#($0 % 2)"}"#
            })
        let steps: [(cli: [String], twin: JSONValue)] = [
            (
                ["add-column", "db.evolve", "note", "string", "--doc", "free text"],
                .array([.string("add"), .string("note"), .string("string"), .string("free text")])
            ),
            (
                ["rename-column", "db.evolve", "qty", "quantity"],
                .array([.string("rename"), .string("qty"), .string("quantity")])
            ),
            (
                ["update-column", "db.evolve", "quantity", "--type", "long"],
                .array([.string("widen"), .string("quantity"), .string("long")])
            ),
            (
                ["update-column", "db.evolve", "ratio", "--type", "double"],
                .array([.string("widen"), .string("ratio"), .string("double")])
            ),
            (
                ["add-column", "db.evolve", "st.b", "long", "--doc", "inner"],
                .array([.string("add"), .string("st.b"), .string("long"), .string("inner")])
            ),
            (["drop-column", "db.evolve", "st.a"], .array([.string("drop"), .string("st.a")])),
            (
                ["update-column", "db.evolve", "amount", "--type", "decimal(14,2)"],
                .array([.string("widen"), .string("amount"), .string("decimal(14,2)")])
            ),
            (["move-column", "db.evolve", "note", "--first"], .array([.string("first"), .string("note")])),
            (
                ["move-column", "db.evolve", "category", "--after", "id"],
                .array([.string("after"), .string("category"), .string("id")])
            ),
        ]
        for (i, step) in steps.enumerated() {
            let out = try cli(shared, ["schema"] + step.cli)
            XCTAssertEqual(out.first?["schema-id"]?.intValue, Int64(i + 1), step.cli.joined(separator: " "))
            if i % 3 == 2 {
                try append([
                    #"{"id": \#(100 + i), "quantity": 5000000000, "ratio": 0.125, "amount": "12345678.50", "note": "n\#(i)", "category": "c1"}"#
                ])
            }
        }
        let table = try await shared.catalog.loadTable("db.evolve")
        XCTAssertEqual(
            table.metadata.currentSchema.fields.map(\.name),
            ["note", "id", "category", "quantity", "ratio", "amount", "st"])
        try await assertJavaReadsEverySnapshot(table, shared, "db.evolve")
        // PyIceberg reads the current state as we do. (Its time travel projects older snapshots
        // onto the current schema, unlike Java and us, so older snapshots are compared with Java
        // only.)
        let py = try icebergPeer(["pyiceberg", shared.db, shared.warehouse, shared.name, "db.evolve"])
        let current = try await table.scan().rows()
        XCTAssertEqual(current.count, 9)
        // `st` is left out: its only field now (st.b) is absent from the older files, which Java
        // and we read as a null struct and PyIceberg and DuckDB as a struct of nulls.
        func withoutStruct(_ rows: [JSONValue]) -> [JSONValue] {
            sortedRows(
                rows.map { row in
                    guard case .object(let pairs) = row else { return row }
                    return .object(pairs.filter { $0.0 != "st" })
                })
        }
        XCTAssertEqual(withoutStruct(py["rows"]?.arrayValue ?? []), withoutStruct(current))
        // DuckDB reads every snapshot as we do, each with the schema it was written under (`st`
        // aside again: DuckDB too reads a struct of nulls).
        try await assertDuckDBReadsEverySnapshot(table, normalize: withoutStruct)
        // The PyIceberg twin, given the same changes, has the same fields and ids.
        var twin = [UInt8](
            try PythonPeer.run(
                script: "evolve_peer.py",
                [shared.db, shared.warehouse, shared.name, "db.twin", JSONValue.array(steps.map(\.twin)).serialized()]))
        let twinSchema = try Schema(json: try JSONValue.parse(bytes: &twin))
        XCTAssertEqual(twinSchema.fields, table.metadata.currentSchema.fields)
        XCTAssertEqual(twinSchema.identifierFieldIds, [1])

        // A bad change exits non-zero, names the column and the rule, and commits nothing.
        let before = try await shared.catalog.loadTable("db.evolve").metadataLocation
        for bad in [
            ["drop-column", "db.evolve", "id"], ["update-column", "db.evolve", "quantity", "--type", "int"],
            ["drop-column", "db.evolve", "category"],
        ] {
            let result = try CLIRunner().run(["schema"] + bad + ["--catalog", shared.uri])
            XCTAssertNotEqual(result.status, 0, bad.joined(separator: " "))
            XCTAssertTrue(result.stderr.contains("column '"), result.stderr)
        }
        let after = try await shared.catalog.loadTable("db.evolve").metadataLocation
        XCTAssertEqual(after, before)
    }

    /// A table Java evolves with ALTER TABLE is evolved further by us; Java writes and reads
    /// it with our changes, at every snapshot.
    func testWeEvolveFurtherWhatJavaEvolved() async throws {
        let shared = try sharedCatalog()
        try spark.sql("CREATE NAMESPACE \(shared.name).db")
        let t = shared.spark("db.both")
        try spark.sql(
            "CREATE TABLE \(t) (id BIGINT, s STRING, p STRUCT<x: INT>) USING iceberg TBLPROPERTIES ('format-version'='2')"
        )
        try spark.sql("INSERT INTO \(t) VALUES (1, 'a', named_struct('x', 1))")
        try spark.sql("ALTER TABLE \(t) ADD COLUMN n INT")
        try spark.sql("INSERT INTO \(t) VALUES (2, 'b', named_struct('x', 2), 20)")
        _ = try cli(shared, ["schema", "rename-column", "db.both", "s", "label"])
        _ = try cli(shared, ["schema", "add-column", "db.both", "p.y", "double"])
        _ = try cli(shared, ["schema", "update-column", "db.both", "n", "--type", "long"])
        _ = try cli(
            shared, ["append", "db.both"], stdin: #"{"id": 3, "label": "c", "p": {"x": 3, "y": 0.5}, "n": 30}"# + "\n")
        try spark.sql("INSERT INTO \(t) VALUES (4, 'd', named_struct('x', 4, 'y', 1.5), 40)")
        // Partitioning and order: Java adds a field and an order, we evolve both further.
        try spark.sql("ALTER TABLE \(t) ADD PARTITION FIELD bucket(4, id)")
        try spark.sql("ALTER TABLE \(t) WRITE ORDERED BY n DESC")
        try spark.sql("INSERT INTO \(t) VALUES (5, 'e', named_struct('x', 5, 'y', 2.5), 50)")
        let javaSpec = try await shared.catalog.loadTable("db.both").metadata.defaultSpec
        XCTAssertEqual(javaSpec.fields.map(\.name), ["id_bucket_4"], "Java names it as our default names do")
        _ = try cli(shared, ["partition", "add-field", "db.both", "truncate(1,label)"])
        _ = try cli(shared, ["partition", "rename-field", "db.both", "id_bucket_4", "b"])
        _ = try cli(shared, ["sort-order", "set", "db.both", "label desc, id"])
        _ = try cli(
            shared, ["append", "db.both"],
            stdin: (6..<12).map { #"{"id": \#($0), "label": "l\#($0 % 3)", "p": {"x": \#($0)}, "n": \#($0)}"# }
                .joined(separator: "\n") + "\n")
        try spark.sql("INSERT INTO \(t) VALUES (12, 'f', named_struct('x', 12, 'y', 3.5), 120)")
        let evolved = try await shared.catalog.loadTable("db.both").metadata
        XCTAssertEqual(evolved.defaultSpec.fields.map(\.name), ["b", "label_trunc_1"])
        XCTAssertEqual(
            evolved.defaultSpec.fields.map(\.fieldId), [javaSpec.fields[0].fieldId, javaSpec.fields[0].fieldId + 1])
        let javaPartitions = try spark.sql(
            "SELECT partition.b AS b, partition.label_trunc_1 AS l FROM \(t).files WHERE spec_id = \(evolved.defaultSpecId) ORDER BY b, l"
        )
        XCTAssertFalse(javaPartitions.isEmpty, "Java wrote and lists files under our spec")
        XCTAssertEqual(evolved.defaultSortOrderId, 2, "Java's order was 1")
        let ours = try await shared.catalog.loadTable("db.both").scan(filter: "id >= 6 and id < 12").planFiles()
        XCTAssertFalse(ours.isEmpty)
        for f in ours {
            let java = try spark.sql("SELECT sort_order_id FROM \(t).files WHERE file_path = '\(f.file.filePath)'")
            XCTAssertEqual(java.first?["sort_order_id"], .int(2), "Java sees the order our sorted file records")
        }
        try await assertWeReadEverySnapshot(shared, "db.both")
        let java = try spark.sql("SELECT label, p.y AS y, n FROM \(t) WHERE id BETWEEN 3 AND 4 ORDER BY id")
        XCTAssertEqual(
            java,
            [
                .object([("label", .string("c")), ("y", .double(0.5)), ("n", .int(30))]),
                .object([("label", .string("d")), ("y", .double(1.5)), ("n", .int(40))]),
            ])
    }

    /// A v1 table our CLI upgrades to v2 and whose properties it sets and removes: Java reads
    /// every snapshot, sees format v2 and the properties; a downgrade is refused.
    func testJavaReadsATableWeUpgradedAndReconfigured() async throws {
        let shared = try sharedCatalog()
        let schema = try writeSchema(
            #"{"type":"struct","fields":[{"id":1,"name":"id","required":true,"type":"long"},{"id":2,"name":"s","required":false,"type":"string"}]}"#,
            in: shared)
        _ = try cli(shared, ["namespace", "create", "db"])
        _ = try cli(shared, ["table", "create", "db.up", "--schema", schema, "--format-version", "1"])
        _ = try cli(shared, ["append", "db.up"], stdin: #"{"id": 1, "s": "v1"}"# + "\n")
        XCTAssertEqual(
            try cli(shared, ["table", "upgrade", "db.up", "--format-version", "2"]).first?["format-version"], .int(2))
        _ = try cli(
            shared, ["table", "set-properties", "db.up", "write.parquet.compression-codec=snappy", "owner=data-team"])
        _ = try cli(shared, ["append", "db.up"], stdin: #"{"id": 2, "s": "v2"}"# + "\n")
        _ = try cli(shared, ["table", "remove-properties", "db.up", "owner"])
        let table = try await shared.catalog.loadTable("db.up")
        XCTAssertEqual(table.metadata.formatVersion, 2)
        try await assertJavaReadsEverySnapshot(table, shared, "db.up")
        XCTAssertEqual(
            try spark.python("result = table('\(shared.spark("db.up"))').operations().current().formatVersion()"),
            .int(2))
        let properties = try spark.sql("SHOW TBLPROPERTIES \(shared.spark("db.up"))")
        XCTAssertTrue(
            properties.contains {
                $0["key"] == .string("write.parquet.compression-codec") && $0["value"] == .string("snappy")
            })
        XCTAssertFalse(properties.contains { $0["key"] == .string("owner") })
        let newest = try await table.scan().planFiles().map(\.file.filePath).sorted()
        let codecs = try newest.map { try ParquetReaderCodec.of($0) }
        XCTAssertTrue(codecs.contains("SNAPPY"), "\(codecs)")
        let downgrade = try CLIRunner().run([
            "table", "upgrade", "db.up", "--format-version", "1", "--catalog", shared.uri,
        ])
        XCTAssertNotEqual(downgrade.status, 0)
        XCTAssertTrue(downgrade.stderr.contains("downgrade"), downgrade.stderr)
    }
}

/// The codec of a Parquet file's first column chunk, as `iceberg parquet meta` prints it.
enum ParquetReaderCodec {
    static func of(_ path: String) throws -> String {
        let meta = try CLIRunner().run(["parquet", "meta", path])
        return try JSONValue.parse(meta.stdout)["row_groups"]?.arrayValue?.first?["columns"]?.arrayValue?.first?[
            "codec"]?
            .stringValue ?? "?"
    }
}
