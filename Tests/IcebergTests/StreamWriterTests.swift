import CoreMetrics
import Foundation
import JSONSupport
import MetricsTestKit
import Synchronization
import TestSupport
import XCTest

@testable import Iceberg

/// `StreamWriter`: rows and change events committed with their source positions on flush,
/// on the interval and at the buffer bounds; a writer resumes from the table's positions; a
/// second writer with the stream's id is fenced; a bad row drops the buffer; concurrent
/// tasks share one writer.
final class StreamWriterTests: XCTestCase {
    typealias U = UpsertTests

    private func table(_ name: String, spec: String? = "category") async throws -> Table {
        let catalog = try await makeLocalCatalog(self, prefix: "stream-writer-\(name)").catalog
        return try await RewriteDataFilesTests.makeTable(catalog, name, appends: 0, spec: spec)
    }

    /// The process's metrics backend in these tests (swift-metrics bootstraps once).
    static let metrics: TestMetrics = {
        let m = TestMetrics()
        MetricsSystem.bootstrap(m)
        return m
    }()

    private static func rows(_ ids: Range<Int>) -> [(rowNumber: Int, row: JSONValue)] {
        ids.enumerated().map { ($0.offset + 1, U.row($0.element, ["a", "b", "c"][$0.element % 3], $0.element % 7)) }
    }

    private func ids(_ table: Table) async throws -> [Int64] {
        try await table.scan().rows().compactMap { $0["id"]?.intValue }.sorted()
    }

    func testRowsCommitWithTheirPositionsAndAWriterResumesThere() async throws {
        _ = Self.metrics
        let t = try await table("rows")
        let writer = try StreamWriter(table: t, options: StreamWriter.Options(streamId: "orders"))
        let resume = await writer.resumePositions
        XCTAssertNil(resume)
        for b in 0..<3 {
            try await writer.write(
                jsonRows: Self.rows(b * 10..<(b + 1) * 10), positions: SourcePositions(["orders/0": Int64(b * 10 + 9)]))
        }
        let flushed = try await writer.flush()
        let commit = try XCTUnwrap(flushed)
        XCTAssertEqual(commit.records, 30)
        XCTAssertEqual(commit.rows, 30)
        XCTAssertEqual(commit.positions, ["orders/0": 29])
        XCTAssertEqual(commit.snapshotId, t.metadata.currentSnapshotId)
        XCTAssertEqual(t.metadata.snapshots.count, 1, "one append snapshot for the three writes")
        let got = try await ids(t)
        XCTAssertEqual(got, (0..<30).map(Int64.init))
        let nothing = try await writer.flush()
        XCTAssertNil(nothing)
        _ = try await writer.close()

        // The commit reached swift-metrics.
        let dimensions = [("stream", "orders"), ("kind", "writer")]
        XCTAssertEqual(try Self.metrics.expectCounter("iceberg_stream_commits_total", dimensions).totalValue, 1)
        XCTAssertEqual(try Self.metrics.expectCounter("iceberg_stream_rows_total", dimensions).totalValue, 30)
        XCTAssertEqual(try Self.metrics.expectCounter("iceberg_stream_retries_total", dimensions).totalValue, 0)
        XCTAssertEqual(try Self.metrics.expectTimer("iceberg_stream_commit_latency", dimensions).values.count, 1)

        let again = try StreamWriter(table: t, options: StreamWriter.Options(streamId: "orders"))
        let resumed = await again.resumePositions
        XCTAssertEqual(resumed, SourcePositions(["orders/0": 29]))
    }

    func testTheIntervalAndTheRowBoundCommit() async throws {
        let t = try await table("bounds")
        let commits = Mutex<[StreamCommit]>([])
        var options = StreamWriter.Options(streamId: "s")
        options.commitInterval = .milliseconds(150)
        options.maxBufferedRows = 100
        options.onCommit = { c in commits.withLock { $0.append(c) } }
        let writer = try StreamWriter(table: t, options: options)
        for b in 0..<5 {
            try await writer.write(
                jsonRows: Self.rows(b * 50..<(b + 1) * 50), positions: SourcePositions(["p": Int64(b)]))
        }
        XCTAssertEqual(commits.withLock { $0.map(\.records) }, [100, 100], "the row bound commits")
        try await Task.sleep(for: .milliseconds(600))
        XCTAssertEqual(commits.withLock { $0.map(\.records) }, [100, 100, 50], "the interval commits the rest")
        let last = try XCTUnwrap(commits.withLock { $0.last })
        XCTAssertGreaterThanOrEqual(last.latencyMs, 140)
        XCTAssertLessThan(last.latencyMs, 550)
        try await t.refresh()
        let got = try await ids(t)
        XCTAssertEqual(got, (0..<250).map(Int64.init))
        XCTAssertEqual(try t.committedPositions(streamId: "s")?.positions, SourcePositions(["p": 4]))
        _ = try await writer.close()
    }

    /// Two writers with one stream id: the one that commits second is fenced, commits
    /// nothing, deletes what it wrote, and stays stopped.
    func testASecondWriterIsFencedAndLeavesNoFile() async throws {
        let t = try await table("fence")
        let a = try StreamWriter(table: t, options: StreamWriter.Options(streamId: "s"))
        let b = try StreamWriter(table: t.copy(), options: StreamWriter.Options(streamId: "s"))
        try await a.write(jsonRows: Self.rows(0..<10), positions: SourcePositions(["p": 9]))
        try await b.write(jsonRows: Self.rows(100..<110), positions: SourcePositions(["p": 9]))
        try await a.flush()
        do {
            try await b.flush()
            XCTFail("the second writer committed")
        } catch let e as StreamError {
            guard case .fenced = e else { return XCTFail("\(e)") }
        }
        do {
            try await b.write(jsonRows: Self.rows(200..<201), positions: SourcePositions(["p": 10]))
            XCTFail("a fenced writer accepted rows")
        } catch is StreamError {}
        try await t.refresh()
        let got = try await ids(t)
        XCTAssertEqual(got, (0..<10).map(Int64.init))
        let live = try await liveFiles(t)
        XCTAssertEqual(try dataFiles(under: t.metadata.location), live, "the fenced writer's files are deleted")
    }

