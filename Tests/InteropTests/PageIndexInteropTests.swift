import Foundation
import JSONSupport
import TestSupport
import XCTest

/// Page-level pruning on files other writers produce: pyarrow's page index prunes pages for
/// `=`, `<`, `>`, `in`, `is null` and `starts with`; DuckDB's files (no page index) fall back to
/// whole row groups. Rows equal DuckDB's own filtered read of the same file, value by value.
final class PageIndexInteropTests: XCTestCase {
    /// Our filter and the same filter in DuckDB's SQL, and whether the page index must prune
    /// pages for it (in a file with a page index).
    static let filters: [(ours: String, sql: String, prunes: Bool)] = [
        ("id = 12345", "id = 12345", true), ("id < 150", "id < 150", true), ("id > 19950", "id > 19950", true),
        ("id in (3, 10007, 19999)", "id IN (3, 10007, 19999)", true),
        ("note like 'n-0123%'", "starts_with(note, 'n-0123')", true),
        ("qty = 7 and id >= 5000 and id < 5400", "qty = 7 AND id >= 5000 AND id < 5400", true),
        ("note is null and id < 1000", "note IS NULL AND id < 1000", true),
        ("qty is null", "qty IS NULL", false), ("price > 4000.5 or id = 7", "price > 4000.5 OR id = 7", true),
    ]

    static let schema = """
        {"type":"struct","fields":[{"id":1,"name":"id","required":false,"type":"long"},
          {"id":2,"name":"note","required":false,"type":"string"},{"id":3,"name":"qty","required":false,"type":"int"},
          {"id":4,"name":"price","required":false,"type":"double"}]}
        """

    /// Adds `file` to a new table and checks every filter against DuckDB; returns the pages
    /// the page index pruned per filter.
    static func check(_ test: XCTestCase, file: String, expectPageIndex: Bool) throws {
        let cli = CLIRunner()
        let dir = try makeTemporaryDirectory(test)
        let catalog = "sqlite:\(dir.path)/catalog.db?warehouse=\(dir.path)/warehouse"
        let schema = dir.appendingPathComponent("schema.json").path
        try Self.schema.write(toFile: schema, atomically: true, encoding: .utf8)
        XCTAssertEqual(try cli.run(["namespace", "create", "a", "--catalog", catalog]).status, 0)
        XCTAssertEqual(try cli.run(["table", "create", "a.t", "--schema", schema, "--catalog", catalog]).status, 0)
        let added = try cli.run(["append", "a.t", "--parquet", file, "--catalog", catalog])
        XCTAssertEqual(added.status, 0, added.stderr)
        for f in filters {
            let scan = try cli.run(["scan", "a.t", "--filter", f.ours, "--catalog", catalog])
            XCTAssertEqual(scan.status, 0, scan.stderr)
            let ours = try scan.stdout.split(separator: "\n").map { try JSONValue.parse(String($0)) }
                .sorted { ($0["id"]?.intValue ?? 0) < ($1["id"]?.intValue ?? 0) }
            var out = [UInt8](try PythonPeer.run(script: "page_index_peer.py", ["select", file, f.sql]))
            let theirs = try XCTUnwrap(try JSONValue.parse(bytes: &out)["rows"]?.arrayValue)
            XCTAssertGreaterThan(theirs.count, 0, f.ours)
            XCTAssertEqual(ours.count, theirs.count, f.ours)
            for (a, b) in zip(ours, theirs) {
                for column in ["id", "note", "qty"] { XCTAssertEqual(a[column], b[column], "\(f.ours): \(column)") }
                XCTAssertEqual(a["price"]?.doubleValue, b["price"]?.doubleValue, "\(f.ours): price")
            }
            let explain = try cli.run(["scan", "a.t", "--filter", f.ours, "--explain", "--catalog", catalog])
            XCTAssertEqual(explain.status, 0, explain.stderr)
            let (pruned, indexed) = try pages(explain.stdout)
            XCTAssertTrue(
                explain.stdout.contains("rows: ") && explain.stdout.contains("\(theirs.count) returned"), explain.stdout
            )
            if expectPageIndex {
                XCTAssertGreaterThan(indexed, 0, "\(f.ours): \(explain.stdout)")
                if f.prunes { XCTAssertGreaterThan(pruned, 0, "\(f.ours): \(explain.stdout)") }
            } else {
                XCTAssertEqual(indexed, 0, "\(f.ours): no page index, nothing pruned by it: \(explain.stdout)")
            }
        }
    }

    /// "pages: P of N filter-column pages pruned by the page index; …" → (P, N).
    static func pages(_ explain: String) throws -> (Int, Int) {
        let line = try XCTUnwrap(explain.split(separator: "\n").first { $0.hasPrefix("pages: ") }, explain)
        let words = line.split(separator: " ")
        return (try XCTUnwrap(Int(words[1])), try XCTUnwrap(Int(words[3])))
    }

    func testPyarrowPageIndexPrunesPages() throws {
        let file = try makeTemporaryDirectory(self).appendingPathComponent("pyarrow.parquet").path
        _ = try PythonPeer.run(script: "page_index_peer.py", ["write", "pyarrow", file])
        try Self.check(self, file: file, expectPageIndex: true)
    }

    func testDuckDBFilesWithoutPageIndexFallBack() throws {
        let file = try makeTemporaryDirectory(self).appendingPathComponent("duckdb.parquet").path
        _ = try PythonPeer.run(script: "page_index_peer.py", ["write", "duckdb", file])
        try Self.check(self, file: file, expectPageIndex: false)
    }
}
