import Foundation
import JSONSupport
import Parquet
import TestSupport
import XCTest

@testable import Iceberg

/// Partition evolution, sort orders and sorted writes, and snapshot management (rollback,
/// cherry-pick, branches and tags), each checked on a local table: the metadata they make,
/// the rows every snapshot reads, and the refusals that leave the table unchanged.
final class TableEvolutionTests: XCTestCase {
    struct Event: Codable, Sendable, Equatable {
        var id: Int64
        /// ISO-8601 in the library's form, so the text order is the time order.
        var ts: String?
        var category: String?
        var score: Double?
    }
    static let schema = try! Schema(fields: [
        .required(1, "id", .long), .optional(2, "ts", .timestamptz), .optional(3, "category", .string),
        .optional(4, "score", .double),
    ])

    private func makeTable(version: Int = 2, partition: String? = nil) async throws -> Table {
        let catalog = try await makeLocalCatalog(self, prefix: "evo").catalog
        let spec = try partition.map { try SpecParsing.partitionSpec($0, schema: Self.schema) } ?? .unpartitioned
        _ = try await catalog.createTable(
            TableIdentifier(namespace: Namespace(["t"]), name: "events"),
            TableCreation(schema: Self.schema, spec: spec, formatVersion: version))
        return try await catalog.loadTable("t.events")
    }

    private func events(_ ids: Range<Int64>) -> [Event] {
        ids.map { i in
            Event(
                id: i,
                ts: TemporalValues.formatTimestamp(
                    1_700_000_000_000_000 + i * 3_600_000_000, unitsPerSecond: 1_000_000, utc: true),
                category: i % 5 == 0 ? nil : "c\(i % 3)",
                score: i % 7 == 0 ? nil : Double(i % 11) - 5)
        }
    }

    private func rows(_ scan: TableScan) async throws -> [Event] {
        try await scan.batches().reduce(into: [Event]()) { $0 += try $1.rows(as: Event.self) }.sorted { $0.id < $1.id }
    }

    private func assertRows(
        _ scan: TableScan, _ expected: [Event], file: StaticString = #filePath, line: UInt = #line
    ) async throws {
        let got = try await rows(scan)
        XCTAssertEqual(got, expected, file: file, line: line)
    }

    private func assertRefused(
        _ what: String, _ table: Table, contains text: String, _ body: (Table) async throws -> Void,
        file: StaticString = #filePath, line: UInt = #line
    ) async throws {
        let copy = table.copy()
        do {
            try await body(copy)
            XCTFail("\(what) was accepted", file: file, line: line)
        } catch {
            XCTAssertTrue("\(error)".contains(text), "\(what): \(error)", file: file, line: line)
        }
        let reloaded = table.copy()
        try await reloaded.refresh()
        XCTAssertEqual(reloaded.metadataLocation, table.metadataLocation, "\(what) committed", file: file, line: line)
    }

    // MARK: Partition evolution

    func testPartitionFieldsTakeJavaNamesAndNewWritesUseTheNewSpec() async throws {
        let t = try await makeTable()
        try await t.append(events(0..<20))
        try await t.updatePartitionSpec([
            .addField(source: "ts", transform: .day), .addField(source: "id", transform: .bucket(4)),
            .addField(source: "category", transform: .truncate(1)), .addField(source: "category", transform: .identity),
        ])
        let spec = t.metadata.defaultSpec
        XCTAssertEqual(spec.specId, 1)
        XCTAssertEqual(spec.fields.map(\.name), ["ts_day", "id_bucket_4", "category_trunc_1", "category"])
        XCTAssertEqual(spec.fields.map(\.fieldId), [1000, 1001, 1002, 1003])
        XCTAssertEqual(t.metadata.lastPartitionId, 1003)
        try await t.append(events(20..<40))
        let tasks = try await t.scan().planFiles()
        XCTAssertEqual(Set(tasks.map(\.specId)), [0, 1], "old files keep spec 0, new ones use spec 1")
        try await assertRows(try t.scan(), events(0..<40))
        // Each spec's files are pruned with their own projection: spec 0 files cannot be
        // pruned by ts, spec 1 files are pruned by day.
        let filtered = try t.scan(filter: "ts < '2023-11-14T23:00:00+00:00'")
        let cut = TemporalValues.formatTimestamp(1_700_002_800_000_000, unitsPerSecond: 1_000_000, utc: true)
        let expected = events(0..<40).filter { $0.ts.map { $0 < cut } ?? false }
        try await assertRows(filtered, expected)
        let pruned = try await filtered.planFiles()
        XCTAssertTrue(pruned.contains { $0.specId == 0 })
        XCTAssertLessThan(pruned.filter { $0.specId == 1 }.count, tasks.filter { $0.specId == 1 }.count)
    }

