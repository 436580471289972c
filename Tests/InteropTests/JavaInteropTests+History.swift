import Foundation
import JSONSupport
import TestSupport
import XCTest

@testable import Iceberg

extension JavaInteropTests {
    /// Partition evolution, a sort order, tags and branches, write-audit-publish, rollback and
    /// cherry-pick, all made with our CLI on one table: a PyIceberg twin given the same
    /// changes ends with the same spec field ids and names, sort orders and refs; PyIceberg
    /// parses our metadata as ours; Java, PyIceberg and DuckDB read every snapshot as we do;
    /// Java reads the tag and the branch and sees the sort order id of the sorted files; and
    /// bad requests exit non-zero with the table unchanged.
    func testOurPartitionSortAndRefChangesMatchPyIcebergAndReadEverywhere() async throws {
        let shared = try sharedCatalog()
        let schema = try writeSchema(
            """
            {"type":"struct","schema-id":0,"fields":[{"id":1,"name":"id","required":true,"type":"long"},
              {"id":2,"name":"ts","required":false,"type":"timestamptz"},{"id":3,"name":"category","required":false,"type":"string"},
              {"id":4,"name":"score","required":false,"type":"double"}]}
            """, in: shared)
        _ = try cli(shared, ["namespace", "create", "db"])
        for name in ["db.hist", "db.twin"] {
            _ = try cli(shared, ["table", "create", name, "--schema", schema, "--partition", "bucket(4,id)"])
        }
        func rows(_ ids: [Int]) -> String {
            ids.map { i in
                let ts = TemporalValues.formatTimestamp(
                    Int64(1_700_000_000 + i * 3600) * 1_000_000, unitsPerSecond: 1_000_000, utc: true)
                let category = i % 5 == 0 ? "null" : "\"c\(i % 3)\""
                let score = i % 7 == 0 ? "null" : "\(Double(i % 11 - 5))"
                return #"{"id": \#(i), "ts": "\#(ts)", "category": \#(category), "score": \#(score)}"#
            }.joined(separator: "\n") + "\n"
        }
        func head(_ out: [JSONValue]) -> Int64 { out.first?["snapshot-id"]?.intValue ?? -1 }
        _ = try cli(shared, ["append", "db.hist"], stdin: rows(Array(0..<30)))
        _ = try cli(shared, ["partition", "add-field", "db.hist", "day(ts)"])
        _ = try cli(shared, ["append", "db.hist"], stdin: rows(Array(30..<60)))
        _ = try cli(shared, ["partition", "remove-field", "db.hist", "id_bucket"])
        _ = try cli(shared, ["partition", "rename-field", "db.hist", "ts_day", "day"])
        let readded = try cli(shared, ["partition", "add-field", "db.hist", "bucket(4,id)"])
        XCTAssertEqual(readded.first?["spec-id"], .int(4))
        let sorted = try cli(shared, ["sort-order", "set", "db.hist", "category desc nulls last, ts"])
        XCTAssertEqual(sorted.first?["sort-order-id"], .int(1))
        let s3 = head(try cli(shared, ["append", "db.hist"], stdin: rows(Array(60..<120).shuffled())))
        _ = try cli(shared, ["ref", "create-tag", "db.hist", "v1", "--max-ref-age-ms", "864000000"])
        _ = try cli(
            shared,
            [
                "ref", "create-branch", "db.hist", "audit", "--min-snapshots-to-keep", "2", "--max-snapshot-age-ms",
                "3600000",
            ])
        let s4 = head(try cli(shared, ["append", "db.hist", "--branch", "audit"], stdin: rows(Array(120..<140))))
        _ = try cli(shared, ["delete", "db.hist", "--branch", "audit", "--filter", "id < 5"])
        let audited = try cli(shared, ["scan", "db.hist", "--branch", "audit"])
        XCTAssertEqual(audited.count, 135)
        XCTAssertEqual(try cli(shared, ["scan", "db.hist"]).count, 120, "main did not move")
        _ = try cli(shared, ["ref", "fast-forward", "db.hist", "main", "audit"])
        XCTAssertEqual(try cli(shared, ["scan", "db.hist"]).count, 135)
        let rolledBack = try cli(shared, ["rollback", "db.hist", "--to-snapshot", String(s3)])
        XCTAssertEqual(rolledBack.first?["current-snapshot-id"], .int(s3))
        let picked = try cli(shared, ["cherry-pick", "db.hist", String(s4)])
        XCTAssertEqual(picked.first?["current-snapshot-id"], .int(s4), "a fast-forward: s4's parent is s3")
        let refs = try cli(shared, ["ref", "list", "db.hist"])
        XCTAssertEqual(refs.compactMap { $0["name"]?.stringValue }, ["audit", "main", "v1"])

        // Bad requests exit non-zero, say why, and leave the table as it is.
        let before = try await shared.catalog.loadTable("db.hist")
        let audit = try XCTUnwrap(before.metadata.ref("audit")?.snapshotId)
        for (bad, message) in [
            (["partition", "add-field", "db.hist", "bucket(4,nope)"], "'nope' is not in the schema"),
            (["partition", "remove-field", "db.hist", "nope"], "no such partition field"),
            (["rollback", "db.hist", "--to-snapshot", String(audit)], "not an ancestor"),
            (["ref", "fast-forward", "db.hist", "audit", "v1"], "not an ancestor"),
            (["ref", "remove", "db.hist", "main"], "main branch cannot be removed"),
            (["sort-order", "set", "db.hist", "score sideways"], "unexpected 'sideways'"),
        ] {
            let result = try CLIRunner().run(bad + ["--catalog", shared.uri])
            XCTAssertNotEqual(result.status, 0, bad.joined(separator: " "))
            XCTAssertTrue(result.stderr.contains(message), "\(bad.joined(separator: " ")): \(result.stderr)")
        }
        let table = try await shared.catalog.loadTable("db.hist")
        XCTAssertEqual(table.metadataLocation, before.metadataLocation)

        // The PyIceberg twin, given the same changes, has the same specs, order and refs.
        let steps: JSONValue = .array([
            .array([.string("append"), .int(0), .int(30)]),
            .array([.string("add-field"), .string("ts"), .string("day"), .null]),
            .array([.string("append"), .int(30), .int(30)]),
            .array([.string("remove-field"), .string("id_bucket")]),
            .array([.string("rename-field"), .string("ts_day"), .string("day")]),
            .array([.string("add-field"), .string("id"), .string("bucket[4]"), .null]),
            .array([
                .string("sort"),
                .array([
                    .array([.string("category"), .string("desc"), .string("nulls-last")]),
                    .array([.string("ts"), .string("asc"), .string("nulls-first")]),
                ]),
            ]),
            .array([.string("append"), .int(60), .int(60)]),
            .array([.string("tag"), .string("v1"), .int(864_000_000)]),
            .array([.string("branch"), .string("audit"), .int(2), .int(3_600_000)]),
        ])
        var twinBytes = [UInt8](
            try PythonPeer.run(
                script: "history_peer.py",
                ["twin", shared.db, shared.warehouse, shared.name, "db.twin", steps.serialized()]))
        let twin = try JSONValue.parse(bytes: &twinBytes)
        var inspectBytes = [UInt8](
            try PythonPeer.run(
                script: "history_peer.py", ["inspect", shared.db, shared.warehouse, shared.name, "db.hist"]))
        let inspected = try JSONValue.parse(bytes: &inspectBytes)
        let ours = Self.historyView(table.metadata)
        XCTAssertEqual(inspected, ours, "PyIceberg parses our specs, orders and refs as we wrote them")
        for key in ["specs", "default-spec-id", "last-partition-id", "sort-orders", "default-sort-order-id"] {
            XCTAssertEqual(twin[key], ours[key], key)
        }
        func withoutIds(_ refs: JSONValue?) -> JSONValue? {
            guard case .object(let pairs)? = refs else { return refs }
            return .object(
                pairs.map { name, ref in
                    guard case .object(let fields) = ref else { return (name, ref) }
                    return (name, .object(fields.filter { $0.0 != "snapshot-id" }))
                })
        }
        XCTAssertEqual(withoutIds(twin["refs"]), withoutIds(ours["refs"]), "refs and their retention")

        // Every peer reads every snapshot as we do.
        try await assertJavaReadsEverySnapshot(table, shared, "db.hist")
        let py = try icebergPeer(["pyiceberg", shared.db, shared.warehouse, shared.name, "db.hist"])
        if case .object(let read)? = py["snapshots"] {
            XCTAssertEqual(read.count, table.metadata.snapshots.count, "PyIceberg lists every snapshot")
        } else {
            XCTFail("PyIceberg returned no snapshots")
        }
        for snapshot in table.metadata.snapshots {
            let mine = sortedRows(try await table.scan(snapshotId: snapshot.snapshotId).rows())
            XCTAssertEqual(
                py["snapshots"]?[String(snapshot.snapshotId)]?.arrayValue.map(sortedRows), mine,
                "PyIceberg, snapshot \(snapshot.snapshotId)")
        }
        try await assertDuckDBReadsEverySnapshot(table)
        for ref in ["v1", "audit"] {
            let java = try spark.sql("SELECT * FROM \(shared.spark("db.hist")) VERSION AS OF '\(ref)'")
            let mine = try await table.scan(ref: ref).rows()
            XCTAssertEqual(sortedRows(java), sortedRows(mine), ref)
        }
        // Java sees the specs and the sort order id of every file, as we recorded them.
        let javaFiles = try spark.sql("SELECT file_path, spec_id, sort_order_id FROM \(shared.spark("db.hist")).files")
        let ourFiles = try await table.scan().planFiles()
        XCTAssertEqual(javaFiles.count, ourFiles.count)
        for f in ourFiles {
            let java = javaFiles.first { $0["file_path"]?.stringValue == f.file.filePath }
            XCTAssertEqual(java?["spec_id"], .int(Int64(f.specId)), f.file.filePath)
            XCTAssertEqual(java?["sort_order_id"], f.file.sortOrderId.map { .int(Int64($0)) } ?? .null, f.file.filePath)
        }
        XCTAssertEqual(Set(ourFiles.map(\.specId)), [0, 1, 4])
        XCTAssertTrue(ourFiles.contains { $0.file.sortOrderId == 1 })
    }

