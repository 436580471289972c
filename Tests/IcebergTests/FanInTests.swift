import Foundation
import JSONSupport
import Synchronization
import TestSupport
import XCTest

@testable import Iceberg

/// Fan-in: `FileWriter`s hand out `StreamUnit`s (their files as REST `ContentFile` JSON) and
/// one `StreamCommitter` commits them on its interval, each writer's units once and in order.
final class FanInTests: XCTestCase {
    typealias U = UpsertTests

    private func table(_ name: String) async throws -> Table {
        let catalog = try await makeLocalCatalog(self, prefix: "fan-in-\(name)").catalog
        return try await RewriteDataFilesTests.makeTable(catalog, name, appends: 0)
    }

    private static func rows(_ ids: Range<Int>) -> [(rowNumber: Int, row: JSONValue)] {
        ids.enumerated().map { ($0.offset + 1, U.row($0.element, ["a", "b", "c"][$0.element % 3], 1)) }
    }

    /// Sixteen writers, twenty units each, through one committer fed by an `AsyncStream`:
    /// every row once, every writer's positions and last sequence, few commits.
    func testSixteenWritersOneCommitterEveryRowOnce() async throws {
        let t = try await table("sixteen")
        let commits = Mutex<[StreamCommit]>([])
        var options = StreamCommitter.Options(streamId: "fan")
        options.commitInterval = .milliseconds(200)
        options.onCommit = { c in commits.withLock { $0.append(c) } }
        let committer = try StreamCommitter(table: t, options: options)
        let (units, sink) = AsyncStream.makeStream(of: StreamUnit.self)
        let started = ContinuousClock.now
        async let consumed: Void = committer.consume(units)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<16 {
                group.addTask {
                    var writer = try FileWriter(table: t, streamId: "fan", writerId: "w\(w)")
                    for u in 0..<20 {
                        let start = w * 1_000 + u * 5
                        try await writer.write(
                            jsonRows: Self.rows(start..<start + 5), positions: SourcePositions(["src-\(w)": Int64(u)]))
                        let finished = try await writer.finish()
                        let unit = try XCTUnwrap(finished)
                        // Through JSON, as a queue would carry it.
                        let wire = try JSONEncoder().encode(unit)
                        sink.yield(try JSONDecoder().decode(StreamUnit.self, from: wire))
                    }
                }
            }
            try await group.waitForAll()
        }
        sink.finish()
        try await consumed
        let elapsed = ContinuousClock.now - started
        let ids = try await t.scan().rows().compactMap { $0["id"]?.intValue }.sorted()
        XCTAssertEqual(ids, (0..<16).flatMap { w in (0..<100).map { Int64(w * 1_000 + $0) } }.sorted())
        let positions = try XCTUnwrap(try t.committedPositions(streamId: "fan")?.positions)
        for w in 0..<16 {
            XCTAssertEqual(positions["src-\(w)"], 19)
            XCTAssertEqual(positions["writer/w\(w)"], 20)
        }
        let made = commits.withLock { $0 }
        let live = try await t.scan().planFiles().count
        XCTAssertEqual(made.reduce(0) { $0 + $1.files }, live)
        XCTAssertLessThanOrEqual(
            made.count, Int(elapsed / .milliseconds(200)) + 2, "at most one commit per interval (and the last)")
        XCTAssertEqual(t.metadata.snapshots.count, made.count)
    }

    /// A unit ahead of a missing one waits for it; a unit sent twice, or one the table already
    /// holds (a restarted committer), is dropped; a restarted writer continues its sequence.
    func testUnitsCommitOnceAndInSequence() async throws {
        let t = try await table("order")
        var writer = try FileWriter(table: t, streamId: "s", writerId: "a")
        try await writer.write(jsonRows: Self.rows(0..<3), positions: SourcePositions(["p": 2]))
        let firstUnit = try await writer.finish()
        let first = try XCTUnwrap(firstUnit)
        try await writer.write(jsonRows: Self.rows(3..<6), positions: SourcePositions(["p": 5]))
        let secondUnit = try await writer.finish()
        let second = try XCTUnwrap(secondUnit)
        XCTAssertEqual([first.sequence, second.sequence], [1, 2])
        let committer = try StreamCommitter(table: t, options: StreamCommitter.Options(streamId: "s"))
        try await committer.add(second)
        let none = try await committer.flush()
        XCTAssertNil(none, "unit 2 waits for unit 1")
        try await committer.add(first)
        try await committer.add(first)
        let flushed = try await committer.flush()
        let commit = try XCTUnwrap(flushed)
        XCTAssertEqual(commit.records, 6)
        XCTAssertEqual(commit.positions, ["p": 5, "writer/a": 2])

        let restarted = try StreamCommitter(table: t, options: StreamCommitter.Options(streamId: "s"))
        try await restarted.add(second)
        let again = try await restarted.flush()
        XCTAssertNil(again, "a unit the table holds is dropped")
        let resumed = try FileWriter(table: t, streamId: "s", writerId: "a")
        XCTAssertEqual(resumed.sequence, 2)
        let ids = try await t.scan().rows().compactMap { $0["id"]?.intValue }.sorted()
        XCTAssertEqual(ids, (0..<6).map(Int64.init))
    }

    /// Files travel as the REST spec's `ContentFile` JSON and come back equal.
    func testContentFileJSONRoundTrips() throws {
        let type = StructType([.optional(1000, "ts_day", .date), .optional(1001, "category", .string)])
        var file = DataFile(
            filePath: "s3://b/t/data/x.parquet", partition: [.int(20_000), nil], recordCount: 42, fileSizeInBytes: 4_096
        )
        file.columnSizes = [1: 100, 2: 200]
        file.valueCounts = [1: 42]
        file.nullValueCounts = [2: 3]
        file.lowerBounds = [1: [0x01, 0xAB]]
        file.upperBounds = [1: [0xFF]]
        file.splitOffsets = [4]
        file.sortOrderId = 1
        let json = file.contentFileJSON(specId: 3, partitionType: type)
        XCTAssertEqual(json["content"], .string("data"))
        XCTAssertEqual(json["file-format"], .string("parquet"))
        XCTAssertEqual(json["partition"], .array([.string("2024-10-04"), .null]))
        XCTAssertEqual(json["lower-bounds"]?["values"], .array([.string("01AB")]))
        let back = try DataFile(contentFileJSON: json) { $0 == 3 ? type : nil }
        XCTAssertEqual(back, file)
        XCTAssertThrowsError(try DataFile(contentFileJSON: json) { _ in nil })
    }
}
