import Foundation
import JSONSupport
import TestSupport
import XCTest

@testable import Iceberg

#if canImport(Glibc)
    import Glibc
#endif

extension JavaInteropTests {
    /// `iceberg stream` killed with SIGKILL at twenty-four moments and started again each time on
    /// the same input, replayed from its first line: after every kill the table holds exactly
    /// the lines up to its committed position, and at the end every line exactly once — as
    /// Iceberg Java (Spark), PyIceberg and DuckDB read it.
    func testAStreamKilledAnywhereLandsEveryRecordOnce() async throws {
        let shared = try sharedCatalog()
        let schema = try writeSchema(
            #"{"type":"struct","fields":[{"id":1,"name":"id","required":true,"type":"long"},"#
                + #"{"id":2,"name":"note","required":false,"type":"string"}]}"#, in: shared)
        _ = try cli(shared, ["namespace", "create", "db"])
        _ = try cli(shared, ["table", "create", "db.s", "--schema", schema, "--partition", "bucket(4,id)"])
        let count = 120_000
        let input = shared.dir.appendingPathComponent("source.jsonl")
        try (0..<count).map { #"{"id":\#($0),"note":"line \#($0 + 1)"}"# }.joined(separator: "\n").appending("\n")
            .write(to: input, atomically: true, encoding: .utf8)
        let arguments = [
            "stream", "db.s", "--commit-interval", "100ms", "--commit-rows", "250", "--catalog", shared.uri,
        ]

        /// The table's ids and the stream's committed line.
        func state() async throws -> (ids: [Int64], committed: Int64) {
            let table = try await shared.catalog.loadTable("db.s")
            let ids = try await table.scan().rows().compactMap { $0["id"]?.intValue }.sorted()
            return (ids, try table.committedPositions(streamId: "stdin")?.positions["line"] ?? 0)
        }
        var kills = 0
        var progressed: Set<Int64> = []
        // Short runs: each gets a few thousand lines further, so the stream is still going at every kill.
        let delays = [35, 220, 90, 160, 180, 60, 240, 110, 140, 200, 45, 260, 130, 190, 75, 230, 100, 170, 120, 250]
        var runs = 0
        while kills < 24, runs < 40 {
            let delay = delays[runs % delays.count] + runs
            runs += 1
            let p = Process()
            p.executableURL = URL(fileURLWithPath: CLIRunner().executable)
            p.arguments = arguments
            p.standardInput = try FileHandle(forReadingFrom: input)
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            try await Task.sleep(for: .milliseconds(delay))
            if p.isRunning {
                kill(p.processIdentifier, SIGKILL)
                kills += 1
            }
            p.waitUntilExit()
            let (ids, committed) = try await state()
            XCTAssertEqual(
                ids, (0..<committed).map { $0 }, "after a kill at \(delay) ms: the lines up to \(committed), once")
            progressed.insert(committed)
        }
        XCTAssertGreaterThanOrEqual(kills, 24, "runs killed mid-stream")
        XCTAssertGreaterThan(progressed.count, 10, "the kills fell at different points of the stream")
        let last = try CLIRunner().run(arguments, stdin: try String(contentsOf: input, encoding: .utf8))
        XCTAssertEqual(last.status, 0, last.stderr)
        let (ids, committed) = try await state()
        XCTAssertEqual(committed, Int64(count))
        XCTAssertEqual(ids, (0..<Int64(count)).map { $0 }, "every line exactly once")

        let java = try spark.sql(
            "SELECT count(*) AS n, count(DISTINCT id) AS d, min(id) AS lo, max(id) AS hi FROM \(shared.spark("db.s"))")
        XCTAssertEqual(
            java,
            [
                .object([
                    ("n", .int(Int64(count))), ("d", .int(Int64(count))), ("lo", .int(0)),
                    ("hi", .int(Int64(count - 1))),
                ])
            ])
        let py = try icebergPeer(["pyiceberg-current", shared.db, shared.warehouse, shared.name, "db.s"])
        XCTAssertEqual(
            (py["rows"]?.arrayValue ?? []).compactMap { $0["id"]?.intValue }.sorted(), ids,
            "PyIceberg reads every line once")
        let final = try await shared.catalog.loadTable("db.s")
        let current = String(try XCTUnwrap(final.metadata.currentSnapshotId))
        let duck = try icebergPeer(["duckdb", final.metadataLocation, current])
        XCTAssertEqual(
            (duck["snapshots"]?[current]?.arrayValue ?? []).compactMap { $0["id"]?.intValue }.sorted(), ids,
            "DuckDB reads every line once")
    }
}