    /// The partition, sort-order and ref view `history_peer.py` prints, of our metadata.
    static func historyView(_ m: TableMetadata) -> JSONValue {
        func int(_ v: Int?) -> JSONValue { v.map { .int(Int64($0)) } ?? .null }
        return .object([
            (
                "specs",
                .array(
                    m.partitionSpecs.map { s in
                        .object([
                            ("spec-id", int(s.specId)),
                            (
                                "fields",
                                .array(
                                    s.fields.map { f in
                                        .object([
                                            ("source-id", int(f.sourceId)), ("field-id", int(f.fieldId)),
                                            ("name", .string(f.name)), ("transform", .string(f.transform.description)),
                                        ])
                                    })
                            ),
                        ])
                    })
            ),
            ("default-spec-id", int(m.defaultSpecId)), ("last-partition-id", int(m.lastPartitionId)),
            (
                "sort-orders",
                .array(
                    m.sortOrders.map { o in
                        .object([
                            ("order-id", int(o.orderId)),
                            (
                                "fields",
                                .array(
                                    o.fields.map { f in
                                        .object([
                                            ("source-id", int(f.sourceId)),
                                            ("transform", .string(f.transform.description)),
                                            ("direction", .string(f.direction.rawValue)),
                                            ("null-order", .string(f.nullOrder.rawValue)),
                                        ])
                                    })
                            ),
                        ])
                    })
            ),
            ("default-sort-order-id", int(m.defaultSortOrderId)),
            (
                "refs",
                .object(
                    m.refs.sorted { $0.0 < $1.0 }.map { name, r in
                        (
                            name,
                            .object([
                                ("snapshot-id", .int(r.snapshotId)), ("type", .string(r.type.rawValue)),
                                ("min-snapshots-to-keep", int(r.minSnapshotsToKeep)),
                                ("max-snapshot-age-ms", r.maxSnapshotAgeMs.map { .int($0) } ?? .null),
                                ("max-ref-age-ms", r.maxRefAgeMs.map { .int($0) } ?? .null),
                            ])
                        )
                    })
            ),
        ])
    }
}