    func testRemovingAFieldDropsItInV2AndVoidsItInV1AndReaddingReusesItsId() async throws {
        let v2 = try await makeTable(partition: "bucket(4,id),category")
        try await v2.updatePartitionSpec([.removeField("id_bucket")])
        XCTAssertEqual(v2.metadata.defaultSpec.fields.map(\.name), ["category"])
        try await v2.updatePartitionSpec([.addField(source: "id", transform: .bucket(4))])
        XCTAssertEqual(v2.metadata.defaultSpec.fields.map(\.fieldId), [1001, 1000], "bucket(4,id) keeps field id 1000")
        XCTAssertEqual(v2.metadata.defaultSpec.fields.map(\.name), ["category", "id_bucket"])
        XCTAssertEqual(v2.metadata.lastPartitionId, 1001)
        try await v2.updatePartitionSpec([.removeTransform(source: "id", transform: .bucket(4))])
        XCTAssertEqual(v2.metadata.defaultSpecId, 1, "the identical earlier spec is reused")

        let v1 = try await makeTable(version: 1, partition: "bucket(4,id),category")
        try await v1.append(events(0..<10))
        try await v1.updatePartitionSpec([.removeField("id_bucket"), .renameField("category", to: "cat")])
        let fields = v1.metadata.defaultSpec.fields
        XCTAssertEqual(fields.map(\.transform), [.void, .identity])
        XCTAssertEqual(fields.map(\.name), ["id_bucket", "cat"])
        XCTAssertEqual(fields.map(\.fieldId), [1000, 1001])
        try await v1.append(events(10..<20))
        try await assertRows(try v1.scan(), events(0..<20))
        // A new field may take the name of a void one, which is renamed out of the way.
        try await v1.updatePartitionSpec([.addField(source: "id", transform: .bucket(8), name: "id_bucket")])
        XCTAssertEqual(v1.metadata.defaultSpec.fields.map(\.name), ["id_bucket_1000", "cat", "id_bucket"])
        XCTAssertEqual(v1.metadata.defaultSpec.fields.last?.fieldId, 1002, "v1 never reuses ids")
    }

    func testBadPartitionChangesAreRefusedNamingTheField() async throws {
        let t = try await makeTable(partition: "day(ts)")
        try await assertRefused("a missing column", t, contains: "'nope' is not in the schema") {
            try await $0.updatePartitionSpec([.addField(source: "nope", transform: .identity)])
        }
        try await assertRefused("a duplicate", t, contains: "already partitions by day(ts)") {
            try await $0.updatePartitionSpec([.addField(source: "ts", transform: .day)])
        }
        try await assertRefused("two time units of a column", t, contains: "redundant") {
            try await $0.updatePartitionSpec([
                .removeField("ts_day"), .addField(source: "ts", transform: .hour),
                .addField(source: "ts", transform: .month),
            ])
        }
        try await assertRefused("a transform the type refuses", t, contains: "cannot be applied") {
            try await $0.updatePartitionSpec([.addField(source: "score", transform: .bucket(2))])
        }
        try await assertRefused("removing a missing field", t, contains: "no such partition field") {
            try await $0.updatePartitionSpec([.removeField("nope")])
        }
        try await assertRefused("a name that is another column's", t, contains: "the name is a column's") {
            try await $0.updatePartitionSpec([.addField(source: "id", transform: .bucket(2), name: "category")])
        }
        try await assertRefused("dropping a partition source", t, contains: "source of the current partition spec") {
            try await $0.updateSchema([.deleteColumn("ts")])
        }
    }

    // MARK: Sort orders and sorted writes

