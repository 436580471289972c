import Foundation
import JSONSupport
import TestSupport
import XCTest

@testable import Iceberg
@testable import IcebergSQLite

/// Snapshot expiration: the retention rules for branches, tags and ages, the files removed,
/// and peers reading the table afterwards.
final class ExpireSnapshotsTests: XCTestCase {
    func parquetFiles(under dir: URL) -> Set<String> {
        let all = FileManager.default.enumerator(atPath: dir.path)?.allObjects as? [String] ?? []
        return Set(
            all.filter { $0.hasSuffix(".parquet") }.map { dir.appendingPathComponent($0).standardizedFileURL.path })
    }

    func peer(_ args: [String]) throws -> JSONValue { try icebergPeer(args) }

    /// PyIceberg writes 2 appends, a copy-on-write delete and an append; the CLI expires what is
    /// older than the delete. PyIceberg's own expiration of an identical history keeps the same
    /// snapshots; PyIceberg and DuckDB read the rows of every kept snapshot; the files only the
    /// expired snapshots reached are gone and every file the table still needs is there.
    func testCLIExpiresWhatPyIcebergExpiresAndPeersStillRead() async throws {
        var histories: [(dir: URL, db: String, warehouse: String, snapshots: [(Int64, Int64)])] = []
        for _ in 0..<2 {
            let dir = try makeTemporaryDirectory(self)
            let db = dir.appendingPathComponent("catalog.db").path
            let warehouse = dir.appendingPathComponent("warehouse").path
            let h = try peer(["history", db, warehouse, "default", "h.events"])
            let snaps = (h["snapshots"]?.arrayValue ?? []).compactMap { s in
                s["snapshot-id"]?.intValue.flatMap { id in s["timestamp-ms"]?.intValue.map { (id, $0) } }
            }
            XCTAssertEqual(snaps.count, 4)
            histories.append((dir, db, warehouse, snaps))
        }

        // PyIceberg expires the first history's snapshots older than its delete (the third snapshot).
        let theirs = histories[0]
        let left = try peer([
            "expire", theirs.db, theirs.warehouse, "default", "h.events", String(theirs.snapshots[2].1),
        ])
        let theirPositions = (left["snapshot-ids"]?.arrayValue ?? []).compactMap { id in
            theirs.snapshots.firstIndex { $0.0 == id.intValue }
        }

        // The CLI expires the second history the same way.
        let ours = histories[1]
        let catalogURI = "sqlite:\(ours.db)?warehouse=\(ours.warehouse)"
        let before = try peer(["pyiceberg", ours.db, ours.warehouse, "default", "h.events"])
        let diskBefore = parquetFiles(under: URL(fileURLWithPath: ours.warehouse))
        let liveBefore = Set(
            (before["files"]?.arrayValue ?? []).compactMap {
                $0["file_path"]?.stringValue.map { URL(string: $0)?.path ?? $0 }
            })
        XCTAssertTrue(liveBefore.isSubset(of: diskBefore))
        XCTAssertGreaterThan(diskBefore.count, liveBefore.count, "the delete left files only older snapshots reach")
        let cutoff = TemporalValues.formatTimestamp(ours.snapshots[2].1 * 1000, unitsPerSecond: 1_000_000, utc: true)
        let table = try await SQLiteCatalog.open(path: ours.db, name: "default", warehouse: ours.warehouse)
            .loadTable(TableIdentifier(namespace: Namespace(["h"]), name: "events"))
        let oldLists = ours.snapshots[0..<2].compactMap { id, _ in table.metadata.snapshot(id: id)?.manifestList }
        XCTAssertEqual(oldLists.count, 2)

        let run = try CLIRunner().run(["expire-snapshots", "h.events", "--catalog", catalogURI, "--older-than", cutoff])
        XCTAssertEqual(run.status, 0, run.stderr)
        let result = try JSONValue.parse(run.stdout)
        XCTAssertEqual(result["expired-snapshot-ids"], .array(ours.snapshots[0..<2].map { .int($0.0) }))
        XCTAssertEqual(result["deleted-manifest-lists"], .int(2))
        XCTAssertEqual(result["failed-deletes"], .array([]))

        let after = try peer(["pyiceberg", ours.db, ours.warehouse, "default", "h.events"])
        let ourPositions = ours.snapshots.indices.filter { after["snapshots"]?[String(ours.snapshots[$0].0)] != nil }
        XCTAssertEqual(ourPositions, theirPositions, "the same snapshots are kept as by PyIceberg's expire_snapshots")
        XCTAssertEqual(ourPositions, [2, 3])
        XCTAssertEqual(after["rows"], before["rows"])
        for p in ourPositions {
            let id = String(ours.snapshots[p].0)
            XCTAssertEqual(after["snapshots"]?[id], before["snapshots"]?[id], "rows of kept snapshot \(id)")
        }
        let diskAfter = parquetFiles(under: URL(fileURLWithPath: ours.warehouse))
        XCTAssertEqual(diskAfter, liveBefore, "exactly the files the kept snapshots reach remain")
        XCTAssertEqual(result["deleted-data-files"], .int(Int64(diskBefore.count - diskAfter.count)))
        for list in oldLists {
            XCTAssertFalse(FileManager.default.fileExists(atPath: URL(string: list)?.path ?? list), list)
        }

        let reloaded = try await SQLiteCatalog.open(path: ours.db, name: "default", warehouse: ours.warehouse)
            .loadTable(TableIdentifier(namespace: Namespace(["h"]), name: "events"))
        var duck = [UInt8](try PythonPeer.run(script: "iceberg_peer.py", ["duckdb", reloaded.metadataLocation]))
        XCTAssertEqual(try JSONValue.parse(bytes: &duck)["rows"], before["rows"], "DuckDB rows after the expiration")

        // Nothing else is old enough under the defaults (5 days, 1 snapshot).
        let again = try CLIRunner().run(["expire-snapshots", "h.events", "--catalog", catalogURI])
        XCTAssertEqual(try JSONValue.parse(again.stdout)["expired-snapshot-ids"], .array([]))
        // The current snapshot cannot be expired by id; the table is unchanged.
        let refused = try CLIRunner().run([
            "expire-snapshots", "h.events", "--catalog", catalogURI, "--snapshot-id", String(ours.snapshots[3].0),
        ])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("current snapshot of main"), refused.stderr)
        let unchanged = try await SQLiteCatalog.open(path: ours.db, name: "default", warehouse: ours.warehouse)
            .loadTable(TableIdentifier(namespace: Namespace(["h"]), name: "events"))
        XCTAssertEqual(unchanged.metadataLocation, reloaded.metadataLocation)
    }

    /// Branches keep their newest `min-snapshots-to-keep` ancestors, tags keep their snapshot,
    /// refs past `max-ref-age-ms` go, and only manifest lists are deleted from an append-only history.
    func testRetentionFollowsBranchesTagsAndAges() async throws {
        let dir = try makeTemporaryDirectory(self)
        let catalog = try SQLiteCatalog.open(
            path: dir.appendingPathComponent("c.db").path, name: "default",
            warehouse: dir.appendingPathComponent("wh").path)
        let id = TableIdentifier(namespace: Namespace(["r"]), name: "t")
        try await catalog.createNamespace(Namespace(["r"]), properties: [])
        let schema = try Schema(fields: [
            .required(1, "id", .long), .optional(2, "name", .string), .optional(3, "ts", .timestamptz),
        ])
        _ = try await catalog.createTable(id, TableCreation(schema: schema))
        var snaps: [Snapshot] = []
        for k in 0..<6 {
            let t = try await TableFixtures.append(catalog, id, TableFixtures.rows(k * 10..<k * 10 + 10))
            snaps.append(t.metadata.currentSnapshot!)
            try await Task.sleep(nanoseconds: 3_000_000)
        }
        _ = try await catalog.commitTable(
            id, requirements: [],
            updates: [
                .setSnapshotRef(name: "v1", ref: SnapshotRef(snapshotId: snaps[1].snapshotId, type: .tag)),
                .setSnapshotRef(
                    name: "audit",
                    ref: SnapshotRef(snapshotId: snaps[3].snapshotId, type: .branch, minSnapshotsToKeep: 2)),
                .setSnapshotRef(
                    name: "old", ref: SnapshotRef(snapshotId: snaps[0].snapshotId, type: .tag, maxRefAgeMs: 1)),
            ])
        let now = snaps[5].timestampMs + 10_000
        var op = ExpireSnapshots()
        op.olderThanMs = snaps[5].timestampMs
        let table = try await catalog.loadTable(id)

        let plan = try op.plan(table.metadata, now: now)
        XCTAssertEqual(Set(plan.snapshotIds), [snaps[0].snapshotId, snaps[4].snapshotId])
        XCTAssertEqual(plan.refs, ["old"])
        var keepThree = op
        keepThree.retainLast = 3
        XCTAssertEqual(
            try keepThree.plan(table.metadata, now: now).snapshotIds, [snaps[0].snapshotId], "main keeps its 3 newest")
        var noCutoff = op
        noCutoff.olderThanMs = nil
        XCTAssertEqual(try noCutoff.plan(table.metadata, now: now).snapshotIds, [], "nothing is 5 days old")
        var tagged = op
        tagged.snapshotIds = [snaps[1].snapshotId]
        XCTAssertThrowsError(try tagged.plan(table.metadata, now: now)) { error in
            XCTAssertTrue("\(error)".contains("current snapshot of v1"), "\(error)")
        }

        op.now = now
        let result = try await table.expireSnapshots(op)
        XCTAssertEqual(Set(result.expiredSnapshotIds), [snaps[0].snapshotId, snaps[4].snapshotId])
        XCTAssertEqual(result.removedRefs, ["old"])
        XCTAssertEqual(result.deletedManifestLists, 2)
        XCTAssertEqual(result.deletedDataFiles, 0, "an append-only history still needs every data file")
        let after = try await catalog.loadTable(id)
        XCTAssertEqual(Set(after.metadata.snapshots.map(\.snapshotId)), Set([1, 2, 3, 5].map { snaps[$0].snapshotId }))
        XCTAssertEqual(Set(after.metadata.refs.map(\.0)), ["main", "v1", "audit"])
        XCTAssertFalse(after.metadata.snapshotLog.contains { $0.snapshotId == snaps[0].snapshotId })
        for gone in [snaps[0], snaps[4]] {
            XCTAssertFalse(
                FileManager.default.fileExists(atPath: URL(string: gone.manifestList)?.path ?? gone.manifestList))
        }
        let mainRows = try await TableScan(metadata: after.metadata, io: after.io).rows()
        XCTAssertEqual(mainRows.count, 60)
        let tagRows = try await TableScan(metadata: after.metadata, io: after.io, snapshotId: snaps[1].snapshotId)
            .rows()
        XCTAssertEqual(tagRows.count, 20)
        for task in try await TableScan(metadata: after.metadata, io: after.io, snapshotId: snaps[3].snapshotId)
            .planFiles()
        {
            XCTAssertTrue(
                FileManager.default.fileExists(atPath: URL(string: task.file.filePath)?.path ?? task.file.filePath))
        }
    }
}
