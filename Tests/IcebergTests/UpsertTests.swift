import Foundation
import JSONSupport
import TestSupport
import XCTest

@testable import Iceberg

/// Upserts by key with both strategies, against a model of the expected rows.
final class UpsertTests: XCTestCase {
    static let schema = try! Schema(
        identifierFieldIds: [1],
        fields: [
            .required(1, "id", .long), .optional(2, "category", .string), .optional(3, "qty", .int),
            .optional(4, "tags", .list(ListType(elementId: 5, elementRequired: false, element: .string))),
        ])

    static func row(_ id: Int, _ category: String, _ qty: Int) -> JSONValue {
        .object([
            ("id", .int(Int64(id))), ("category", .string(category)), ("qty", .int(Int64(qty))),
            ("tags", .array([.string("t\(id % 3)")])),
        ])
    }

    /// The table's rows keyed by id.
    static func state(_ table: Table) async throws -> [Int64: String] {
        var out: [Int64: String] = [:]
        for row in try await table.scan().rows() {
            let id = try XCTUnwrap(row["id"]?.intValue)
            XCTAssertNil(out[id], "id \(id) is in the table twice")
            out[id] = row.serialized()
        }
        return out
    }

    /// Fails naming the keys whose rows differ (not printing whole tables).
    static func assertSameRows(
        _ actual: [Int64: String], _ expected: [Int64: String], _ message: String, line: UInt = #line
    ) {
        let keys = Set(actual.keys).union(expected.keys).filter { actual[$0] != expected[$0] }.sorted()
        XCTAssertTrue(
            keys.isEmpty,
            "\(message): \(keys.count) keys differ, e.g. "
                + keys.prefix(3).map { "\($0): \(actual[$0] ?? "none") vs expected \(expected[$0] ?? "none")" }
                .joined(separator: "; "), line: line)
    }

    func makeTable(_ catalog: InMemoryCatalog, _ name: String, spec: String? = nil, rows: Int = 1000) async throws
        -> Table
    {
        let id = TableIdentifier(namespace: Namespace(["t"]), name: name)
        _ = try await catalog.createTable(
            id,
            TableCreation(
                schema: Self.schema,
                spec: try spec.map { try SpecParsing.partitionSpec($0, schema: Self.schema) } ?? .unpartitioned,
                properties: [("commit.retry.min-wait-ms", "1"), ("write.target-file-size-bytes", "4000")]))
        var table = try await catalog.loadTable(id)
        if rows > 0 {
            var txn = table.newTransaction()
            txn.append(jsonRows: (0..<rows).map { ($0 + 1, Self.row($0, ["a", "b", "c"][$0 % 3], $0)) })
            table = try await txn.commit()
        }
        return table
    }