    func testSortedWritesOrderEveryFileAndRecordTheOrderId() async throws {
        let t = try await makeTable(partition: "bucket(2,id)")
        try await t.replaceSortOrder(
            try SpecParsing.sortTerms("category desc nulls last, score, ts desc"))
        XCTAssertEqual(t.metadata.defaultSortOrderId, 1)
        let order = t.metadata.defaultSortOrder
        XCTAssertEqual(order.fields.map(\.sourceId), [3, 4, 2])
        XCTAssertEqual(order.fields.map(\.nullOrder), [.nullsLast, .nullsFirst, .nullsLast])
        let input = events(0..<3000).shuffled()
        try await t.append(input)
        let tasks = try await t.scan().planFiles()
        XCTAssertEqual(tasks.count, 2)
        for task in tasks {
            XCTAssertEqual(task.file.sortOrderId, 1)
            let file = try await rows(inFileOrder: task, of: t)
            let expected = input.filter { file.map(\.id).contains($0.id) }.sorted(by: Self.sortOrderLess)
            XCTAssertEqual(file.map(\.id), expected.map(\.id), "rows of \(task.file.filePath) in sort order")
        }
        // The same order again keeps its id; unsorted goes back to order 0.
        try await t.replaceSortOrder(try SpecParsing.sortTerms("category desc nulls last, score, ts desc"))
        XCTAssertEqual(t.metadata.sortOrders.count, 2)
        try await t.replaceSortOrder([])
        XCTAssertEqual(t.metadata.defaultSortOrderId, 0)
        try await t.replaceSortOrder(try SpecParsing.sortTerms("category desc nulls last, score, ts desc"))
        XCTAssertEqual(t.metadata.defaultSortOrderId, 1, "an identical earlier order is reused")
        try await t.replaceSortOrder([SortTerm("ts", transform: .day), SortTerm("id", direction: .desc)])
        XCTAssertEqual(t.metadata.defaultSortOrderId, 2)
        try await t.append(events(3000..<3100).shuffled())
        let latest = try await t.scan().planFiles().filter { $0.file.sortOrderId == 2 }
        XCTAssertEqual(latest.count, 2)
        for task in latest {
            let ids = try await rows(inFileOrder: task, of: t).map(\.id)
            func day(_ id: Int64) -> Int64 { (1_700_000_000 + id * 3600) / 86400 }
            XCTAssertEqual(ids, ids.sorted { (day($0), -$0) < (day($1), -$1) }, "day(ts) ascending, then id descending")
        }
        try await assertRows(try t.scan(), events(0..<3100))
    }

    /// Java's order for the test's terms: category descending with nulls last, score
    /// ascending with nulls first, ts descending with nulls last.
    static func sortOrderLess(_ a: Event, _ b: Event) -> Bool {
        func cmp<T: Comparable>(_ x: T?, _ y: T?, descending: Bool, nullsFirst: Bool) -> Int {
            switch (x, y) {
            case (nil, nil): return 0
            case (nil, _): return nullsFirst ? -1 : 1
            case (_, nil): return nullsFirst ? 1 : -1
            case (let x?, let y?): return x == y ? 0 : ((x < y) != descending ? -1 : 1)
            }
        }
        for c in [
            cmp(a.category, b.category, descending: true, nullsFirst: false),
            cmp(a.score, b.score, descending: false, nullsFirst: true),
            cmp(a.ts, b.ts, descending: true, nullsFirst: false),
        ] where c != 0 { return c < 0 }
        return false
    }

    private func rows(inFileOrder task: FileScanTask, of t: Table) async throws -> [Event] {
        let reader = try ParquetReader(path: task.file.filePath)
        var out: [Event] = []
        for g in 0..<reader.metadata.rowGroups.count {
            let columns = try (0..<4).map { try reader.readColumn(rowGroup: g, column: $0) }
            let n = columns[0].rowCount
            func optional<T>(_ c: ColumnData, _ values: [T]) -> [T?] {
                var v = 0
                return (0..<n).map { r in
                    guard c.definitionLevels?[r] != 0 else { return nil }
                    defer { v += 1 }
                    return values[v]
                }
            }
            guard case .int64(let ids) = columns[0].values, case .int64(let ts) = columns[1].values,
                case .byteArray(let cats) = columns[2].values, case .double(let scores) = columns[3].values
            else { throw IcebergError.invalidSchema("unexpected physical types") }
            let t = optional(
                columns[1], ts.map { TemporalValues.formatTimestamp($0, unitsPerSecond: 1_000_000, utc: true) })
            let c = optional(columns[2], (0..<cats.count).map { cats.string(at: $0) })
            let s = optional(columns[3], scores)
            for r in 0..<n { out.append(Event(id: ids[r], ts: t[r], category: c[r], score: s[r])) }
        }
        return out
    }

