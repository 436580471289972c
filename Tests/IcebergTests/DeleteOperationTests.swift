import Foundation
import JSONSupport
import TestSupport
import XCTest

@testable import Iceberg

/// Deletes through the Swift API on an in-memory catalog: racing deletes both land (the loser
/// plans again on the refreshed table), and an always-true filter empties the table.
final class DeleteOperationTests: XCTestCase {
    func testRacingDeletesBothLandAndAlwaysTrueEmptiesTheTable() async throws {
        let (catalog, dir) = try await makeLocalCatalog(self, prefix: "delete")
        let id = TableIdentifier(namespace: Namespace(["t"]), name: "rows")
        let schema = ColumnarAppendTests.schema
        _ = try await catalog.createTable(
            id,
            TableCreation(
                schema: schema, spec: try SpecParsing.partitionSpec("bucket(4,id)", schema: schema),
                properties: [("commit.retry.min-wait-ms", "1")]))
        let rows = ColumnarAppendTests.rows(600)
        for part in [rows[..<300], rows[300...]] {
            let table = try await catalog.loadTable(id)
            var writer = try TableWriter(metadata: table.metadata, io: table.io)
            for (i, r) in part.enumerated() { try await writer.append(r, rowNumber: i + 1) }
            try await table.appendFiles(try await writer.finish())
        }

        let start = try await catalog.loadTable(id)
        let (a, b) = try await Self.racingDeletes(start)
        XCTAssertGreaterThan(a.deletedRows, 0)
        XCTAssertGreaterThan(b.deletedRows, 0)
        let expected = rows.filter { r in
            let negative = (r["qty"]?.intValue).map { $0 < 0 } ?? false
            return !negative && r["name"] != .string("swift-1")
        }
        XCTAssertEqual(a.deletedRows + b.deletedRows, Int64(rows.count - expected.count))
        let table = try await catalog.loadTable(id)
        XCTAssertEqual(table.metadata.snapshots.count, 4, "two appends and both deletes")
        let got = try await TableScan(metadata: table.metadata, io: table.io).rows()
        func keys(_ rows: [JSONValue]) -> [String] {
            rows.map { r in ["id", "name", "qty"].map { (r[$0] ?? .null).serialized() }.joined(separator: "|") }
                .sorted()
        }
        XCTAssertEqual(keys(got), keys(expected), "rows matching neither filter remain, nulls included")
        XCTAssertEqual(table.metadata.currentSnapshot?.summary("total-records"), String(expected.count))

        let current = try await catalog.loadTable(id)
        let all = try await current.delete(where: .alwaysTrue)
        XCTAssertEqual(all.deletedRows, Int64(expected.count))
        XCTAssertEqual(all.addedFiles, 0)
        let emptied = try await catalog.loadTable(id)
        XCTAssertEqual(emptied.metadata.currentSnapshot?.operation, "delete")
        XCTAssertEqual(emptied.metadata.currentSnapshot?.summary("total-records"), "0")
        XCTAssertEqual(emptied.metadata.currentSnapshot?.summary("total-data-files"), "0")
        let left = try await TableScan(metadata: emptied.metadata, io: emptied.io).rows()
        XCTAssertEqual(left.count, 0)
    }

