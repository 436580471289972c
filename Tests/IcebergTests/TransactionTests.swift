import Foundation
import JSONSupport
import Parquet
import TestSupport
import XCTest

@testable import Iceberg

/// The one commit loop: several actions land as one metadata change, lost races retry until
/// they land, failures remove what the transaction wrote, unknown outcomes keep it.
final class TransactionTests: XCTestCase {
    struct Row: Codable, Sendable, Equatable {
        var id: Int64
        var name: String?
    }
    static let schema = try! Schema(fields: [.required(1, "id", .long), .optional(2, "name", .string)])

    private func makeTable(properties: [(String, String)] = []) async throws -> (InMemoryCatalog, Table, URL) {
        let (catalog, dir) = try await makeLocalCatalog(self, prefix: "txn")
        let id = TableIdentifier(namespace: Namespace(["t"]), name: "rows")
        _ = try await catalog.createTable(
            id,
            TableCreation(
                schema: Self.schema, spec: try SpecParsing.partitionSpec("bucket(4,id)", schema: Self.schema),
                properties: properties))
        return (catalog, try await catalog.loadTable("t.rows"), dir)
    }

    private func files(under dir: URL) -> Set<String> {
        var out: Set<String> = []
        let walker = FileManager.default.enumerator(atPath: dir.path)
        while let p = walker?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent(p).path, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                out.insert(p)
            }
        }
        return out
    }

    func testActionsLandAsOneMetadataChangeAndSeeEachOther() async throws {
        var (_, table, _) = try await makeTable()
        let before = table.metadata.metadataLog.count
        var txn = table.newTransaction()
        txn.updateProperties(set: [(TableProperties.parquetCompressionCodec.key, "snappy")])
        txn.append([Row(id: 1, name: "a"), Row(id: 2, name: nil), Row(id: 3, name: "c")])
        table = try await txn.commit()
        XCTAssertEqual(table.metadata.metadataLog.count, before + 1, "one new metadata file for both actions")
        XCTAssertEqual(table.metadata.property(TableProperties.parquetCompressionCodec.key), "snappy")
        XCTAssertEqual(table.metadata.snapshots.count, 1)
        XCTAssertEqual(table.currentSnapshot?.summary("added-records"), "3")
        let tasks = try await table.scan().planFiles()
        XCTAssertFalse(tasks.isEmpty)
        for task in tasks {
            let reader = try ParquetReader(path: task.file.filePath)
            XCTAssertEqual(
                reader.metadata.rowGroups.first?.columns.first?.metaData?.codec, .snappy,
                "the append used the codec the earlier action set")
        }
        let rows = try await table.scan(columns: ["id", "name"]).batches().reduce(into: [Row]()) {
            $0 += try $1.rows(as: Row.self)
        }
        XCTAssertEqual(
            rows.sorted { $0.id < $1.id }, [Row(id: 1, name: "a"), Row(id: 2, name: nil), Row(id: 3, name: "c")])
    }

    /// An append that loses the race to a schema change writes its rows again under the new
    /// schema; when its rows no longer fit (a renamed column), it fails naming the field and
    /// commits nothing.
    func testAnAppendRacingASchemaChangeNeverWritesUnderTheStaleSchema() async throws {
        let (catalog, start, _) = try await makeTable()
        let evolved = start.copy()
        try await evolved.updateSchema([.addColumn(parent: nil, name: "extra", type: .int)])
        let stale = start.copy()
        try await stale.append([Row(id: 1, name: "a")])
        let table = try await catalog.loadTable("t.rows")
        XCTAssertEqual(table.currentSnapshot?.schemaId, table.metadata.currentSchemaId)
        let rows = try await table.scan().rows()
        XCTAssertEqual(rows, [.object([("id", .int(1)), ("name", .string("a")), ("extra", .null)])])
        for task in try await table.scan().planFiles() {
            XCTAssertNotNil(
                try ParquetReader(path: task.file.filePath).schema.columns.first { $0.path == ["extra"] },
                "the file was written under the new schema")
        }

        let renamed = table.copy()
        try await renamed.updateSchema([.renameColumn("name", to: "label")])
        let staleAgain = table.copy()
        do {
            try await staleAgain.append([Row(id: 2, name: "b")])
            XCTFail("rows with a renamed column must not be written under the new schema")
        } catch {
            XCTAssertTrue("\(error)".contains("name"), "\(error)")
        }
        let after = try await catalog.loadTable("t.rows")
        XCTAssertEqual(after.metadata.snapshots.count, 1)
    }

    /// An append that loses the race to a partition change writes its rows again under the
    /// new spec. One that loses to a new sort order lands as written (as in Java: the order is
    /// a write preference), its files recording the order they were written in.
    func testAnAppendRacingAPartitionOrSortChangeWritesUnderTheNewOnes() async throws {
        let (catalog, start, _) = try await makeTable()
        let evolved = start.copy()
        try await evolved.updatePartitionSpec([
            .removeField("id_bucket"), .addField(source: "name", transform: .identity),
        ])
        let stale = start.copy()
        try await stale.append([Row(id: 1, name: "a"), Row(id: 2, name: "b")])
        var table = try await catalog.loadTable("t.rows")
        let tasks = try await table.scan().planFiles()
        XCTAssertEqual(Set(tasks.map(\.specId)), [table.metadata.defaultSpecId])
        XCTAssertEqual(Set(tasks.map { $0.file.partition }), [[.string("a")], [.string("b")]])

        let ordered = table.copy()
        try await ordered.replaceSortOrder([SortTerm("id", direction: .desc)])
        try await table.append([Row(id: 4, name: "a"), Row(id: 3, name: "a")])
        table = try await catalog.loadTable("t.rows")
        let newest = try await table.scan().planFiles().filter { $0.file.recordCount == 2 }
        XCTAssertEqual(newest.map(\.file.sortOrderId), [0], "the order the file was written in: unsorted")
        XCTAssertEqual(table.metadata.defaultSortOrderId, 1)
    }

    func testAppendsRacingInOneProcessAllLand() async throws {
        let (catalog, start, _) = try await makeTable()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<8 {
                group.addTask {
                    let table = start.copy()
                    for k in 0..<5 { try await table.append([Row(id: Int64(w * 100 + k), name: "w\(w)")]) }
                }
            }
            try await group.waitForAll()
        }
        let table = try await catalog.loadTable("t.rows")
        XCTAssertEqual(table.metadata.snapshots.count, 40)
        XCTAssertEqual(table.currentSnapshot?.summary("total-records"), "40")
        let ids = try await table.scan().rows().compactMap { $0["id"]?.intValue }
        XCTAssertEqual(ids.sorted(), (0..<8).flatMap { w in (0..<5).map { Int64(w * 100 + $0) } }.sorted())
    }

    /// An actor keeping a table handle as a property, as a service does.
    actor TableService {
        let table: Table
        init(_ table: Table) { self.table = table }
        func add(_ rows: [Row]) async throws -> Int64? { try await table.append(rows)?.snapshotId }
        func count() async throws -> Int { try await table.scan().rows().count }
    }

    /// One handle shared by many tasks: every commit lands, and the handle ends at the newest
    /// version, the one the catalog holds; a copy stays where it was.
    func testOneHandleSharedByTasksHoldsTheNewestCommit() async throws {
        let (catalog, table, _) = try await makeTable()
        let before = table.copy()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<6 {
                group.addTask {
                    for k in 0..<4 { try await table.append([Row(id: Int64(w * 100 + k), name: "w\(w)")]) }
                }
            }
            try await group.waitForAll()
        }
        let current = try await catalog.loadTable("t.rows")
        XCTAssertEqual(current.metadata.snapshots.count, 24)
        XCTAssertEqual(table.metadataLocation, current.metadataLocation, "the handle holds the last commit")
        XCTAssertEqual(table.currentSnapshot?.summary("total-records"), "24")
        XCTAssertNil(before.currentSnapshot, "a copy keeps its version")
        try await before.refresh()
        XCTAssertEqual(before.metadataLocation, current.metadataLocation)

        let service = TableService(table)
        let added = try await service.add([Row(id: 9999, name: "svc")])
        XCTAssertEqual(added, table.currentSnapshot?.snapshotId, "the actor's handle is the same table")
        let rows = try await service.count()
        XCTAssertEqual(rows, 25)
    }

    /// A handle never goes back to an older version when a slower commit finishes after a
    /// newer one, nor when it is given a version it has already moved past.
    func testAHandleKeepsTheNewerOfTwoVersions() async throws {
        let (_, table, _) = try await makeTable()
        let first = try await table.copy().append([Row(id: 1, name: "a")])
        let old = table.copy()
        try await old.refresh()
        try await table.append([Row(id: 2, name: "b")])
        let newest = table.metadataLocation
        XCTAssertNotEqual(first?.snapshotId, table.currentSnapshot?.snapshotId)
        table.hold(old)
        XCTAssertEqual(table.metadataLocation, newest, "an older version is not taken")
        let txn = Transaction(old)
        XCTAssertEqual(txn.table.metadataLocation, old.metadataLocation, "a transaction starts from a copy")
    }

    /// Two tables, one commit: a failing action in one table's transaction removes the data
    /// files the other's append wrote; conflicts without progress give up and remove
    /// everything; an unknown outcome keeps every file; the started-on handles hold the commit.
    func testMultiTableTransactionsCleanUpAsOneTableDoes() async throws {
        let (catalog, first, dir) = try await makeTable(properties: [
            (TableProperties.commitNumRetries.key, "1"),
            (TableProperties.commitMinRetryWaitMs.key, "1"),
        ])
        let secondId = TableIdentifier(namespace: Namespace(["t"]), name: "other")
        let second = try await catalog.createTable(secondId, TableCreation(schema: Self.schema))
        let before = files(under: dir)

        var ta = first.newTransaction()
        ta.append([Row(id: 1, name: "a")])
        var tb = second.newTransaction()
        tb.add(RefusingAction())
        do {
            try await MultiTableTransaction([ta, tb]).commit()
            XCTFail("the second table's action refuses")
        } catch CatalogError.validationFailed {}
        XCTAssertEqual(files(under: dir), before, "the first table's data files and manifest are removed")

        for failure in [CatalogError.commitConflict("injected"), .commitStateUnknown("injected: reset")] {
            let failing = FailingCatalog(inner: catalog, failure: failure)
            let a = try await failing.loadTable(first.identifier)
            let b = try await failing.loadTable(secondId)
            var xa = a.newTransaction()
            xa.append([Row(id: 2, name: "b")])
            var xb = b.newTransaction()
            xb.append([Row(id: 3, name: "c")])
            do {
                try await MultiTableTransaction([xa, xb]).commit()
                XCTFail("the commit cannot land")
            } catch CatalogError.commitConflict(let message) {
                XCTAssertTrue(message.contains("gave up after 2 attempts"), message)
                let attempts = await failing.attempts
                XCTAssertEqual(attempts, 2, "num-retries 1: two attempts")
                XCTAssertEqual(files(under: dir), before, "every attempt's files are removed")
            } catch CatalogError.commitStateUnknown {
                let attempts = await failing.attempts
                XCTAssertEqual(attempts, 1)
                let added = files(under: dir).subtracting(before)
                XCTAssertEqual(added.filter { $0.hasSuffix(".parquet") }.count, 2, "\(added)")
            }
        }

        let landed = try await MultiTableTransaction([
            {
                var t = first.newTransaction()
                t.append([Row(id: 4, name: "d")])
                return t
            }(),
            {
                var t = second.newTransaction()
                t.updateProperties(set: [("k", "v")])
                return t
            }(),
        ]).commit()
        XCTAssertEqual(landed.count, 2)
        XCTAssertEqual(first.currentSnapshot?.summary("added-records"), "1")
        XCTAssertEqual(second.metadata.property("k"), "v")
        do {
            try await MultiTableTransaction([first.newTransaction(), first.newTransaction()]).commit()
            XCTFail("one table twice")
        } catch CatalogError.invalidArgument(let message) {
            XCTAssertTrue(message.contains("each table once"), message)
        }
    }

    /// After a conflict the next attempt builds on the table as it is after the backoff wait,
    /// not as it was before it: another writer that lands during the wait costs no further
    /// conflict (eight writers through one catalog otherwise retried many times over).
    func testTheAttemptAfterAConflictBuildsOnTheTableAsItIsAfterTheWait() async throws {
        let (catalog, table, _) = try await makeTable(properties: [(TableProperties.commitMinRetryWaitMs.key, "20")])
        let racing = FailingCatalog(
            inner: catalog, failure: .commitConflict("injected conflict"), failingCommits: 1, racing: true)
        let handle = Table(
            identifier: table.identifier, metadata: table.metadata, metadataLocation: table.metadataLocation,
            io: table.io, catalog: racing)
        try await handle.append([Row(id: 1, name: "mine")])
        let attempts = await racing.attempts
        XCTAssertEqual(attempts, 2, "one injected conflict, then the attempt on the refreshed table lands")
        let ids = try await catalog.loadTable("t.rows").scan().rows().compactMap { $0["id"]?.intValue }
        XCTAssertEqual(ids.sorted(), [1, 2], "the racing writer's row and ours")
    }

    func testConflictsWithoutProgressGiveUpAndRemoveEveryFileWritten() async throws {
        let (catalog, table, dir) = try await makeTable(properties: [
            (TableProperties.commitNumRetries.key, "2"),
            (TableProperties.commitMinRetryWaitMs.key, "1"),
        ])
        let before = files(under: dir)
        let failing = FailingCatalog(inner: catalog, failure: .commitConflict("injected conflict"))
        let handle = Table(
            identifier: table.identifier, metadata: table.metadata, metadataLocation: table.metadataLocation,
            io: table.io, catalog: failing)
        do {
            try await handle.append([Row(id: 1, name: "x")])
            XCTFail("the commit cannot land")
        } catch CatalogError.commitConflict(let message) {
            XCTAssertTrue(message.contains("gave up after 3 attempts"), message)
        }
        let attempts = await failing.attempts
        XCTAssertEqual(attempts, 3, "num-retries 2: three attempts")
        XCTAssertEqual(
            files(under: dir), before, "data files, manifests and manifest lists of every attempt are removed")
        let reloaded = try await catalog.loadTable("t.rows")
        XCTAssertNil(reloaded.currentSnapshot)
    }

    func testUnknownOutcomeKeepsTheFiles() async throws {
        let (catalog, table, dir) = try await makeTable()
        let before = files(under: dir)
        let failing = FailingCatalog(inner: catalog, failure: .commitStateUnknown("injected: connection reset"))
        let handle = Table(
            identifier: table.identifier, metadata: table.metadata, metadataLocation: table.metadataLocation,
            io: table.io, catalog: failing)
        do {
            try await handle.append([Row(id: 1, name: "x")])
            XCTFail("the outcome is unknown")
        } catch CatalogError.commitStateUnknown {}
        let attempts = await failing.attempts
        XCTAssertEqual(attempts, 1, "an unknown outcome is not retried")
        let added = files(under: dir).subtracting(before)
        XCTAssertTrue(added.contains { $0.hasSuffix(".parquet") }, "\(added)")
        XCTAssertTrue(added.contains { $0.contains("snap-") }, "the manifest list stays: the commit may have landed")
    }

    /// The commit lands but its answer is lost: the loop reloads the table, finds the snapshot
    /// it added and reports success — once, with every file in place (Java's commit-status
    /// check); a commit of a single table and one of a multi-table transaction alike.
    func testAnUnknownOutcomeThatLandedIsFoundAndReportedAsCommitted() async throws {
        let (catalog, table, _) = try await makeTable()
        let lost = FailingCatalog(
            inner: catalog, failure: .commitStateUnknown("injected: answer lost"), landsFirst: true)
        let handle = try await lost.loadTable(table.identifier)
        try await handle.append([Row(id: 1, name: "once")])
        let attempts = await lost.attempts
        XCTAssertEqual(attempts, 1, "not sent again")
        XCTAssertEqual(handle.metadata.snapshots.count, 1, "the handle holds the landed snapshot")
        var txn = handle.newTransaction()
        txn.append([Row(id: 2, name: "in a transaction")])
        try await MultiTableTransaction([txn]).commit()
        let rows = try await catalog.loadTable("t.rows").scan().rows().compactMap { $0["id"]?.intValue }
        XCTAssertEqual(rows.sorted(), [1, 2], "each row once, and readable: no file of the landed commits was removed")
        // A metadata-only commit cannot be looked for: its outcome stays unknown.
        do {
            try await handle.updateProperties(set: [("k", "v")])
            XCTFail("a lost answer to a commit that adds no snapshot is an unknown outcome")
        } catch CatalogError.commitStateUnknown {}
    }

    func testFailedValidationIsNotRetriedAndRemovesWhatItWrote() async throws {
        let (catalog, table, dir) = try await makeTable()
        try await table.append([Row(id: 1, name: "kept")])
        let before = files(under: dir)
        var txn = table.newTransaction()
        txn.append([Row(id: 2, name: "dropped")])
        txn.add(RefuseAfterWriting())
        do {
            try await txn.commit()
            XCTFail("validation fails")
        } catch CatalogError.validationFailed(let message) {
            XCTAssertTrue(message.contains("refused"), message)
        }
        XCTAssertEqual(
            files(under: dir), before, "the append's data file and manifest and the action's file are removed")
        let reloaded = try await catalog.loadTable("t.rows")
        XCTAssertEqual(reloaded.metadataLocation, table.metadataLocation, "nothing was committed")
    }

    func testBadPropertyValueNamesTheKeyAndCommitsNothing() async throws {
        let (_, table, _) = try await makeTable(properties: [(TableProperties.writeTargetFileSizeBytes.key, "big")])
        do {
            try await table.append([Row(id: 1, name: "x")])
            XCTFail("bad property")
        } catch let error as IcebergError {
            XCTAssertEqual("\(error)", "table property 'write.target-file-size-bytes' is 'big', expected an integer")
        }
        XCTAssertNil(table.currentSnapshot)
    }

    func testEmptyTransactionCommitsNothing() async throws {
        let (_, table, _) = try await makeTable()
        try await table.append([Row(id: 1, name: "x")])
        let result = try await table.delete(where: "id = 99")
        XCTAssertNil(result.snapshotId)
        XCTAssertEqual(table.metadata.snapshots.count, 1)
    }

    /// The documented property table lists exactly `TableProperties.all`, and no source file
    /// other than TableProperties.swift spells a property key.
    func testPropertyTableMatchesTheDocsAndKeysLiveInOnePlace() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("docs/iceberg.md"), encoding: .utf8)
        var documented: [TablePropertyDescription] = []
        for line in doc.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 3 else { continue }
            func unquote(_ s: String) -> String {
                s.hasPrefix("`") && s.hasSuffix("`") ? String(s.dropFirst().dropLast()) : s
            }
            documented.append(
                TablePropertyDescription(key: unquote(cells[0]), defaultText: unquote(cells[1]), meaning: cells[2]))
        }
        XCTAssertEqual(documented, TableProperties.all, "docs/iceberg.md's property table")

        let sources = root.appendingPathComponent("Sources")
        let walker = FileManager.default.enumerator(atPath: sources.path)
        let keys = TableProperties.all.map { $0.key.replacingOccurrences(of: "<name>", with: "") }
        while let path = walker?.nextObject() as? String {
            guard path.hasSuffix(".swift"), !path.hasSuffix("TableProperties.swift") else { continue }
            let text = try String(contentsOf: sources.appendingPathComponent(path), encoding: .utf8)
            for key in keys { XCTAssertFalse(text.contains("\"\(key)"), "\(path) spells the property key \(key)") }
        }
    }
}

