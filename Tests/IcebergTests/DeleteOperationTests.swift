import Foundation
import JSONSupport
import XCTest

@testable import Iceberg

/// Deletes through the Swift API on an in-memory catalog: racing deletes both land (the loser
/// plans again on the refreshed table), and an always-true filter empties the table.
final class DeleteOperationTests: XCTestCase {
    func testRacingDeletesBothLandAndAlwaysTrueEmptiesTheTable() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("delete-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let catalog = InMemoryCatalog(
            name: "mem", warehouse: dir.path, io: LocalFileIO(), store: InMemoryPointerStore())
        try await catalog.createNamespace(Namespace(["t"]), properties: [])
        let id = TableIdentifier(namespace: Namespace(["t"]), name: "rows")
        let schema = ColumnarAppendTests.schema
        _ = try await catalog.createTable(
            id,
            TableCreation(
                schema: schema, spec: try SpecParsing.partitionSpec("bucket(4,id)", schema: schema),
                properties: [("commit.retry.min-wait-ms", "1")]))
        let rows = ColumnarAppendTests.rows(600)
        for part in [rows[..<300], rows[300...]] {
            var table = try await catalog.loadTable(id)
            var writer = try TableWriter(metadata: table.metadata, io: table.io)
            for (i, r) in part.enumerated() { try await writer.append(r, rowNumber: i + 1) }
            try await table.appendFiles(try await writer.finish())
        }

        let start = try await catalog.loadTable(id)
        async let small = {
            var t = start
            return try await t.delete(where: "qty < 0")
        }()
        async let named = {
            var t = start
            return try await t.delete(where: "name = 'swift-1'")
        }()
        let (a, b) = try await (small, named)
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

        var current = try await catalog.loadTable(id)
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
}
