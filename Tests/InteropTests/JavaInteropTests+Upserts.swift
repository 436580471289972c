import Foundation
import JSONSupport
import TestSupport
import XCTest

@testable import Iceberg

extension JavaInteropTests {
    static let keyedSchema = """
        {"type":"struct","identifier-field-ids":[1],"fields":[{"id":1,"name":"id","required":true,"type":"long"},
          {"id":2,"name":"category","required":false,"type":"string"},{"id":3,"name":"score","required":false,"type":"double"}]}
        """

    static func keyedRow(_ id: Int, _ score: Double) -> JSONValue {
        .object([
            ("id", .int(Int64(id))), ("category", id % 5 == 0 ? .null : .string("c\(id % 3)")),
            ("score", .double(score)),
        ])
    }

    /// The pairs of a JSON object (none for other values).
    static func pairs(_ value: JSONValue) -> [(String, JSONValue)] {
        if case .object(let p) = value { return p }
        return []
    }

    static func lines(_ rows: [JSONValue]) -> String { rows.map { $0.serialized() }.joined(separator: "\n") + "\n" }

    /// Upserts with both strategies, only-update and only-insert upserts and a merge-on-read
    /// delete, made with our CLI, equal PyIceberg's `upsert` and `delete` on a twin row by row
    /// (and its update/insert counts where we look keys up); Java reads every snapshot as we
    /// do and lists our equality-delete files as we wrote them; DuckDB reads every snapshot.
    func testOurUpsertsEqualPyIcebergsAndJavaAndDuckDBReadThem() async throws {
        let shared = try sharedCatalog()
        let schema = try writeSchema(Self.keyedSchema, in: shared)
        _ = try cli(shared, ["namespace", "create", "db"])
        for name in ["db.ups", "db.upstwin"] {
            _ = try cli(shared, ["table", "create", name, "--schema", schema, "--partition", "bucket(4,id)"])
        }
        let initial = (0..<200).map { Self.keyedRow($0, 0) }
        let first = (150..<250).map { Self.keyedRow($0, 1) }
        let second = ((100..<120).map { Self.keyedRow($0, 2) }) + (300..<310).map { Self.keyedRow($0, 2) }
        let onlyUpdate = (240..<260).map { Self.keyedRow($0, 3) }
        let onlyInsert = (250..<270).map { Self.keyedRow($0, 4) }
        _ = try cli(shared, ["append", "db.ups"], stdin: Self.lines(initial))
        let eq = try cli(shared, ["upsert", "db.ups"], stdin: Self.lines(first))
        XCTAssertEqual(eq.first?["strategy"], .string("equality-deletes"))
        XCTAssertEqual(eq.first?["written-rows"], .int(100))
        XCTAssertEqual(eq.first?["summary"]?["added-equality-deletes"], .string("100"))
        let pos = try cli(
            shared, ["upsert", "db.ups", "--strategy", "position-deletes"], stdin: Self.lines(second))
        XCTAssertEqual(pos.first?["matched-rows"], .int(20))
        XCTAssertEqual(pos.first?["inserted-rows"], .int(10))
        XCTAssertEqual(pos.first?["summary"]?["added-position-deletes"], .string("20"))
        let updates = try cli(shared, ["upsert", "db.ups", "--no-insert"], stdin: Self.lines(onlyUpdate))
        XCTAssertEqual(updates.first?["matched-rows"], .int(10))
        let inserts = try cli(shared, ["upsert", "db.ups", "--no-update"], stdin: Self.lines(onlyInsert))
        XCTAssertEqual(inserts.first?["inserted-rows"], .int(20))
        _ = try cli(shared, ["delete", "db.ups", "--filter", "id < 10 or id = 160", "--mode", "merge-on-read"])

        let steps: JSONValue = .array([
            .array([.string("append"), .array(initial)]),
            .array([.string("upsert"), .array(first), .bool(true), .bool(true)]),
            .array([.string("upsert"), .array(second), .bool(true), .bool(true)]),
            .array([.string("upsert"), .array(onlyUpdate), .bool(true), .bool(false)]),
            .array([.string("upsert"), .array(onlyInsert), .bool(false), .bool(true)]),
            .array([.string("delete"), .string("id < 10 or id = 160")]),
        ])
        var out = [UInt8](
            try PythonPeer.run(
                script: "overwrite_peer.py",
                [shared.db, shared.warehouse, shared.name, "db.upstwin", steps.serialized()]))
        let twin = try JSONValue.parse(bytes: &out)
        let table = try await shared.catalog.loadTable("db.ups")
        let ours = try await table.scan().rows()
        XCTAssertEqual(ours.count, 280 - 11)
        XCTAssertEqual(sortedRows(twin["rows"]?.arrayValue ?? []), sortedRows(ours), "PyIceberg's upserts")
        // Every row the second upsert matched differs, so PyIceberg's update count is our match count.
        XCTAssertEqual(twin["upserts"]?.arrayValue?[1], .array([.int(20), .int(10)]))

        try await assertJavaReadsEverySnapshot(table, shared, "db.ups")
        let tasks = try await table.scan().planFiles()
        let equality = Set(tasks.flatMap(\.deletes).filter { $0.content == .equalityDeletes }.map(\.filePath))
        XCTAssertFalse(equality.isEmpty)
        let javaDeletes = try spark.sql(
            "SELECT file_path, content, equality_ids, record_count FROM \(shared.spark("db.ups")).delete_files WHERE content = 2"
        )
        XCTAssertEqual(Set(javaDeletes.compactMap { $0["file_path"]?.stringValue }), equality)
        XCTAssertTrue(javaDeletes.allSatisfy { $0["equality_ids"] == .array([.int(1)]) })
        try await assertDuckDBReadsEverySnapshot(table)
        // (PyIceberg 0.12 refuses to plan a scan over equality deletes: "does not yet support".)

        // Bad input names the line and commits nothing.
        let before = table.metadataLocation
        for (input, expected) in [
            (Self.lines([Self.keyedRow(1, 0), Self.keyedRow(1, 1)]), "row 2"),
            (#"{"category": "x"}"# + "\n", "id"),
        ] {
            let bad = try CLIRunner().run(["upsert", "db.ups", "--catalog", shared.uri], stdin: input)
            XCTAssertNotEqual(bad.status, 0)
            XCTAssertTrue(bad.stderr.contains(expected), bad.stderr)
        }
        let unchanged = try await shared.catalog.loadTable("db.ups")
        XCTAssertEqual(unchanged.metadataLocation, before)
    }

    /// A Debezium-style stream of a source table (inserts, updates of the key's other columns,
    /// deletes, re-inserts of deleted keys; some events wrapped in `payload`, tombstones after
    /// deletes), generated here and applied in batches with both strategies, and a final batch
    /// in the flat form: after every batch the table equals the source, and Java reads every
    /// snapshot as we do. Bad events name their line and commit nothing.
    func testADebeziumStreamAppliedInBatchesEqualsTheSource() async throws {
        let shared = try sharedCatalog()
        let schema = try writeSchema(Self.keyedSchema, in: shared)
        _ = try cli(shared, ["namespace", "create", "db"])
        _ = try cli(shared, ["table", "create", "db.cdc", "--schema", schema, "--partition", "bucket(4,id)"])
        var source: [Int: JSONValue] = [:]
        var deletedKeys: [Int] = []
        var state: UInt64 = 42
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        var nextId = 0
        var batchesApplied = 0
        for batch in 0..<8 {
            var events: [String] = []
            for e in 0..<60 {
                let roll = next(10)
                var event: JSONValue
                if source.isEmpty || roll < 3 {
                    let id: Int
                    if roll == 0, let revived = deletedKeys.popLast() {
                        id = revived
                    } else {
                        id = nextId
                        nextId += 1
                    }
                    let row = Self.keyedRow(id, Double(batch * 100 + e))
                    source[id] = row
                    event = .object([("op", .string(batch == 0 ? "r" : "c")), ("before", .null), ("after", row)])
                } else if roll < 8 {
                    let id = source.keys.sorted()[next(source.count)]
                    let old = source[id]!
                    let row = Self.keyedRow(id, Double(batch * 100 + e) + 0.5)
                    source[id] = row
                    event = .object([("op", .string("u")), ("before", old), ("after", row)])
                } else {
                    let id = source.keys.sorted()[next(source.count)]
                    let old = source.removeValue(forKey: id)!
                    deletedKeys.append(id)
                    event = .object([("op", .string("d")), ("before", old), ("after", .null)])
                }
                event = .object(
                    Self.pairs(event) + [
                        ("source", .object([("lsn", .int(Int64(batch * 1000 + e))), ("table", .string("src"))])),
                        ("ts_ms", .int(1_700_000_000_000 + Int64(e))),
                    ])
                if e % 7 == 0 { event = .object([("schema", .null), ("payload", event)]) }
                events.append(event.serialized())
                if event["op"] == .string("d") || event["payload"]?["op"] == .string("d") { events.append("null") }
            }
            let strategy = batch % 2 == 0 ? "equality-deletes" : "position-deletes"
            let out = try cli(
                shared, ["cdc", "db.cdc", "--format", "debezium", "--strategy", strategy],
                stdin: events.joined(separator: "\n") + "\n")
            XCTAssertEqual(out.first?["strategy"], .string(strategy))
            batchesApplied += 1
            let table = try await shared.catalog.loadTable("db.cdc")
            let rows = try await table.scan().rows()
            XCTAssertEqual(sortedRows(rows), sortedRows(Array(source.values)), "after batch \(batch)")
        }
        XCTAssertFalse(deletedKeys.isEmpty)
        // The flat form: I/U/D in an operation column.
        let revived = deletedKeys.removeLast()
        let someKey = source.keys.sorted().first!
        let otherKey = source.keys.sorted().last!
        source[revived] = Self.keyedRow(revived, 9)
        source[someKey] = Self.keyedRow(someKey, 10)
        source[otherKey] = nil
        func flat(_ row: JSONValue, _ op: String) -> String {
            JSONValue.object(Self.pairs(row) + [("_cdc_op", .string(op))]).serialized()
        }
        let flatEvents = [
            flat(Self.keyedRow(revived, 9), "I"), flat(Self.keyedRow(someKey, 10), "U"),
            flat(.object([("id", .int(Int64(otherKey)))]), "D"), flat(.object([("id", .int(99_999))]), "d"),
        ]
        _ = try cli(shared, ["cdc", "db.cdc", "--format", "flat"], stdin: flatEvents.joined(separator: "\n") + "\n")
        let table = try await shared.catalog.loadTable("db.cdc")
        XCTAssertEqual(table.metadata.snapshots.count, batchesApplied + 1)
        let rows = try await table.scan().rows()
        XCTAssertEqual(sortedRows(rows), sortedRows(Array(source.values)), "after the flat batch")
        try await assertJavaReadsEverySnapshot(table, shared, "db.cdc")

        for (events, expected) in [
            (#"{"op": "x", "after": {"id": 1}}"#, "row 1, field 'op'"),
            (
                #"{"op": "c", "after": {"id": 1, "category": "a", "score": 1.0}}"# + "\n"
                    + #"{"op": "u", "after": {"category": "b"}}"#,
                "row 2, field 'id'"
            ),
        ] {
            let bad = try CLIRunner().run(
                ["cdc", "db.cdc", "--format", "debezium", "--catalog", shared.uri], stdin: events + "\n")
            XCTAssertNotEqual(bad.status, 0)
            XCTAssertTrue(bad.stderr.contains(expected), bad.stderr)
        }
        let unchanged = try await shared.catalog.loadTable("db.cdc")
        XCTAssertEqual(unchanged.metadataLocation, table.metadataLocation)
    }
}

extension JavaInteropTests {
    /// A v3 table made by our CLI through appends (a column's write-default filling omitted
    /// values), copy-on-write and merge-on-read deletes, upserts with both strategies and an
    /// overwrite; and a v2 table with position deletes upgraded to v3 and changed further:
    /// Java reads every snapshot as we do and gives every row the row id and last-updated
    /// sequence number we give it (rows rewritten copy-on-write keep theirs).
    func testOurV3WritesKeepRowLineageAsJavaReadsIt() async throws {
        let shared = try sharedCatalog()
        let schema = try writeSchema(
            """
            {"type":"struct","identifier-field-ids":[1],"fields":[{"id":1,"name":"id","required":true,"type":"long"},
              {"id":2,"name":"category","required":false,"type":"string"},{"id":3,"name":"score","required":false,"type":"double"},
              {"id":4,"name":"note","required":false,"type":"string","write-default":"n/a"}]}
            """, in: shared)
        _ = try cli(shared, ["namespace", "create", "db"])
        _ = try cli(
            shared,
            ["table", "create", "db.v3", "--schema", schema, "--partition", "bucket(4,id)", "--format-version", "3"])
        func rows(_ ids: Range<Int>, _ score: Double) -> String {
            Self.lines(
                ids.map { i in
                    var pairs = Self.pairs(Self.keyedRow(i, score))
                    if i % 2 == 0 { pairs.append(("note", .string("n\(i)"))) }
                    return .object(pairs)
                })
        }
        _ = try cli(shared, ["append", "db.v3"], stdin: rows(0..<200, 0))
        var table = try await shared.catalog.loadTable("db.v3")
        XCTAssertEqual(table.metadata.formatVersion, 3)
        let lineageBefore = try await table.scan(filter: "id = 31", columns: ["id", "_row_id"]).rows()
        let cow = try cli(shared, ["delete", "db.v3", "--filter", "id < 20 or id = 30"])
        XCTAssertGreaterThan(cow.first?["added-data-files"]?.intValue ?? 0, 0, "files rewritten")
        table = try await shared.catalog.loadTable("db.v3")
        let lineageAfter = try await table.scan(filter: "id = 31", columns: ["id", "_row_id"]).rows()
        XCTAssertEqual(lineageAfter, lineageBefore, "a row rewritten copy-on-write keeps its row id")
        _ = try cli(shared, ["delete", "db.v3", "--filter", "id >= 50 and id < 60", "--mode", "merge-on-read"])
        table = try await shared.catalog.loadTable("db.v3")
        XCTAssertNotNil(table.currentSnapshot?.summary("added-dvs"))
        XCTAssertNil(table.currentSnapshot?.summary("added-position-delete-files"), "v3 takes deletion vectors")
        _ = try cli(shared, ["upsert", "db.v3"], stdin: rows(150..<250, 1))
        _ = try cli(shared, ["upsert", "db.v3", "--strategy", "position-deletes"], stdin: rows(100..<110, 2))
        _ = try cli(shared, ["overwrite", "db.v3", "--filter", "id >= 180 and id < 190"], stdin: rows(180..<185, 3))
        table = try await shared.catalog.loadTable("db.v3")
        let ours = try await table.scan().rows()
        XCTAssertEqual(ours.count, 250 - 21 - 10 - 5)
        XCTAssertTrue(ours.contains { $0["note"] == .string("n/a") }, "the write-default fills omitted notes")
        XCTAssertFalse(ours.contains { $0["note"] == .null })
        let added = table.metadata.snapshots.reduce(Int64(0)) { $0 + ($1.addedRows ?? 0) }
        XCTAssertEqual(table.metadata.nextRowId, added, "next-row-id advances by each snapshot's added rows")
        try await assertJavaReadsEverySnapshot(table, shared, "db.v3")
        try await assertRowLineageAgrees(table, shared.spark("db.v3"))
        try await assertDuckDBReadsEverySnapshot(table)

        // A v2 table with position deletes, upgraded.
        _ = try cli(shared, ["table", "create", "db.up", "--schema", schema, "--partition", "category"])
        _ = try cli(shared, ["append", "db.up"], stdin: rows(0..<100, 0))
        _ = try cli(shared, ["delete", "db.up", "--filter", "id < 10", "--mode", "merge-on-read"])
        let upgradedAt = try await shared.catalog.loadTable("db.up").metadata.snapshots.count
        _ = try cli(shared, ["table", "upgrade", "db.up", "--format-version", "3"])
        _ = try cli(shared, ["append", "db.up"], stdin: rows(100..<120, 0))
        _ = try cli(shared, ["delete", "db.up", "--filter", "id >= 20 and id < 25", "--mode", "merge-on-read"])
        _ = try cli(shared, ["delete", "db.up", "--filter", "id = 40"])
        let up = try await shared.catalog.loadTable("db.up")
        XCTAssertEqual(up.metadata.formatVersion, 3)
        let deletes = try await up.scan().planFiles().flatMap(\.deletes)
        XCTAssertTrue(deletes.contains(where: \.isDeletionVector))
        try await assertJavaReadsEverySnapshot(up, shared, "db.up")
        let py = try icebergPeer(["pyiceberg", shared.db, shared.warehouse, shared.name, "db.up"])
        for snapshot in up.metadata.snapshots {
            let mine = sortedRows(try await up.scan(snapshotId: snapshot.snapshotId).rows())
            let id = String(snapshot.snapshotId)
            XCTAssertEqual(py["snapshots"]?[id]?.arrayValue.map(sortedRows), mine, "PyIceberg, snapshot \(id)")
        }
        for snapshot in up.metadata.snapshots.dropFirst(upgradedAt) {
            let columns = ["id", "_row_id", "_last_updated_sequence_number"]
            let mine = try await up.scan(columns: columns, snapshotId: snapshot.snapshotId).rows()
            let java = try spark.sql(
                "SELECT id, _row_id, _last_updated_sequence_number FROM \(shared.spark("db.up")) VERSION AS OF \(snapshot.snapshotId)"
            )
            XCTAssertEqual(
                sortedRows(mine), sortedRows(java), "lineage of the upgraded table at \(snapshot.snapshotId)")
        }
    }
}