/// An action that writes a file and then finds its precondition broken.
private struct RefuseAfterWriting: TableAction {
    mutating func apply(to changes: inout PendingChanges) async throws {
        try await changes.write(changes.newMetadataPath("probe.bin"), [1, 2, 3])
        throw CatalogError.validationFailed("refused by the test action")
    }
}

/// A catalog that fails commits with one error (fault injection over a real catalog): every
/// commit, or only the first `failingCommits` and then commits through the real catalog. With
/// `racing`, the table load that follows a failed commit (the commit loop's progress check)
/// answers, then another writer appends through the real catalog — landing while the loop
/// waits before its next attempt. With `landsFirst`, a failing commit lands in the real
/// catalog before the failure is thrown (an answer lost on its way back).
private actor FailingCatalog: Catalog {
    let inner: InMemoryCatalog
    let failure: CatalogError
    let failingCommits: Int
    let racing: Bool
    let landsFirst: Bool
    private(set) var attempts = 0
    private var raceAfterNextLoad = false
    init(
        inner: InMemoryCatalog, failure: CatalogError, failingCommits: Int = .max, racing: Bool = false,
        landsFirst: Bool = false
    ) {
        self.inner = inner
        self.failure = failure
        self.failingCommits = failingCommits
        self.racing = racing
        self.landsFirst = landsFirst
    }
    nonisolated var name: String { inner.name }
    nonisolated var io: FileIO { inner.io }
    func createNamespace(_ namespace: Namespace, properties: [(String, String)]) async throws {
        try await inner.createNamespace(namespace, properties: properties)
    }
    func listNamespaces(parent: Namespace?) async throws -> [Namespace] {
        try await inner.listNamespaces(parent: parent)
    }
    func namespaceProperties(_ namespace: Namespace) async throws -> [(String, String)] {
        try await inner.namespaceProperties(namespace)
    }
    func dropNamespace(_ namespace: Namespace) async throws { try await inner.dropNamespace(namespace) }
    func listTables(_ namespace: Namespace) async throws -> [TableIdentifier] { try await inner.listTables(namespace) }
    func tableExists(_ identifier: TableIdentifier) async throws -> Bool { try await inner.tableExists(identifier) }
    func createTable(_ identifier: TableIdentifier, _ creation: TableCreation) async throws -> Table {
        try await inner.createTable(identifier, creation)
    }
    func loadTable(_ identifier: TableIdentifier) async throws -> Table {
        let t = try await inner.loadTable(identifier)
        if raceAfterNextLoad {
            raceAfterNextLoad = false
            try await inner.loadTable(identifier).append([TransactionTests.Row(id: 2, name: "racer")])
        }
        return Table(
            identifier: t.identifier, metadata: t.metadata, metadataLocation: t.metadataLocation, io: t.io,
            catalog: self)
    }
    func dropTable(_ identifier: TableIdentifier, purge: Bool) async throws {
        try await inner.dropTable(identifier, purge: purge)
    }
    func renameTable(_ from: TableIdentifier, to: TableIdentifier) async throws {
        try await inner.renameTable(from, to: to)
    }
    func commitTable(_ identifier: TableIdentifier, requirements: [TableRequirement], updates: [TableUpdate])
        async throws -> Table
    {
        if landsFirst { _ = try await inner.commitTable(identifier, requirements: requirements, updates: updates) }
        try injectFailure()
        return try await inner.commitTable(identifier, requirements: requirements, updates: updates)
    }
    nonisolated var supportsTransactions: Bool { true }
    func commitTransaction(_ commits: [TableCommit]) async throws -> [Table] {
        if landsFirst { _ = try await inner.commitTransaction(commits) }
        try injectFailure()
        return try await inner.commitTransaction(commits)
    }
    private func injectFailure() throws {
        attempts += 1
        guard attempts <= failingCommits else { return }
        raceAfterNextLoad = racing
        throw failure
    }
}

/// An action that always fails validation.
private struct RefusingAction: TableAction {
    func apply(to changes: inout PendingChanges) async throws {
        throw CatalogError.validationFailed("refused by the test")
    }
}