    /// Half the input updates existing ids, half inserts new ones; both strategies end in the
    /// model's rows, each with its kind of delete file, and a second upsert over the first
    /// still leaves one row per key.
    func testBothStrategiesUpdateAndInsertAsTheModelSays() async throws {
        let catalog = try await makeLocalCatalog(self, prefix: "upsert").catalog
        for (name, strategy, spec) in [
            ("eq", UpsertStrategy.equalityDeletes, nil), ("pos", .positionDeletes, nil),
            ("eqb", .equalityDeletes, "bucket(4,id)"), ("posc", .positionDeletes, "category"),
        ] as [(String, UpsertStrategy, String?)] {
            let table = try await makeTable(catalog, name, spec: spec)
            var model = try await Self.state(table)
            let input = (900..<1100).map { Self.row($0, "u", -$0) }
            for r in input { model[r["id"]!.intValue!] = r.serialized() }
            let result = try await table.upsert(
                input.enumerated().map { ($0.offset + 1, $0.element) }, options: .init(strategy: strategy))
            let after = try await Self.state(table)
            Self.assertSameRows(after, model, "\(name)")
            let snapshot = try XCTUnwrap(table.currentSnapshot)
            XCTAssertEqual(snapshot.snapshotId, result.snapshotId)
            XCTAssertEqual(snapshot.operation, "overwrite")
            XCTAssertEqual(snapshot.summary("added-records"), "200")
            XCTAssertEqual(result.writtenRows, 200)
            let deletes = try await table.scan().planFiles().flatMap(\.deletes)
            XCTAssertFalse(deletes.isEmpty, name)
            switch strategy {
            case .equalityDeletes:
                XCTAssertNil(result.matchedRows, "the equality strategy does not look")
                XCTAssertEqual(snapshot.summary("added-equality-deletes"), "200")
                XCTAssertEqual(snapshot.summary("total-equality-deletes"), "200", name)
                XCTAssertTrue(deletes.allSatisfy { $0.content == .equalityDeletes && $0.equalityIds == [1] })
            case .positionDeletes:
                XCTAssertEqual(result.matchedRows, 100)
                XCTAssertEqual(result.insertedRows, 100)
                XCTAssertEqual(result.deletedRows, 100)
                XCTAssertEqual(snapshot.summary("added-position-deletes"), "100")
                XCTAssertTrue(deletes.allSatisfy { $0.content == .positionDeletes && $0.referencedDataFile != nil })
            case .auto:
                XCTFail("auto resolves to one of the two")
            }
            // Again over the first upsert's rows: still one row per key.
            let again = (1050..<1150).map { Self.row($0, "v", $0 * 2) }
            for r in again { model[r["id"]!.intValue!] = r.serialized() }
            try await table.upsert(
                again.enumerated().map { ($0.offset + 1, $0.element) }, options: .init(strategy: strategy))
            let final = try await Self.state(table)
            Self.assertSameRows(final, model, "\(name) second upsert")
        }
    }