    /// A sort by a field inside a struct, on a table with lists and maps: every column of a
    /// row (repeated ones too) moves with it.
    func testSortedWritesCarryNestedAndRepeatedColumns() async throws {
        let catalog = try await makeLocalCatalog(self, prefix: "evo").catalog
        let schema = try Schema(fields: [
            .required(1, "id", .long), .optional(2, "info", .struct(StructType([.optional(3, "rank", .int)]))),
            .optional(4, "tags", .list(ListType(elementId: 5, elementRequired: false, element: .string))),
            .optional(
                6, "attrs", .map(MapType(keyId: 7, key: .string, valueId: 8, valueRequired: false, value: .long))),
        ])
        _ = try await catalog.createTable(
            TableIdentifier(namespace: Namespace(["t"]), name: "nested"), TableCreation(schema: schema))
        var t = try await catalog.loadTable("t.nested")
        try await t.replaceSortOrder(try SpecParsing.sortTerms("info.rank desc nulls first, id"))
        let rows: [JSONValue] = (0..<500).map { i in
            let info: JSONValue =
                i % 9 == 0 ? .null : .object([("rank", i % 4 == 0 ? .null : .int(Int64(i % 13)))])
            let tags: JSONValue = i % 6 == 0 ? .null : .array((0..<(i % 4)).map { .string("t\(i)-\($0)") })
            let attrs: JSONValue =
                i % 5 == 0
                ? .null
                : .object([
                    ("keys", .array((0..<(i % 3)).map { .string("k\($0)") })),
                    ("values", .array((0..<(i % 3)).map { .int(Int64(i * 10 + $0)) })),
                ])
            return .object([("id", .int(Int64(i))), ("info", info), ("tags", tags), ("attrs", attrs)])
        }
        var txn = t.newTransaction()
        txn.append(jsonRows: rows.shuffled().enumerated().map { ($0.offset + 1, $0.element) })
        t = try await txn.commit()
        let read = try await t.scan().rows()
        XCTAssertEqual(sortedRows(read), sortedRows(rows), "every row whole")
        func rank(_ row: JSONValue) -> Int64? { row["info"]?["rank"]?.intValue }
        let expected = rows.sorted { a, b in
            switch (rank(a), rank(b)) {
            case (nil, nil): break
            case (nil, _): return true
            case (_, nil): return false
            case (let x?, let y?) where x != y: return x > y
            default: break
            }
            return (a["id"]?.intValue ?? 0) < (b["id"]?.intValue ?? 0)
        }
        XCTAssertEqual(read.map { $0["id"]?.intValue }, expected.map { $0["id"]?.intValue }, "file order")
    }

    private func sortedRows(_ rows: [JSONValue]) -> [String] { rows.map { $0.serialized() }.sorted() }

    func testBadSortOrdersAreRefused() async throws {
        let t = try await makeTable()
        try await assertRefused("a missing column", t, contains: "'nope' is not in the schema") {
            try await $0.replaceSortOrder([SortTerm("nope")])
        }
        try await assertRefused("a transform the type refuses", t, contains: "cannot be applied") {
            try await $0.replaceSortOrder([SortTerm("score", transform: .day)])
        }
        let sorted = t.copy()
        try await sorted.replaceSortOrder([SortTerm("score")])
        try await assertRefused("dropping a sort column", sorted, contains: "a column of the default sort order") {
            try await $0.updateSchema([.deleteColumn("score")])
        }
        XCTAssertThrowsError(try SpecParsing.sortTerms("ts sideways"))
        XCTAssertThrowsError(try SpecParsing.sortTerms("ts nulls middle"))
    }

