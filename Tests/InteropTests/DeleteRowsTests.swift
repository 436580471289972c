import Foundation
import JSONSupport
import TestSupport
import XCTest

@testable import Iceberg
@testable import IcebergSQLite

/// Copy-on-write deletes: the same deletes through PyIceberg and through the CLI on two
/// identical tables give the same rows and summaries; DuckDB reads ours.
final class DeleteRowsTests: XCTestCase {
    struct Copy {
        var db: String
        var warehouse: String
        var catalog: String { "sqlite:\(db)?warehouse=\(warehouse)" }
        func load() async throws -> Table {
            try await SQLiteCatalog.open(path: db, name: "default", warehouse: warehouse)
                .loadTable(TableIdentifier(namespace: Namespace(["d"]), name: "events"))
        }
        func rows() throws -> JSONValue { try icebergPeer(["pyiceberg", db, warehouse, "default", "d.events"]) }
    }

    /// The summary fields both sides must agree on. Sizes differ between writers, and so do
    /// file counts: PyIceberg rewrites each partly matching file on its own, we write the
    /// surviving rows of a partition into one file.
    static let comparedSummary = [
        "operation", "added-records", "deleted-data-files", "deleted-records", "total-records",
        "changed-partition-count",
    ]

    /// Deleting whole partitions (files removed, a `delete` snapshot), then rows spread over
    /// every file (files rewritten, an `overwrite` snapshot; rows whose `qty` is null stay),
    /// then nothing (no snapshot). PyIceberg's `delete` on an identical table agrees after each
    /// step on the rows and summary; DuckDB reads our table; older snapshots still read in full.
    func testDeletesMatchPyIcebergsAndPeersRead() async throws {
        try PythonPeer.requirePeers()
        var copies: [Copy] = []
        for _ in 0..<2 {
            let dir = try makeTemporaryDirectory(self)
            let copy = Copy(
                db: dir.appendingPathComponent("catalog.db").path,
                warehouse: dir.appendingPathComponent("warehouse").path)
            XCTAssertEqual(
                try icebergPeer(["deletable", copy.db, copy.warehouse, "default", "d.events"])["snapshot-ids"]?
                    .arrayValue?.count, 3)
            copies.append(copy)
        }
        let (theirs, ours) = (copies[0], copies[1])
        let original = try ours.rows()["rows"]?.arrayValue ?? []
        XCTAssertEqual(original.count, 120)
        let nullQty = original.filter { $0["qty"] == .null }.count
        XCTAssertGreaterThan(nullQty, 0)

        var expected = original
        for (filter, operation, keep) in [
            ("category = 'b'", "delete", { (r: JSONValue) in r["category"] != .string("b") }),
            ("qty < 5", "overwrite", { (r: JSONValue) in (r["qty"]?.intValue).map { $0 >= 5 } ?? true }),
        ] {
            let summary = try icebergPeer(["delete", theirs.db, theirs.warehouse, "default", "d.events", filter])[
                "summary"]
            let before = try await ours.load()
            let run = try CLIRunner().run(["delete", "d.events", "--catalog", ours.catalog, "--filter", filter])
            XCTAssertEqual(run.status, 0, run.stderr)
            let result = try JSONValue.parse(run.stdout)
            expected = expected.filter(keep)
            let after = try await ours.load()
            XCTAssertEqual(after.metadata.snapshots.count, before.metadata.snapshots.count + 1, filter)
            XCTAssertEqual(result["snapshot-id"]?.intValue, after.metadata.currentSnapshotId)
            XCTAssertEqual(
                result["deleted-rows"]?.intValue,
                Int64(before.metadata.currentSnapshot.flatMap { Int64($0.summary("total-records") ?? "") } ?? 0)
                    - Int64(expected.count))
            let ourSummary = after.metadata.currentSnapshot?.summary ?? []
            XCTAssertEqual(after.metadata.currentSnapshot?.operation, operation, filter)
            for key in Self.comparedSummary {
                XCTAssertEqual(
                    ourSummary.first { $0.0 == key }?.1, summary?[key]?.stringValue, "\(filter): summary \(key)")
            }
            // Every file left after the first step holds rows with qty < 5 and rows without.
            let partitions = Set(expected.compactMap { $0["category"]?.stringValue })
            XCTAssertEqual(
                result["added-data-files"]?.intValue, operation == "delete" ? 0 : Int64(partitions.count),
                "\(filter): one new file per partition with surviving rows")
            let ourRows = try ours.rows()
            let theirRows = try theirs.rows()
            XCTAssertEqual(
                ourRows["rows"], theirRows["rows"], "\(filter): PyIceberg reads the same rows from both tables")
            XCTAssertEqual(ourRows["rows"]?.arrayValue?.count, expected.count, filter)
            XCTAssertEqual(
                Set((ourRows["rows"]?.arrayValue ?? []).map { $0.serialized() }), Set(expected.map { $0.serialized() }),
                filter)
            var duck = [UInt8](try PythonPeer.run(script: "iceberg_peer.py", ["duckdb", after.metadataLocation]))
            XCTAssertEqual(
                try JSONValue.parse(bytes: &duck)["rows"], ourRows["rows"], "\(filter): DuckDB reads our table")
            let first = String(after.metadata.snapshots[0].snapshotId)
            XCTAssertEqual(ourRows["snapshots"]?[first]?.arrayValue?.count, 40, "the first append still reads in full")
        }
        XCTAssertEqual(
            expected.filter { $0["qty"] == .null }.count,
            original.filter { $0["qty"] == .null && $0["category"] != .string("b") }.count,
            "rows whose qty is null are kept by qty < 5")

        // Nothing matches: no snapshot. An unknown column: an error naming it, table unchanged.
        let before = try await ours.load()
        let none = try CLIRunner().run(["delete", "d.events", "--catalog", ours.catalog, "--filter", "qty > 1000"])
        XCTAssertEqual(none.status, 0, none.stderr)
        XCTAssertEqual(try JSONValue.parse(none.stdout)["snapshot-id"], .null)
        let bad = try CLIRunner().run(["delete", "d.events", "--catalog", ours.catalog, "--filter", "quantity < 3"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("quantity"), bad.stderr)
        let unchanged = try await ours.load()
        XCTAssertEqual(unchanged.metadataLocation, before.metadataLocation)
    }
}