    /// Only updates, only inserts, deleted keys, an empty table, and the errors: a duplicate
    /// key, a missing key value, no key, a key both upserted and deleted, equality deletes on
    /// data partitioned by a non-key column. Failed upserts commit nothing.
    func testOptionsDeletesAndBadInput() async throws {
        let catalog = try await makeLocalCatalog(self, prefix: "upsert-options").catalog
        for strategy in [UpsertStrategy.equalityDeletes, .positionDeletes] {
            let name = strategy == .equalityDeletes ? "eq" : "pos"
            var table = try await makeTable(catalog, name, rows: 100)
            var model = try await Self.state(table)
            let input = (90..<110).map { Self.row($0, "u", 0) }
            let numbered = input.enumerated().map { ($0.offset + 1, $0.element) }
            let updated = try await table.upsert(numbered, options: .init(insertUnmatched: false, strategy: strategy))
            XCTAssertEqual(updated.matchedRows, 10)
            XCTAssertEqual(updated.insertedRows, 0)
            XCTAssertEqual(updated.writtenRows, 10)
            for r in input.prefix(10) { model[r["id"]!.intValue!] = r.serialized() }
            var state = try await Self.state(table)
            Self.assertSameRows(state, model, "\(name): only updates")

            let fresh = (95..<115).map { Self.row($0, "i", 1) }
            let inserted = try await table.upsert(
                fresh.enumerated().map { ($0.offset + 1, $0.element) },
                options: .init(updateMatched: false, strategy: strategy))
            XCTAssertEqual(inserted.insertedRows, 15)
            XCTAssertEqual(inserted.writtenRows, 15)
            XCTAssertEqual(table.currentSnapshot?.operation, "append", "inserts only add rows")
            for r in fresh.suffix(15) { model[r["id"]!.intValue!] = r.serialized() }
            state = try await Self.state(table)
            Self.assertSameRows(state, model, "\(name): only inserts")

            var txn = table.newTransaction()
            txn.add(
                UpsertRows(
                    rows: [(1, Self.row(7, "z", 7))],
                    deletedKeys: [(2, .object([("id", .int(3))])), (3, .object([("id", .int(5000))]))],
                    options: .init(strategy: strategy)))
            table = try await txn.commit()
            model[7] = Self.row(7, "z", 7).serialized()
            model[3] = nil
            state = try await Self.state(table)
            Self.assertSameRows(state, model, "\(name): deleted keys (one absent: a no-op)")

            let before = table.metadataLocation
            func refused(_ rows: [JSONValue], _ options: UpsertRows.Options, _ expected: String) async {
                do {
                    try await table.upsert(rows.enumerated().map { ($0.offset + 1, $0.element) }, options: options)
                    XCTFail("accepted: \(expected)")
                } catch {
                    XCTAssertTrue("\(error)".contains(expected), "\(error)")
                }
            }
            await refused(
                [Self.row(1, "a", 1), Self.row(2, "a", 1), Self.row(1, "b", 1)], .init(strategy: strategy),
                "row 3")
            await refused(
                [Self.row(1, "a", 1), Self.row(2, "a", 1), Self.row(1, "b", 1)], .init(strategy: strategy),
                "duplicate key id=1 (also row 1)")
            await refused([.object([("category", .string("x"))])], .init(strategy: strategy), "id")
            await refused([Self.row(1, "a", 1)], .init(keyColumns: ["nope"], strategy: strategy), "nope")
            await refused([Self.row(1, "a", 1)], .init(keyColumns: ["tags"], strategy: strategy), "primitive")
            XCTAssertEqual(table.metadataLocation, before)
            let reloaded = try await catalog.loadTable("t.\(name)")
            XCTAssertEqual(reloaded.metadataLocation, before, "nothing committed")
        }
        // Equality deletes need the partition source in the key; position deletes do not.
        let byCategory = try await makeTable(catalog, "bycat", spec: "category", rows: 30)
        do {
            try await byCategory.upsert([(1, Self.row(1, "c", 1))], options: .init(strategy: .equalityDeletes))
            XCTFail("equality deletes by id on data partitioned by category were written")
        } catch {
            XCTAssertTrue("\(error)".contains("partitioned by category"), "\(error)")
        }
        try await byCategory.upsert([(1, Self.row(1, "c", 1))], options: .init(strategy: .positionDeletes))
        var rows = try await Self.state(byCategory)
        XCTAssertEqual(rows.count, 30)
        XCTAssertEqual(rows[1], Self.row(1, "c", 1).serialized())
        // The default strategy (auto) takes position deletes there, and equality deletes where
        // the key decides the partition.
        let auto = try await byCategory.upsert([(1, Self.row(1, "d", 2))])
        XCTAssertEqual(auto.strategy, .positionDeletes)
        rows = try await Self.state(byCategory)
        XCTAssertEqual(rows.count, 30)
        XCTAssertEqual(rows[1], Self.row(1, "d", 2).serialized())
        let byKey = try await makeTable(catalog, "bykey", spec: "bucket(4,id)", rows: 30)
        let keyed = try await byKey.upsert([(1, Self.row(1, "d", 2))])
        XCTAssertEqual(keyed.strategy, .equalityDeletes)
        let keyedRows = try await Self.state(byKey)
        XCTAssertEqual(keyedRows[1], Self.row(1, "d", 2).serialized())
        // Without identifier fields the key must be named.
        let plain = TableIdentifier(namespace: Namespace(["t"]), name: "plain")
        _ = try await catalog.createTable(plain, TableCreation(schema: try Schema(fields: Self.schema.fields)))
        let noKey = try await catalog.loadTable(plain)
        do {
            try await noKey.upsert([(1, Self.row(1, "c", 1))])
            XCTFail("an upsert without a key was accepted")
        } catch {
            XCTAssertTrue("\(error)".contains("no identifier fields"), "\(error)")
        }
        let first = try await noKey.upsert([(1, Self.row(1, "c", 1))], options: .init(keyColumns: ["id"]))
        XCTAssertEqual(first.insertedRows, 1, "an empty table: every row is new")
        let single = try await Self.state(noKey)
        XCTAssertEqual(single.count, 1)
    }