    // MARK: Snapshot management

    func testRollbackOnlyToAncestorsAndSetCurrentToAny() async throws {
        let t = try await makeTable()
        try await t.append(events(0..<5))
        let first = try XCTUnwrap(t.metadata.currentSnapshotId)
        let firstTime = try XCTUnwrap(t.currentSnapshot?.timestampMs)
        try await t.append(events(5..<10))
        let second = try XCTUnwrap(t.metadata.currentSnapshotId)
        try await t.manageSnapshots([.rollbackToSnapshot(first)])
        XCTAssertEqual(t.metadata.currentSnapshotId, first)
        try await assertRows(try t.scan(), events(0..<5))
        try await assertRefused("a rollback to a non-ancestor", t, contains: "not an ancestor") {
            try await $0.manageSnapshots([.rollbackToSnapshot(second)])
        }
        try await t.manageSnapshots([.setCurrentSnapshot(second)])
        try await assertRows(try t.scan(), events(0..<10))
        XCTAssertEqual(t.metadata.snapshotLog.map(\.snapshotId), [first, second, first, second])
        try await t.manageSnapshots([.rollbackToTimestamp(firstTime + 1)])
        XCTAssertEqual(t.metadata.currentSnapshotId, first)
        try await assertRefused("a rollback before every snapshot", t, contains: "no ancestor") {
            try await $0.manageSnapshots([.rollbackToTimestamp(firstTime)])
        }
        try await assertRefused("an unknown snapshot", t, contains: "is not in the table") {
            try await $0.manageSnapshots([.setCurrentSnapshot(42)])
        }
    }

    func testWriteAuditPublishOnABranch() async throws {
        let t = try await makeTable(partition: "bucket(2,id)")
        try await t.append(events(0..<10))
        let base = try XCTUnwrap(t.metadata.currentSnapshotId)
        try await t.manageSnapshots([
            .createBranch("audit", retention: RefRetention(minSnapshotsToKeep: 3, maxSnapshotAgeMs: 60_000))
        ])
        try await t.append(events(10..<20), branch: "audit")
        _ = try await t.delete(where: "id < 3", branch: "audit")
        XCTAssertEqual(t.metadata.currentSnapshotId, base, "main did not move")
        try await assertRows(try t.scan(), events(0..<10))
        try await assertRows(try t.scan(ref: "audit"), events(3..<20))
        let audit = try XCTUnwrap(t.metadata.ref("audit"))
        XCTAssertEqual(audit.minSnapshotsToKeep, 3, "commits keep the branch's retention")
        XCTAssertEqual(audit.maxSnapshotAgeMs, 60_000)
        try await t.manageSnapshots([.fastForward("main", to: "audit")])
        XCTAssertEqual(t.metadata.currentSnapshotId, audit.snapshotId)
        try await assertRows(try t.scan(), events(3..<20))

        try await t.manageSnapshots([.createTag("v1", maxRefAgeMs: 86_400_000), .renameBranch("audit", to: "staging")])
        XCTAssertEqual(t.metadata.ref("v1")?.type, .tag)
        XCTAssertEqual(t.metadata.ref("v1")?.maxRefAgeMs, 86_400_000)
        XCTAssertNil(t.metadata.ref("audit"))
        XCTAssertEqual(t.metadata.ref("staging")?.minSnapshotsToKeep, 3)
        try await t.manageSnapshots([
            .replaceTag("v1", snapshotId: base), .setRetention("v1", RefRetention(maxRefAgeMs: 5)),
        ])
        try await assertRows(try t.scan(ref: "v1"), events(0..<10))
        XCTAssertEqual(t.metadata.ref("v1")?.maxRefAgeMs, 5)

        // A write to a branch that does not exist forks it from main.
        try await t.append(events(20..<22), branch: "fresh")
        try await assertRows(try t.scan(ref: "fresh"), events(3..<22))

        try await assertRefused("fast-forwarding a diverged branch", t, contains: "not an ancestor") {
            try await $0.manageSnapshots([.fastForward("fresh", to: "v1")])
        }
        try await assertRefused("removing main", t, contains: "main branch cannot be removed") {
            try await $0.manageSnapshots([.removeBranch("main")])
        }
        try await assertRefused("a tag removed as a branch", t, contains: "is a tag, not a branch") {
            try await $0.manageSnapshots([.removeBranch("v1")])
        }
        try await assertRefused("a ref that exists", t, contains: "already exists") {
            try await $0.manageSnapshots([.createBranch("staging")])
        }
        try await assertRefused("branch retention on a tag", t, contains: "only max-ref-age-ms") {
            try await $0.manageSnapshots([.setRetention("v1", RefRetention(minSnapshotsToKeep: 2))])
        }
        try await t.manageSnapshots([.removeTag("v1"), .removeBranch("staging")])
        XCTAssertEqual(Set(t.metadata.refs.map(\.0)), ["main", "fresh"])
    }

