import JSONSupport
import TestSupport
import XCTest

@testable import Iceberg

/// Overwrites on a local table: an unpartitioned table is replaced whole by a dynamic
/// overwrite, no new rows replace nothing, and a filter overwrite on a branch leaves main alone.
final class OverwriteTests: XCTestCase {
    func testDynamicAndFilterOverwrites() async throws {
        let catalog = try await makeLocalCatalog(self, prefix: "overwrite").catalog
        let schema = try Schema(fields: [.required(1, "id", .long), .optional(2, "s", .string)])
        _ = try await catalog.createTable(
            TableIdentifier(namespace: Namespace(["t"]), name: "plain"), TableCreation(schema: schema))
        var table = try await catalog.loadTable("t.plain")
        func rows(_ ids: Range<Int>, _ s: String) -> [(rowNumber: Int, row: JSONValue)] {
            ids.enumerated().map { ($0.offset + 1, .object([("id", .int(Int64($0.element))), ("s", .string(s))])) }
        }
        var txn = table.newTransaction()
        txn.append(jsonRows: rows(0..<10, "a"))
        table = try await txn.commit()
        let before = table.metadataLocation
        let none = try await table.overwritePartitions(with: [])
        XCTAssertNil(none.snapshotId)
        XCTAssertEqual(table.metadataLocation, before, "no new rows: nothing committed")

        let whole = try await table.overwritePartitions(with: rows(100..<103, "b"))
        XCTAssertEqual(whole.deletedRows, 10)
        XCTAssertEqual(table.currentSnapshot?.summary("replace-partitions"), "true")
        var ids = try await table.scan().rows().compactMap { $0["id"]?.intValue }
        XCTAssertEqual(ids.sorted(), [100, 101, 102])

        let main = table.metadata.currentSnapshotId
        let onBranch = try await table.overwrite(
            where: try FilterParser.parse("id = 101"), with: rows(7..<8, "c"), branch: "fix")
        XCTAssertEqual(onBranch.deletedRows, 1)
        XCTAssertEqual(table.metadata.currentSnapshotId, main, "main did not move")
        ids = try await table.scan(ref: "fix").rows().compactMap { $0["id"]?.intValue }
        XCTAssertEqual(ids.sorted(), [7, 100, 102])
    }
}
