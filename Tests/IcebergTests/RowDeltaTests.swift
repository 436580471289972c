import Foundation
import JSONSupport
import TestSupport
import XCTest

@testable import Iceberg

/// `RowDelta`: files planned on one snapshot, committed after others landed, validated as
/// Java validates them.
final class RowDeltaTests: XCTestCase {
    func makeTable(_ catalog: InMemoryCatalog, _ name: String) async throws -> Table {
        let id = TableIdentifier(namespace: Namespace(["t"]), name: name)
        _ = try await catalog.createTable(
            id,
            TableCreation(
                schema: UpsertTests.schema, spec: try SpecParsing.partitionSpec("category", schema: UpsertTests.schema),
                properties: [("commit.retry.min-wait-ms", "1")]))
        let table = try await catalog.loadTable(id)
        try await table.upsert((0..<90).map { ($0 + 1, UpsertTests.row($0, ["a", "b", "c"][$0 % 3], $0)) })
        return table
    }

    func rows(_ ids: Range<Int>, _ category: String) -> [(rowNumber: Int, row: JSONValue)] {
        ids.map { ($0, UpsertTests.row($0, category, -1)) }
    }

    /// Equality deletes of (id 1, category b) planned on the table's snapshot.
    func equalityDelete(_ table: Table) async throws -> RowDelta {
        let writer = try EqualityDeleteWriter(metadata: table.metadata, io: table.io, fieldIds: [1, 2])
        let spec = table.metadata.defaultSpec
        XCTAssertTrue(writer.canPartition(by: spec))
        let files = try await writer.write(
            keys: [(1, .object([("id", .int(1)), ("category", .string("b"))]))], spec: spec)
        XCTAssertEqual(files.map(\.partition), [[.string("b")]])
        var delta = RowDelta()
        delta.addedDeleteFiles = files.map { ($0, spec.specId) }
        delta.conflictDetectionFilter = try FilterParser.parse("category = 'b'")
        return delta
    }

    func testAConcurrentRemovalOfAReferencedDataFileFailsTheDelta() async throws {
        let catalog = try await makeLocalCatalog(self, prefix: "rowdelta").catalog
        let start = try await makeTable(catalog, "gone")
        let planned = try await start.scan(filter: "category = 'a'").planFiles()
        let task = try XCTUnwrap(planned.first)
        let deletes = try await PositionDeleteWriter(metadata: start.metadata, io: start.io).write(
            [0, 1], of: task.file)
        let other = start.copy()
        _ = try await other.delete(where: "category = 'a'")
        let winner = try await catalog.loadTable("t.gone")
        var delta = RowDelta()
        delta.addedDeleteFiles = [(deletes, task.specId)]
        delta.conflictDetectionFilter = try FilterParser.parse("category = 'a'")
        delta.isolationLevel = .snapshot
        var txn = Transaction(start)
        txn.add(delta)
        do {
            try await txn.commit()
            XCTFail("deletes of a removed data file were committed")
        } catch CatalogError.validationFailed(let message) {
            XCTAssertTrue(message.contains("\(task.file.filePath) was removed by snapshot"), message)
        }
        let after = try await catalog.loadTable("t.gone")
        XCTAssertEqual(after.metadataLocation, winner.metadataLocation, "nothing committed")
    }

    func testSerializableFailsOnConcurrentDataInTheFilterAndSnapshotIsolationDoesNot() async throws {
        let catalog = try await makeLocalCatalog(self, prefix: "rowdelta").catalog
        for level in [IsolationLevel.serializable, .snapshot] {
            let name = level.rawValue
            let start = try await makeTable(catalog, name)
            var delta = try await equalityDelete(start)
            delta.isolationLevel = level
            // Rows elsewhere never conflict.
            let other = start.copy()
            try await other.upsert(rows(1000..<1010, "c"), options: .init(strategy: .positionDeletes))
            var txn = Transaction(start)
            txn.add(delta)
            var table = try await txn.commit()
            XCTAssertEqual(table.currentSnapshot?.operation, "delete")
            XCTAssertEqual(table.currentSnapshot?.summary("added-equality-deletes"), "1")
            let ids = try await table.scan().rows().compactMap { $0["id"]?.intValue }
            XCTAssertFalse(ids.contains(1))
            XCTAssertEqual(ids.count, 90 - 1 + 10)

            // New rows in category b may hold the deleted key.
            let planned = table.copy()
            let again = try await equalityDelete(planned)
            let racer = planned.copy()
            try await racer.upsert(rows(2000..<2005, "b"), options: .init(strategy: .positionDeletes))
            var txn2 = Transaction(planned)
            var second = again
            second.isolationLevel = level
            txn2.add(second)
            do {
                table = try await txn2.commit()
                XCTAssertEqual(level, .snapshot, "serializable committed over concurrent data it may delete")
            } catch CatalogError.validationFailed(let message) {
                XCTAssertEqual(level, .serializable)
                XCTAssertTrue(message.contains("may hold rows matching"), message)
            }
        }
    }

    func testConcurrentDeletesInTheFilterFailEvenUnderSnapshotIsolation() async throws {
        let catalog = try await makeLocalCatalog(self, prefix: "rowdelta").catalog
        let start = try await makeTable(catalog, "dels")
        var delta = try await equalityDelete(start)
        delta.isolationLevel = .snapshot
        let other = start.copy()
        _ = try await other.delete(where: "id = 4", mode: .mergeOnRead)
        var txn = Transaction(start)
        txn.add(delta)
        do {
            try await txn.commit()
            XCTFail("a concurrent delete in the delta's rows was ignored")
        } catch CatalogError.validationFailed(let message) {
            XCTAssertTrue(message.contains("added delete file"), message)
        }
        // Data and deletes in one snapshot, with the table's default (serializable) level.
        var table = try await catalog.loadTable("t.dels")
        var writer = try TableWriter(metadata: table.metadata, io: table.io)
        for (n, row) in rows(500..<503, "b") { try await writer.append(row, rowNumber: n) }
        var mixed = try await equalityDelete(table)
        mixed.addedDataFiles = try await writer.finish()
        var txn2 = table.newTransaction()
        txn2.add(mixed)
        table = try await txn2.commit()
        XCTAssertEqual(table.currentSnapshot?.operation, "overwrite")
        let read = try await table.scan().rows()
        let ids = Set(read.compactMap { $0["id"]?.intValue })
        XCTAssertEqual(ids.count, 90 - 2 + 3)
        XCTAssertTrue(ids.isSuperset(of: [500, 501, 502]) && !ids.contains(1) && !ids.contains(4))
    }
}