    /// A row that does not fit the schema names its row and field and drops what was
    /// buffered; the caller replays from the committed positions.
    func testABadRowDropsTheBuffer() async throws {
        let t = try await table("bad")
        let writer = try StreamWriter(table: t, options: StreamWriter.Options(streamId: "s"))
        try await writer.write(jsonRows: Self.rows(0..<5), positions: SourcePositions(["p": 4]))
        try await writer.flush()
        try await writer.write(jsonRows: Self.rows(5..<10), positions: SourcePositions(["p": 9]))
        var bad = Self.rows(10..<12)
        bad[1].row = .object([("id", .string("eleven"))])
        do {
            try await writer.write(jsonRows: bad, positions: SourcePositions(["p": 11]))
            XCTFail("a bad row was accepted")
        } catch IcebergError.invalidValue(let row, let field, _) {
            XCTAssertEqual(row, 2)
            XCTAssertEqual(field, "id")
        }
        let committed = await writer.committedPositions
        XCTAssertEqual(committed, SourcePositions(["p": 4]))
        let empty = try await writer.flush()
        XCTAssertNil(empty, "nothing buffered is left")
        try await writer.write(jsonRows: Self.rows(5..<12), positions: SourcePositions(["p": 11]))
        try await writer.close()
        let got = try await ids(t)
        XCTAssertEqual(got, (0..<12).map(Int64.init))
        let live = try await liveFiles(t)
        XCTAssertEqual(try dataFiles(under: t.metadata.location), live, "the dropped rows' files are deleted")
    }

    /// Change events commit as row deltas in order: a later commit's delete applies to an
    /// earlier commit's row — into a table partitioned outside the key, with the defaults.
    func testChangeEventsCommitInOrder() async throws {
        let t = try await table("changes")
        let writer = try StreamWriter(table: t, options: StreamWriter.Options(streamId: "cdc"))
        func event(_ id: Int, _ op: String, qty: Int = 1) -> JSONValue {
            .object([
                ("id", .int(Int64(id))), ("category", .string("a")), ("qty", .int(Int64(qty))),
                ("_cdc_op", .string(op)),
            ])
        }
        try await writer.write(
            changes: [(1, event(1, "I")), (2, event(2, "I")), (3, event(3, "I"))], format: .flat,
            positions: SourcePositions(["db": 3]))
        try await writer.flush()
        try await writer.write(
            changes: [(4, event(2, "D")), (5, event(3, "U", qty: 9))], format: .flat,
            positions: SourcePositions(["db": 5]))
        let last = try await writer.close()
        XCTAssertEqual(last?.strategy, "position-deletes", "partitioned by category, keyed by id: position deletes")
        let state = try await t.scan().rows().map { ($0["id"]!.intValue!, $0["qty"]!.intValue!) }.sorted { $0.0 < $1.0 }
        XCTAssertEqual(state.map(\.0), [1, 3])
        XCTAssertEqual(state.map(\.1), [1, 9])
        XCTAssertEqual(try t.committedPositions(streamId: "cdc")?.positions, SourcePositions(["db": 5]))
    }

    /// Sixteen tasks write through one writer: every row once, each partition's highest position.
    func testConcurrentTasksShareOneWriter() async throws {
        let t = try await table("tasks")
        var options = StreamWriter.Options(streamId: "s")
        options.maxBufferedRows = 300
        let writer = try StreamWriter(table: t, options: options)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<16 {
                group.addTask {
                    for b in 0..<10 {
                        let start = task * 1_000 + b * 10
                        try await writer.write(
                            jsonRows: Self.rows(start..<start + 10),
                            positions: SourcePositions(["part-\(task)": Int64(b * 10 + 9)]))
                    }
                }
            }
            try await group.waitForAll()
        }
        try await writer.close()
        let all = try await ids(t)
        XCTAssertEqual(
            all, (0..<16).flatMap { task in (0..<100).map { Int64(task * 1_000 + $0) } }.sorted())
        let positions = try XCTUnwrap(try t.committedPositions(streamId: "s")?.positions)
        XCTAssertEqual(
            positions, SourcePositions(Dictionary(uniqueKeysWithValues: (0..<16).map { ("part-\($0)", Int64(99)) })))
        XCTAssertGreaterThan(t.metadata.snapshots.count, 3, "the row bound made several commits")
    }

    /// The names of the Parquet files under the table's data folder.
    private func dataFiles(under location: String) throws -> Set<String> {
        let root = location.hasPrefix("file://") ? String(location.dropFirst(7)) : location
        let enumerator = FileManager.default.enumerator(atPath: root + "/data")
        var out = Set<String>()
        while let p = enumerator?.nextObject() as? String {
            if p.hasSuffix(".parquet") { out.insert(String(p.split(separator: "/").last!)) }
        }
        return out
    }

    private func liveFiles(_ table: Table) async throws -> Set<String> {
        Set(try await table.scan().planFiles().map { String($0.file.filePath.split(separator: "/").last!) })
    }
}
