import Foundation
import IcebergSQLite
import JSONSupport
import TestSupport
import XCTest

@testable import Iceberg

#if canImport(Glibc)
    import Glibc
#endif

/// Writers killed with SIGKILL at points from the start of the process to after its commit:
/// the table always loads, reads, and holds either the rows before the command or the rows
/// after it, never a part; later commands go on from there; DuckDB reads every snapshot.
final class KilledWriterTests: XCTestCase {
    func testWritersKilledAnywhereLeaveTheLastCommittedState() async throws {
        let dir = try makeTemporaryDirectory(self)
        let db = dir.appendingPathComponent("catalog.db").path
        let warehouse = dir.appendingPathComponent("warehouse").path
        let uri = "sqlite:\(db)?warehouse=\(warehouse)&name=kill"
        let cli = CLIRunner()
        let schemaPath = dir.appendingPathComponent("schema.json").path
        try JavaInteropTests.keyedSchema.write(toFile: schemaPath, atomically: true, encoding: .utf8)
        for args in [
            ["namespace", "create", "db"],
            ["table", "create", "db.k", "--schema", schemaPath, "--partition", "bucket(4,id)"],
        ] {
            let r = try cli.run(args + ["--catalog", uri], stdin: nil)
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        var model: [Int64: JSONValue] = [:]
        func rows(_ ids: [Int], _ score: Double) -> [JSONValue] { ids.map { JavaInteropTests.keyedRow($0, score) } }
        let initial = rows(Array(0..<3000), 0)
        let seeded = try cli.run(["append", "db.k", "--catalog", uri], stdin: JavaInteropTests.lines(initial))
        XCTAssertEqual(seeded.status, 0, seeded.stderr)
        for r in initial { model[r["id"]!.intValue!] = r }

        // Delays from well before any commit to well after it.
        let delaysMs = [0, 2, 5, 10, 20, 30, 45, 60, 80, 100, 130, 160, 200, 300, 500, 3000]
        var outcomes = (before: 0, after: 0)
        for (step, delay) in delaysMs.enumerated() {
            var after = model
            let args: [String]
            let input: [String]
            switch step % 4 {
            case 0:
                let upserts = rows(Array((step * 100)..<(step * 100 + 3000)), Double(step))
                for r in upserts { after[r["id"]!.intValue!] = r }
                args = ["upsert", "db.k"]
                input = upserts.map { $0.serialized() }
            case 1:
                let upserts = rows(Array((step * 150)..<(step * 150 + 2000)), Double(step))
                for r in upserts { after[r["id"]!.intValue!] = r }
                args = ["upsert", "db.k", "--strategy", "position-deletes"]
                input = upserts.map { $0.serialized() }
            case 2:
                let deleted = (0..<500).map { Int64(step * 37 + $0 * 3) }
                for k in deleted { after[k] = nil }
                let inserted = rows(Array((10_000 + step * 1000)..<(10_000 + step * 1000 + 1500)), Double(step))
                for r in inserted { after[r["id"]!.intValue!] = r }
                args = ["cdc", "db.k", "--format", "flat"]
                input =
                    deleted.map { #"{"id": \#($0), "_cdc_op": "D"}"# }
                    + inserted.map { row -> String in
                        var pairs: [(String, JSONValue)] = []
                        if case .object(let p) = row { pairs = p }
                        return JSONValue.object(pairs + [("_cdc_op", .string("I"))]).serialized()
                    }
            default:
                let keys = model.keys.filter { $0 % 7 == Int64(step % 7) }.sorted().prefix(400)
                for k in keys { after[k] = nil }
                let list = keys.map(String.init).joined(separator: ", ")
                args = ["delete", "db.k", "--filter", "id in (\(list))", "--mode", "merge-on-read"]
                input = []
            }
            try await run(cli, args, input: input, killAfterMs: delay, uri: uri, dir: dir)
            let catalog = try SQLiteCatalog.open(path: db, name: "kill", warehouse: warehouse)
            let table = try await catalog.loadTable("db.k")
            let read = try await table.scan().rows()
            let state = Dictionary(read.map { ($0["id"]!.intValue!, $0) }, uniquingKeysWith: { a, _ in a })
            XCTAssertEqual(state.count, read.count, "step \(step): a key twice")
            if state == after && after != model {
                outcomes.after += 1
                model = after
            } else {
                XCTAssertEqual(state, model, "step \(step) (killed after \(delay) ms): neither before nor after")
                outcomes.before += 1
            }
        }
        XCTAssertGreaterThan(outcomes.before, 0, "no writer was killed before its commit")
        XCTAssertGreaterThan(outcomes.after, 0, "no writer committed before it was killed")
        let catalog = try SQLiteCatalog.open(path: db, name: "kill", warehouse: warehouse)
        let table = try await catalog.loadTable("db.k")
        let finalRows = try await table.scan().rows()
        XCTAssertEqual(finalRows.count, model.count)
        try await assertDuckDBReadsEverySnapshot(table)
    }

    /// Runs the CLI with `input` on standard input (from a file) and kills it with SIGKILL
    /// `killAfterMs` after it started (if it is still running).
    private func run(_ cli: CLIRunner, _ args: [String], input: [String], killAfterMs: Int, uri: String, dir: URL)
        async throws
    {
        let inputPath = dir.appendingPathComponent("input-\(UUID().uuidString).jsonl")
        try (input.joined(separator: "\n") + "\n").write(to: inputPath, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: cli.executable)
        p.arguments = args + ["--catalog", uri] + (input.isEmpty ? [] : ["--file", inputPath.path])
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        try await Task.sleep(nanoseconds: UInt64(killAfterMs) * 1_000_000)
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
    }
}