    /// Merge-on-read (from `write.delete.mode`): partly matching files keep their data and get
    /// one position-delete file each, whole matches are removed, racing deletes both land, the
    /// summary counts the deletes, and rows read as the copy-on-write twin's do.
    func testMergeOnReadDeletesWritePositionDeletesAndReadAsCopyOnWrite() async throws {
        let catalog = try await makeLocalCatalog(self, prefix: "mor").catalog
        let schema = ColumnarAppendTests.schema
        let rows = ColumnarAppendTests.rows(600)
        var tables: [Table] = []
        for (name, properties) in [("mor", [("write.delete.mode", "merge-on-read")]), ("cow", [])] {
            let id = TableIdentifier(namespace: Namespace(["t"]), name: name)
            _ = try await catalog.createTable(
                id,
                TableCreation(
                    schema: schema, spec: try SpecParsing.partitionSpec("bucket(4,id)", schema: schema),
                    properties: properties + [("commit.retry.min-wait-ms", "1")]))
            var table = try await catalog.loadTable(id)
            var txn = table.newTransaction()
            txn.append(jsonRows: rows.enumerated().map { ($0.offset + 1, $0.element) })
            table = try await txn.commit()
            tables.append(table)
        }
        let (start, twin) = (tables[0], tables[1])
        let dataFiles = try await start.scan().planFiles().count
        let (a, b) = try await Self.racingDeletes(start)
        XCTAssertGreaterThan(a.addedDeleteFiles, 0)
        XCTAssertEqual(a.addedFiles + b.addedFiles, 0, "merge-on-read rewrites no data")
        let mor = try await catalog.loadTable("t.mor")
        let snapshot = try XCTUnwrap(mor.currentSnapshot)
        XCTAssertEqual(snapshot.operation, "delete")
        XCTAssertEqual(
            snapshot.summary("added-position-delete-files"), String(snapshot.summary("added-delete-files") ?? "-"))
        XCTAssertEqual(
            mor.currentSnapshot?.summary("total-position-deletes"), String(a.deletedRows + b.deletedRows),
            "merged files hold both deletes' positions; the replaced ones are no longer counted")
        let tasks = try await mor.scan().planFiles()
        XCTAssertEqual(tasks.count, dataFiles, "every data file stays")
        for task in tasks {
            XCTAssertLessThanOrEqual(task.deletes.count, 1, "one merged position-delete file per data file")
            for d in task.deletes {
                XCTAssertEqual(d.content, .positionDeletes)
                XCTAssertEqual(d.referencedDataFile, task.file.filePath)
                XCTAssertEqual(d.partition, task.file.partition)
            }
        }
        let cow = twin.copy()
        _ = try await cow.delete(where: "qty < 0")
        _ = try await cow.delete(where: "name = 'swift-1'")
        func keys(_ rows: [JSONValue]) -> [String] { rows.map { $0.serialized() }.sorted() }
        let (morRows, cowRows) = (try await mor.scan().rows(), try await cow.scan().rows())
        XCTAssertEqual(keys(morRows), keys(cowRows))
        XCTAssertEqual(morRows.count, rows.count - Int(a.deletedRows + b.deletedRows))

        // A delete matching every live row of a file removes the file.
        let everything = try await mor.delete(where: .alwaysTrue)
        XCTAssertEqual(everything.removedFiles, dataFiles)
        XCTAssertEqual(everything.addedDeleteFiles, 0)
        XCTAssertEqual(everything.removedDeleteFiles, tasks.filter { !$0.deletes.isEmpty }.count)
        XCTAssertEqual(mor.currentSnapshot?.summary("total-delete-files"), "0", "the deletes went with their files")
        XCTAssertEqual(mor.currentSnapshot?.summary("total-position-deletes"), "0")
        let left = try await mor.scan().rows()
        XCTAssertEqual(left.count, 0)
        var v1 = try await catalog.createTable(
            TableIdentifier(namespace: Namespace(["t"]), name: "old"), TableCreation(schema: schema, formatVersion: 1))
        v1 = try await catalog.loadTable("t.old")
        var txn = v1.newTransaction()
        txn.append(jsonRows: [(1, rows[0]), (2, rows[1])])
        v1 = try await txn.commit()
        do {
            _ = try await v1.delete(where: "id = \(rows[0]["id"]?.intValue ?? 0)", mode: .mergeOnRead)
            XCTFail("merge-on-read on v1 was accepted")
        } catch {
            XCTAssertTrue("\(error)".contains("format v1"), "\(error)")
        }
    }

    /// Two deletes started from the same table state at once: `qty < 0` and `name = 'swift-1'`.
    static func racingDeletes(_ start: Table) async throws -> (DeleteRows.Result, DeleteRows.Result) {
        async let small = {
            let t = start.copy()
            return try await t.delete(where: "qty < 0")
        }()
        async let named = {
            let t = start.copy()
            return try await t.delete(where: "name = 'swift-1'")
        }()
        return try await (small, named)
    }

    /// A deletion vector's manifest entry whose content offset and size add up beyond Int64:
    /// an error naming the delete file, not a trap.
    func testADeletionVectorRangeThatOverflowsIsAnError() async throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("dv.puffin").path
        try await LocalFileIO().write(path, [UInt8](repeating: 0, count: 100))
        for (offset, size) in [(Int64.max - 10, Int64(100)), (Int64(4), Int64.max), (Int64(200), Int64(1))] {
            var dv = DataFile(filePath: path, partition: [], recordCount: 3, fileSizeInBytes: 100)
            dv.content = .positionDeletes
            dv.fileFormat = "PUFFIN"
            dv.contentOffset = offset
            dv.contentSizeInBytes = size
            do {
                _ = try await DeleteFileCache().vector(dv, for: "s3://b/data.parquet", io: LocalFileIO())
                XCTFail("offset \(offset), size \(size) was read")
            } catch {
                XCTAssertTrue("\(error)".contains("lies outside the file of 100 bytes"), "\(error)")
            }
        }
    }
}
