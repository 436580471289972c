import JSONSupport
import TestSupport
import XCTest

@testable import Iceberg

/// A stream's source positions in snapshot summaries: recorded with the commit that holds
/// their records, read back from the branch's ancestry, carried forward by every later
/// snapshot (other writers, compaction, expiry), kept per branch, and a second writer with
/// the same stream id fenced.
final class StreamPositionsTests: XCTestCase {
    typealias U = UpsertTests

    private func table(_ name: String) async throws -> Table {
        let catalog = try await makeLocalCatalog(self, prefix: "stream-\(name)").catalog
        return try await RewriteDataFilesTests.makeTable(catalog, name, appends: 1)
    }

    /// Commits rows `ids` with the stream's positions.
    @discardableResult
    private func commit(
        _ table: Table, _ ids: Range<Int>, stream: String = "orders", branch: String = "main",
        expected: SourcePositions?, positions: SourcePositions
    ) async throws -> Table {
        var txn = table.newTransaction()
        txn.add(
            try RecordStreamPositions(streamId: stream, branch: branch, expected: expected, positions: positions))
        txn.append(jsonRows: ids.enumerated().map { ($0.offset + 1, U.row($0.element, "a", 1)) }, branch: branch)
        return try await txn.commit()
    }

    func testPositionsCommitWithTheirRowsAndReadBack() async throws {
        let t = try await table("read")
        XCTAssertNil(try t.committedPositions(streamId: "orders"))
        let p1 = SourcePositions(["orders/0": 99, "orders/1": 41])
        try await commit(t, 1_000..<1_100, expected: nil, positions: p1)
        let checkpoint = try XCTUnwrap(try t.committedPositions(streamId: "orders"))
        XCTAssertEqual(checkpoint.positions, p1)
        XCTAssertEqual(checkpoint.snapshotId, t.metadata.currentSnapshotId)
        let summary = try XCTUnwrap(t.metadata.currentSnapshot?.summary)
        XCTAssertEqual(
            summary.first { $0.0 == "swift-iceberg.stream.orders.positions" }?.1, #"{"orders/0":99,"orders/1":41}"#)
        XCTAssertEqual(summary.first { $0.0 == "swift-iceberg.stream.orders.commit-id" }?.1, checkpoint.commitId)
        let p2 = p1.advanced(by: SourcePositions(["orders/1": 80, "orders/2": 5]))
        XCTAssertEqual(p2, SourcePositions(["orders/0": 99, "orders/1": 80, "orders/2": 5]))
        try await commit(t, 1_100..<1_150, expected: p1, positions: p2)
        XCTAssertEqual(try t.committedPositions(streamId: "orders")?.positions, p2)
        XCTAssertNil(try t.committedPositions(streamId: "payments"), "streams are apart")
        XCTAssertThrowsError(try t.committedPositions(streamId: ""))
    }

    /// A writer that expected other positions than the table holds commits nothing.
    func testASecondWriterWithTheSameStreamIdIsFenced() async throws {
        let t = try await table("fence")
        let zombie = try await t.catalog!.loadTable(t.identifier)
        try await commit(t, 1_000..<1_010, expected: nil, positions: SourcePositions(["p": 10]))
        let before = try await U.state(t)
        let snapshots = t.metadata.snapshots.count
        do {
            try await commit(zombie, 2_000..<2_010, expected: nil, positions: SourcePositions(["p": 10]))
            XCTFail("the zombie committed")
        } catch let e as StreamError {
            XCTAssertEqual(e, .fenced(streamId: "orders", expected: nil, found: SourcePositions(["p": 10])))
            XCTAssertTrue(e.description.contains("fenced"), e.description)
        }
        let after = try await t.catalog!.loadTable(t.identifier)
        XCTAssertEqual(after.metadata.snapshots.count, snapshots)
        U.assertSameRows(try await U.state(after), before, "after the fenced commit")
        // Another stream id is another stream.
        try await commit(zombie, 2_000..<2_010, stream: "payments", expected: nil, positions: SourcePositions(["p": 3]))
    }

    /// Commits of other writers, a compaction and an expiry keeping one snapshot leave the
    /// positions readable: every snapshot carries them forward.
    func testPositionsSurviveOtherCommitsCompactionAndExpiry() async throws {
        let t = try await table("carry")
        let positions = SourcePositions(["orders/0": 7])
        try await commit(t, 1_000..<1_010, expected: nil, positions: positions)
        for k in 0..<3 {
            var txn = t.newTransaction()
            txn.append(jsonRows: [(1, U.row(5_000 + k, "b", 2))])
            try await txn.commit()
        }
        var o = RewriteDataFilesOptions()
        o.rewriteAll = true
        try await t.rewriteDataFiles(o)
        XCTAssertEqual(t.metadata.currentSnapshot?.summary.first { $0.0 == "operation" }?.1, "replace")
        var expiry = ExpireSnapshots()
        expiry.retainLast = 1
        expiry.olderThanMs = WallClock.nowMs() + 1_000
        try await t.expireSnapshots(expiry)
        XCTAssertEqual(t.metadata.snapshots.count, 1)
        let checkpoint = try XCTUnwrap(try t.committedPositions(streamId: "orders"))
        XCTAssertEqual(checkpoint.positions, positions)
        XCTAssertEqual(checkpoint.snapshotId, t.metadata.currentSnapshotId)
        // The stream resumes from there.
        try await commit(t, 1_010..<1_020, expected: positions, positions: SourcePositions(["orders/0": 17]))
    }

    /// A branch forked from main starts from main's positions and keeps its own after that.
    func testBranchesKeepTheirOwnPositions() async throws {
        let t = try await table("branch")
        try await commit(t, 1_000..<1_010, expected: nil, positions: SourcePositions(["p": 10]))
        try await t.manageSnapshots([.createBranch("audit")])
        try await commit(
            t, 2_000..<2_010, branch: "audit", expected: SourcePositions(["p": 10]),
            positions: SourcePositions(["p": 20]))
        XCTAssertEqual(try t.committedPositions(streamId: "orders")?.positions, SourcePositions(["p": 10]))
        XCTAssertEqual(
            try t.committedPositions(streamId: "orders", branch: "audit")?.positions, SourcePositions(["p": 20]))
        try await commit(t, 1_010..<1_020, expected: SourcePositions(["p": 10]), positions: SourcePositions(["p": 11]))
    }

    /// A transaction's snapshot properties reach the summary; the computed counts keep theirs.
    func testTransactionSnapshotProperties() async throws {
        let t = try await table("props")
        var txn = t.newTransaction()
        txn.snapshotProperties = [("app", "orders-sink"), ("added-records", "999")]
        txn.append(jsonRows: [(1, U.row(9_000, "a", 1)), (2, U.row(9_001, "a", 1))])
        try await txn.commit()
        let summary = try XCTUnwrap(t.metadata.currentSnapshot?.summary)
        XCTAssertEqual(summary.first { $0.0 == "app" }?.1, "orders-sink")
        XCTAssertEqual(summary.filter { $0.0 == "added-records" }.map(\.1), ["2"])
    }
}
