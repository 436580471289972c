import Foundation
import JSONSupport
import TestSupport
import XCTest

/// Existing Parquet files written by pyarrow (without field ids) are added without rewriting;
/// PyIceberg reads them through the name mapping we set; a file spanning partitions is refused.
final class AddFilesTests: XCTestCase {
    func testAddExistingPyarrowFiles() throws {
        let cli = CLIRunner()
        let dir = try makeTemporaryDirectory(self)
        _ = try PythonPeer.run(script: "make_parquet.py", [dir.path])
        let catalog = "sqlite:\(dir.path)/catalog.db?warehouse=\(dir.path)/warehouse"
        let schema = dir.appendingPathComponent("schema.json").path
        try """
        {"type":"struct","fields":[{"id":1,"name":"id","required":true,"type":"string"},{"id":2,"name":"category","required":false,"type":"string"},
          {"id":3,"name":"price","required":false,"type":"decimal(10,2)"},{"id":4,"name":"sold_at","required":false,"type":"timestamptz"}]}
        """.write(toFile: schema, atomically: true, encoding: .utf8)
        XCTAssertEqual(try cli.run(["namespace", "create", "a", "--catalog", catalog]).status, 0)
        XCTAssertEqual(
            try cli.run([
                "table", "create", "a.t", "--schema", schema, "--partition", "month(sold_at)", "--catalog", catalog,
            ]).status, 0)
        let added = try cli.run([
            "append", "a.t", "--parquet", dir.appendingPathComponent("may.parquet").path, "--catalog", catalog,
        ])
        XCTAssertEqual(added.status, 0, added.stderr)
        let refused = try cli.run([
            "append", "a.t", "--parquet", dir.appendingPathComponent("span.parquet").path, "--catalog", catalog,
        ])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("span several partitions"), refused.stderr)

        let expected: [JSONValue] = [
            .object([
                ("id", .string("m1")), ("category", .string("x")), ("price", .string("1.50")),
                ("sold_at", .string("2024-05-01T00:00:00.000000+00:00")),
            ]),
            .object([
                ("id", .string("m2")), ("category", .null), ("price", .null),
                ("sold_at", .string("2024-05-02T00:00:00.000000+00:00")),
            ]),
            .object([
                ("id", .string("m3")), ("category", .string("z")), ("price", .string("99.99")),
                ("sold_at", .string("2024-05-03T00:00:00.000000+00:00")),
            ]),
        ]
        let ours = try cli.run(["scan", "a.t", "--catalog", catalog]).stdout.split(separator: "\n").map {
            try JSONValue.parse(String($0))
        }
        XCTAssertEqual(ours.sorted { $0.serialized() < $1.serialized() }, expected)
        var out = [UInt8](
            try PythonPeer.run(
                script: "iceberg_peer.py",
                ["pyiceberg", "\(dir.path)/catalog.db", "\(dir.path)/warehouse", "default", "a.t"]))
        let peer = try JSONValue.parse(bytes: &out)
        XCTAssertEqual((peer["rows"]?.arrayValue ?? []).sorted { $0.serialized() < $1.serialized() }, expected)
        XCTAssertEqual(peer["files"]?.arrayValue?.first?["partition"]?["sold_at_month"], .int(652))
        // Pruning works on the added file's footer metrics.
        let filtered = try cli.run(["scan", "a.t", "--filter", "price > 50", "--catalog", catalog]).stdout.split(
            separator: "\n")
        XCTAssertEqual(filtered.count, 1)

        // PyIceberg renames a column; its name mapping keeps the old name, through which both
        // readers still find the column in the files written without ids.
        _ = try PythonPeer.run(
            script: "iceberg_peer.py",
            ["rename", "\(dir.path)/catalog.db", "\(dir.path)/warehouse", "default", "a.t", "category", "kind"])
        let renamed = expected.map { row -> JSONValue in
            .object(["id", "category", "price", "sold_at"].map { ($0 == "category" ? "kind" : $0, row[$0] ?? .null) })
        }
        let after = try cli.run(["scan", "a.t", "--catalog", catalog]).stdout.split(separator: "\n").map {
            try JSONValue.parse(String($0))
        }
        XCTAssertEqual(after.sorted { $0.serialized() < $1.serialized() }, renamed)
        var again = [UInt8](
            try PythonPeer.run(
                script: "iceberg_peer.py",
                ["pyiceberg", "\(dir.path)/catalog.db", "\(dir.path)/warehouse", "default", "a.t"]))
        XCTAssertEqual(
            (try JSONValue.parse(bytes: &again)["rows"]?.arrayValue ?? []).sorted { $0.serialized() < $1.serialized() },
            renamed)
    }
}
