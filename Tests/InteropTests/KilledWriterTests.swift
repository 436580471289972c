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
        let (dir, db, warehouse, uri, cli) = try keyedTable("db.k", "--partition", "bucket(4,id)")
        var model: [Int64: JSONValue] = [:]
        func rows(_ ids: [Int], _ score: Double) -> [JSONValue] { ids.map { JavaInteropTests.keyedRow($0, score) } }
        let initial = rows(Array(0..<3000), 0)
        let seeded = try cli.run(["append", "db.k", "--catalog", uri], stdin: JavaInteropTests.lines(initial))
        XCTAssertEqual(seeded.status, 0, seeded.stderr)
        for r in initial { model[r["id"]!.intValue!] = r }

        // Every row-changing command, each killed at delays from well before any commit to
        // well after it.
        let delaysMs = [0, 2, 5, 10, 20, 30, 45, 60, 80, 100, 130, 160, 200, 300, 500, 3000, 8, 40, 120, 250, 3000]
        var outcomes = (before: 0, after: 0)
        for (step, delay) in delaysMs.enumerated() {
            var after = model
            let args: [String]
            let input: [String]
            switch step % 7 {
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
            case 3:
                let keys = model.keys.filter { $0 % 7 == Int64(step % 7) }.sorted().prefix(400)
                for k in keys { after[k] = nil }
                let list = keys.map(String.init).joined(separator: ", ")
                args = ["delete", "db.k", "--filter", "id in (\(list))", "--mode", "merge-on-read"]
                input = []
            case 4:
                let appended = rows(Array((100_000 + step * 2000)..<(100_000 + step * 2000 + 2000)), Double(step))
                for r in appended { after[r["id"]!.intValue!] = r }
                args = ["append", "db.k"]
                input = appended.map { $0.serialized() }
            case 5:
                let keys = model.keys.filter { $0 % 11 == Int64(step % 11) }.sorted().prefix(300)
                for k in keys { after[k] = nil }
                let list = keys.map(String.init).joined(separator: ", ")
                args = ["delete", "db.k", "--filter", "id in (\(list))", "--mode", "copy-on-write"]
                input = []
            default:
                let low = Int64(step * 40)
                let high = low + 600
                for k in model.keys where k >= low && k < high { after[k] = nil }
                let replacing = rows(Array(Int(low)..<Int(low + 300)), Double(step) + 0.5)
                for r in replacing { after[r["id"]!.intValue!] = r }
                args = ["overwrite", "db.k", "--filter", "id >= \(low) and id < \(high)"]
                input = replacing.map { $0.serialized() }
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

    /// Schema and partition changes and snapshot expiry (which deletes files after its commit),
    /// each killed at delays from before its commit to after it: the table loads and reads the
    /// same rows, with the metadata of before or of after the command.
    func testMetadataChangesKilledAnywhereLeaveTheOldOrTheNewMetadata() async throws {
        let (dir, db, warehouse, uri, cli) = try keyedTable("db.m")
        for batch in 0..<6 {
            let input = (batch * 500..<(batch * 500 + 500)).map { JavaInteropTests.keyedRow($0, 1).serialized() }
            let r = try cli.run(["append", "db.m", "--catalog", uri], stdin: input.joined(separator: "\n") + "\n")
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        /// What a metadata change can be seen by: schema fields, spec fields, snapshots kept.
        func signature(_ t: Table) -> String {
            "\(t.metadata.currentSchema.fields.map(\.name)) \(t.metadata.defaultSpec.fields.map(\.name)) \(t.metadata.snapshots.count)"
        }
        /// Rows without the null values of columns added since.
        func rows(_ t: Table) async throws -> [String] {
            try await t.scan().rows().map { row -> String in
                guard case .object(let pairs) = row else { return row.serialized() }
                return JSONValue.object(pairs.filter { $0.1 != .null || ["id", "category", "score"].contains($0.0) })
                    .serialized()
            }.sorted()
        }
        let catalog = { try SQLiteCatalog.open(path: db, name: "kill", warehouse: warehouse) }
        let expected = try await rows(try await catalog().loadTable("db.m"))
        XCTAssertEqual(expected.count, 3000)
        var outcomes = (before: 0, after: 0)
        /// Command `k` of a step: each step adds another column and partitions by another bucket
        /// count, so that every change is new; expiry keeps all but the oldest snapshot.
        func command(_ k: Int, step: Int, snapshots: Int) -> [String] {
            switch k {
            case 0: return ["schema", "add-column", "db.m", "extra_\(step)", "long"]
            case 1: return ["partition", "add-field", "db.m", "bucket(\(4 + step),id)", "--name", "id_bucket"]
            default: return ["expire-snapshots", "db.m", "--retain-last", String(max(1, snapshots - 1))]
            }
        }
        let delaysMs = [0, 5, 10, 20, 40, 70, 110, 160, 3000]
        for (step, delay) in delaysMs.enumerated() {
            for k in 0..<3 {
                if k == 1, step > 0 {
                    try await run(
                        cli, ["partition", "remove-field", "db.m", "id_bucket"], input: [], killAfterMs: 3000, uri: uri,
                        dir: dir)
                }
                let reference = try await catalog().loadTable("db.m")
                let args = command(k, step: step, snapshots: reference.metadata.snapshots.count)
                try await run(cli, args, input: [], killAfterMs: delay, uri: uri, dir: dir)
                let after = try await catalog().loadTable("db.m")
                let read = try await rows(after)
                XCTAssertEqual(read, expected, "\(args) killed after \(delay) ms: the rows changed")
                if signature(after) == signature(reference) {
                    outcomes.before += 1
                } else {
                    outcomes.after += 1
                }
                if k == 2 {
                    // Expiry's deletions run after its commit: whatever it left, every snapshot kept reads.
                    for snapshot in after.metadata.snapshots {
                        _ = try await after.scan(snapshotId: snapshot.snapshotId).rows()
                    }
                }
            }
        }
        XCTAssertGreaterThan(outcomes.before, 0, "no command was killed before its commit")
        XCTAssertGreaterThan(outcomes.after, 0, "no command committed before it was killed")
        try await assertDuckDBReadsEverySnapshot(try await catalog().loadTable("db.m"))
    }

    /// A SQLite catalog in a new folder holding namespace `db` and the keyed table `name`
    /// (created with `options`), made by the CLI.
    /// Compaction (with partial progress, so a kill can land between its commits) and
    /// `maintain`, each killed at delays from before their first commit to after their last:
    /// the table always loads and reads every row as before, its data files are those of
    /// some committed state, and a final run compacts what is left; DuckDB reads every snapshot.
    func testCompactionKilledAnywhereKeepsEveryRow() async throws {
        let (dir, db, warehouse, uri, cli) = try keyedTable("db.c", "--partition", "bucket(4,id)")
        var next = 0
        func appendSmallFiles(_ count: Int) throws {
            for _ in 0..<count {
                let rows = (next..<next + 200).map { JavaInteropTests.keyedRow($0, 1) }
                next += 200
                let r = try cli.run(["append", "db.c", "--catalog", uri], stdin: JavaInteropTests.lines(rows))
                XCTAssertEqual(r.status, 0, r.stderr)
            }
            let ids = stride(from: next - 1000, to: next, by: 9).map(String.init).joined(separator: ", ")
            let deleted = try cli.run([
                "delete", "db.c", "--filter", "id in (\(ids))", "--mode", "merge-on-read", "--catalog", uri,
            ])
            XCTAssertEqual(deleted.status, 0, deleted.stderr)
        }
        func state() async throws -> (rows: [String], files: Set<String>) {
            let table = try await SQLiteCatalog.open(path: db, name: "kill", warehouse: warehouse).loadTable("db.c")
            let rows = try await table.scan().rows().map { $0.serialized() }.sorted()
            return (rows, Set(try await table.scan().planFiles().map(\.file.filePath)))
        }
        var outcomes = (untouched: 0, compacted: 0)
        for (step, delay) in [0, 10, 30, 60, 100, 150, 250, 400, 700, 1200, 3000].enumerated() {
            try appendSmallFiles(6)
            let before = try await state()
            let args =
                step % 3 == 2
                ? ["maintain", "db.c"] : ["rewrite-data-files", "db.c", "--partial-progress", "--max-commits", "4"]
            try await run(cli, args, input: [], killAfterMs: delay, uri: uri, dir: dir)
            let after = try await state()
            XCTAssertEqual(after.rows, before.rows, "step \(step) (\(args[0]) killed after \(delay) ms)")
            if after.files == before.files { outcomes.untouched += 1 } else { outcomes.compacted += 1 }
        }
        XCTAssertGreaterThan(outcomes.untouched, 0, "no compaction was killed before its commit")
        XCTAssertGreaterThan(outcomes.compacted, 0, "no compaction committed before it was killed")
        let rowsBefore = try await state().rows
        let final = try cli.run(["rewrite-data-files", "db.c", "--catalog", uri])
        XCTAssertEqual(final.status, 0, final.stderr)
        let end = try await state()
        XCTAssertEqual(end.rows, rowsBefore)
        XCTAssertEqual(end.files.count, 4, "one file per bucket")
        let table = try await SQLiteCatalog.open(path: db, name: "kill", warehouse: warehouse).loadTable("db.c")
        try await assertDuckDBReadsEverySnapshot(table)
    }

    private func keyedTable(_ name: String, _ options: String...) throws
        -> (dir: URL, db: String, warehouse: String, uri: String, cli: CLIRunner)
    {
        let dir = try makeTemporaryDirectory(self)
        let db = dir.appendingPathComponent("catalog.db").path
        let warehouse = dir.appendingPathComponent("warehouse").path
        let uri = "sqlite:\(db)?warehouse=\(warehouse)&name=kill"
        let cli = CLIRunner()
        let schemaPath = dir.appendingPathComponent("schema.json").path
        try JavaInteropTests.keyedSchema.write(toFile: schemaPath, atomically: true, encoding: .utf8)
        for args in [["namespace", "create", "db"], ["table", "create", name, "--schema", schemaPath] + options] {
            let r = try cli.run(args + ["--catalog", uri], stdin: nil)
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        return (dir, db, warehouse, uri, cli)
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
