import Foundation
import JSONSupport
import TestSupport
import XCTest

/// `iceberg serve --maintain`: the server runs every table's maintenance policy in the
/// background, beside clients writing through it.
final class ServeMaintainTests: XCTestCase {
    /// Six small appends through REST, then the server's own maintenance compacts them (a
    /// `replace` snapshot), logs what it did, and every row reads as before;
    /// PyIceberg reads the compacted table through the server too.
    func testTheServerCompactsTheTablesItServes() throws {
        let cli = CLIRunner()
        let server = try ServeProcess(self, arguments: ["--maintain", "1s"])
        let rest = "rest+\(server.uri)"
        XCTAssertEqual(try cli.run(["namespace", "create", "m", "--catalog", rest]).status, 0)
        let schemaPath = server.directory.appendingPathComponent("schema.json").path
        try RESTCatalogTests.schema.write(toFile: schemaPath, atomically: true, encoding: .utf8)
        let created = try cli.run(["table", "create", "m.items", "--schema", schemaPath, "--catalog", rest])
        XCTAssertEqual(created.status, 0, created.stderr)
        for batch in 0..<6 {
            let input = TableFixtures.rows(batch * 5..<batch * 5 + 5).map { $0.serialized() }.joined(separator: "\n")
            let r = try cli.run(["append", "m.items", "--catalog", rest], stdin: input)
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let before = RESTCatalogTests.canonical(
            try RESTCatalogTests.lines(try cli.run(["scan", "m.items", "--catalog", rest]).stdout))
        XCTAssertEqual(before.count, 30)
        let deadline = Date().addingTimeInterval(60)
        var operation = ""
        while operation != "replace" && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.5)
            let snapshots = try cli.run(["snapshots", "m.items", "--catalog", rest])
            operation = (try RESTCatalogTests.lines(snapshots.stdout).last?["operation"]?.stringValue) ?? ""
        }
        XCTAssertEqual(operation, "replace", "the server did not compact within a minute")
        let files = try cli.run(["files", "m.items", "--catalog", rest])
        // Appends that landed after a round stay for the next (fewer than 5 files are left alone).
        XCTAssertLessThan(try RESTCatalogTests.lines(files.stdout).count, 6, files.stdout)
        let rows = try cli.run(["scan", "m.items", "--catalog", rest])
        XCTAssertEqual(RESTCatalogTests.canonical(try RESTCatalogTests.lines(rows.stdout)), before)
        let log = (try? String(contentsOfFile: server.logPath, encoding: .utf8)) ?? ""
        XCTAssertTrue(log.contains("\"maintenance\"") && log.contains("m.items"), log.suffix(2000).description)
        var out = Array(try PythonPeer.run(script: "rest_peer.py", ["pyiceberg-read", server.uri, "m.items"]))
        let theirs = try JSONValue.parse(bytes: &out)
        XCTAssertEqual(RESTCatalogTests.canonical(theirs["rows"]?.arrayValue ?? []), before)
    }
}

/// The maintenance commands' output: the plan, the summary, progress on standard error.
final class MaintenanceCLITests: XCTestCase {
    /// `--plan-only` prints the plan and changes nothing; `--progress json` reports each group
    /// on standard error up to every file, the summary goes to standard output; `--quiet` and
    /// a pipe (no terminal) print no progress.
    func testPlanSummaryAndProgress() throws {
        let cli = CLIRunner()
        let dir = try makeTemporaryDirectory(self)
        let catalog = "sqlite:\(dir.path)/catalog.db?warehouse=\(dir.path)/warehouse"
        XCTAssertEqual(try cli.run(["namespace", "create", "m", "--catalog", catalog]).status, 0)
        let schemaPath = dir.appendingPathComponent("schema.json").path
        try RESTCatalogTests.schema.write(toFile: schemaPath, atomically: true, encoding: .utf8)
        let created = try cli.run(["table", "create", "m.t", "--schema", schemaPath, "--catalog", catalog])
        XCTAssertEqual(created.status, 0, created.stderr)
        for batch in 0..<6 {
            let input = TableFixtures.rows(batch * 5..<batch * 5 + 5).map { $0.serialized() }.joined(separator: "\n")
            XCTAssertEqual(try cli.run(["append", "m.t", "--catalog", catalog], stdin: input).status, 0)
        }
        let planned = try cli.run(["rewrite-data-files", "m.t", "--plan-only", "--catalog", catalog])
        XCTAssertEqual(planned.status, 0, planned.stderr)
        let plan = try JSONValue.parse(planned.stdout)
        XCTAssertEqual(plan["groups"]?.arrayValue?.count, 1)
        XCTAssertEqual(plan["groups"]?.arrayValue?.first?["files"]?.arrayValue?.count, 6)
        let snapshots = try RESTCatalogTests.lines(try cli.run(["snapshots", "m.t", "--catalog", catalog]).stdout)
        XCTAssertEqual(snapshots.count, 6, "a plan changes nothing")

        let run = try cli.run(["rewrite-data-files", "m.t", "--progress", "json", "--catalog", catalog])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try JSONValue.parse(run.stdout)["rewritten-data-files"]?.intValue, 6)
        let reports = try RESTCatalogTests.lines(run.stderr)
        XCTAssertEqual(reports.first?["files-done"]?.intValue, 0)
        XCTAssertEqual(reports.last?["files-done"]?.intValue, 6)
        XCTAssertEqual(reports.last?["files-total"]?.intValue, 6)
        XCTAssertEqual(reports.last?["bytes-done"], reports.last?["bytes-total"])

        // The policy through `iceberg maintenance` (table properties outside S3 Tables).
        let set = try cli.run([
            "maintenance", "set", "m.t", "--compaction", "disabled", "--max-snapshot-age-hours", "24", "--catalog",
            catalog,
        ])
        XCTAssertEqual(set.status, 0, set.stderr)
        let got = try JSONValue.parse(try cli.run(["maintenance", "get", "m.t", "--catalog", catalog]).stdout)
        XCTAssertEqual(got["compaction"]?["status"]?.stringValue, "disabled")
        XCTAssertEqual(got["compaction"]?["target-file-size-mb"]?.intValue, 512)
        XCTAssertEqual(got["snapshot-management"]?["max-snapshot-age-hours"]?.intValue, 24)
        let status = try cli.run(["maintenance", "status", "m.t", "--catalog", catalog])
        XCTAssertNotEqual(status.status, 0)
        XCTAssertTrue(status.stderr.contains("iceberg maintain"), status.stderr)

        let quiet = try cli.run(["maintain", "m.t", "--quiet", "--catalog", catalog])
        XCTAssertEqual(quiet.status, 0, quiet.stderr)
        XCTAssertEqual(quiet.stderr, "")
        let piped = try cli.run(["rewrite-data-files", "m.t", "--rewrite-all", "--catalog", catalog])
        XCTAssertEqual(piped.status, 0, piped.stderr)
        XCTAssertEqual(piped.stderr, "", "no terminal, no bar")
    }
}