    func testCherryPickFastForwardsOrReappendsAndRefusesTwice() async throws {
        let t = try await makeTable()
        try await t.append(events(0..<5))
        try await t.manageSnapshots([.createBranch("b1"), .createBranch("b2")])
        try await t.append(events(5..<8), branch: "b1")
        let onB1 = try XCTUnwrap(t.metadata.ref("b1")?.snapshotId)
        try await t.append(events(8..<10), branch: "b2")
        let onB2 = try XCTUnwrap(t.metadata.ref("b2")?.snapshotId)
        // b1's snapshot has main's head as parent: a fast-forward.
        try await t.manageSnapshots([.cherryPick(onB1)])
        XCTAssertEqual(t.metadata.currentSnapshotId, onB1)
        // b2's append has another parent now: its files are appended as a new snapshot.
        try await t.manageSnapshots([.cherryPick(onB2)])
        XCTAssertNotEqual(t.metadata.currentSnapshotId, onB2)
        XCTAssertEqual(t.currentSnapshot?.summary("source-snapshot-id"), String(onB2))
        XCTAssertEqual(t.currentSnapshot?.summary("operation"), "append")
        XCTAssertEqual(t.currentSnapshot?.parentSnapshotId, onB1)
        try await assertRows(try t.scan(), events(0..<10))
        try await assertRefused("a second pick", t, contains: "already picked") {
            try await $0.manageSnapshots([.cherryPick(onB2)])
        }
        try await assertRefused("picking an ancestor", t, contains: "is not in the table") {
            try await $0.manageSnapshots([.cherryPick(99)])
        }
        _ = try await t.delete(where: "id = 1", branch: "b2")
        let deletion = try XCTUnwrap(t.metadata.ref("b2")?.snapshotId)
        try await assertRefused("picking a delete", t, contains: "only appends and fast-forwards") {
            try await $0.manageSnapshots([.cherryPick(deletion)])
        }
    }

    func testUnionByNameAddsWidensAndRefusesIncompatibleTypes() async throws {
        let t = try await makeTable()
        let incoming = try Schema(fields: [
            .required(1, "ID", .long), .optional(7, "category", .string, doc: "what kind"),
            .optional(8, "extra", .struct(StructType([.required(9, "x", .int)]))),
            .optional(10, "score", .float),
        ])
        try await assertRefused("a different type", t, contains: "'category': string cannot be unioned with int") {
            try await $0.updateSchema([
                .unionByName(try Schema(fields: [.optional(1, "category", .int)]))
            ])
        }
        try await t.updateSchema([.unionByName(incoming)], caseSensitive: false)
        let s = t.metadata.currentSchema
        XCTAssertEqual(s.fields.map(\.name), ["id", "ts", "category", "score", "extra"], "ID matched id ignoring case")
        XCTAssertEqual(s.field(at: "category")?.doc, "what kind")
        XCTAssertEqual(s.field(at: "extra.x")?.id, 6)
        XCTAssertEqual(s.field(at: "extra")?.required, false, "added columns are optional")
        XCTAssertEqual(s.field(at: "extra.x")?.required, true, "fields inside them keep their nullability")
        XCTAssertEqual(s.field(at: "score")?.type, .double, "a narrower incoming type is ignored")
        try await t.updateSchema([.unionByName(try Schema(fields: [.optional(1, "ts", .timestamptz)]))])
        XCTAssertEqual(t.metadata.currentSchemaId, s.schemaId, "nothing new: no new schema")
    }
}