    /// Two upserts of overlapping keys started from one table state both land (the loser
    /// re-plans on the winner's snapshot); every key ends once, with the later writer's row.
    func testRacingUpsertsBothLandWithOneRowPerKey() async throws {
        let catalog = try await makeLocalCatalog(self, prefix: "upsert-race").catalog
        for strategy in [UpsertStrategy.equalityDeletes, .positionDeletes] {
            let name = strategy == .equalityDeletes ? "eq" : "pos"
            let start = try await makeTable(catalog, name, rows: 200)
            async let a: UpsertRows.Result = {
                let t = start.copy()
                return try await t.upsert(
                    (150..<250).enumerated().map { ($0.offset + 1, Self.row($0.element, "a", 1)) },
                    options: .init(strategy: strategy))
            }()
            async let b: UpsertRows.Result = {
                let t = start.copy()
                return try await t.upsert(
                    (100..<300).enumerated().map { ($0.offset + 1, Self.row($0.element, "b", 2)) },
                    options: .init(strategy: strategy))
            }()
            let (ra, rb) = try await (a, b)
            let table = try await catalog.loadTable("t.\(name)")
            let state = try await Self.state(table)
            XCTAssertEqual(state.count, 300, name)
            let history = table.metadata.ancestorsOfCurrent.map(\.snapshotId)
            let aFirst =
                try XCTUnwrap(history.firstIndex(of: try XCTUnwrap(rb.snapshotId)))
                < history.firstIndex(of: try XCTUnwrap(ra.snapshotId))!
            for id in 150..<250 {
                XCTAssertEqual(state[Int64(id)], Self.row(id, aFirst ? "b" : "a", aFirst ? 2 : 1).serialized())
            }
        }
    }

    /// An upsert, an append, a copy-on-write and a merge-on-read delete, started from one table
    /// state at once on disjoint keys, all land (losers re-plan), the table ends as any serial
    /// order would leave it, and no live delete file refers to a data file that is gone.
    func testRacingUpsertAppendAndDeletesLoseNothing() async throws {
        let catalog = try await makeLocalCatalog(self, prefix: "upsert-mixed").catalog
        for strategy in [UpsertStrategy.equalityDeletes, .positionDeletes] {
            let name = strategy == .equalityDeletes ? "eq" : "pos"
            let start = try await makeTable(catalog, name, spec: "bucket(4,id)", rows: 1000)
            var model = try await Self.state(start)
            let upserts = (0..<300).map { Self.row($0, "u", 7) }
            let appended = (5000..<5100).map { Self.row($0, "n", 1) }
            for r in upserts + appended { model[r["id"]!.intValue!] = r.serialized() }
            for id in 800..<1000 { model[Int64(id)] = nil }
            async let a: Void = {
                let t = start.copy()
                try await t.upsert(
                    upserts.enumerated().map { ($0.offset + 1, $0.element) }, options: .init(strategy: strategy))
            }()
            async let b: Void = {
                var txn = start.newTransaction()
                txn.append(jsonRows: appended.enumerated().map { ($0.offset + 1, $0.element) })
                _ = try await txn.commit()
            }()
            async let c: Void = {
                let t = start.copy()
                _ = try await t.delete(where: "id >= 800 and id < 900", mode: .copyOnWrite)
            }()
            async let d: Void = {
                let t = start.copy()
                _ = try await t.delete(where: "id >= 900 and id < 1000", mode: .mergeOnRead)
            }()
            _ = try await (a, b, c, d)
            let table = try await catalog.loadTable("t.\(name)")
            XCTAssertEqual(table.metadata.snapshots.count, 5, "\(name): every writer committed once")
            let state = try await Self.state(table)
            Self.assertSameRows(state, model, "\(name) after the race")
            let tasks = try await table.scan().planFiles()
            let live = Set(tasks.map(\.file.filePath))
            let manifests = try await table.scan().manifests()
            for mf in manifests where mf.content != .data {
                let entries = try ManifestCodec.readManifest(
                    try await table.io.read(mf.path), manifest: mf, schema: table.schema,
                    spec: table.metadata.spec(id: mf.partitionSpecId))
                for e in entries where e.status != .deleted {
                    if let target = e.dataFile.referencedDataFile {
                        XCTAssertTrue(
                            live.contains(target), "\(name): a live delete file refers to a removed data file")
                    }
                }
            }
        }
    }
}
