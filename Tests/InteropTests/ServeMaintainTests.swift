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
