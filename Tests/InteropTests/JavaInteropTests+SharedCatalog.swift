import Foundation
import JSONSupport
import XCTest

@testable import Iceberg

extension JavaInteropTests {
    /// Runs the CLI on the shared catalog and returns its JSON output lines.
    func cli(_ shared: SharedCatalog, _ arguments: [String], stdin: String? = nil) throws -> [JSONValue] {
        let result = try CLIRunner().run(arguments + ["--catalog", shared.uri], stdin: stdin)
        XCTAssertEqual(result.status, 0, "iceberg \(arguments.joined(separator: " ")): \(result.stderr)")
        return try result.stdout.split(separator: "\n").map { try JSONValue.parse(String($0)) }
    }

    func writeSchema(_ json: String, in shared: SharedCatalog) throws -> String {
        let path = shared.dir.appendingPathComponent("schema-\(UUID().uuidString.prefix(6)).json").path
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Java's JDBC driver holds a read transaction open on the catalog file while the CLI
    /// commits: the commit goes through (the file is in WAL mode) and Java then sees it.
    func testAJavaReadTransactionDoesNotBlockOurCommits() throws {
        let shared = try sharedCatalog()
        let schema = try writeSchema(
            #"{"type":"struct","fields":[{"id":1,"name":"id","required":true,"type":"int"}]}"#, in: shared)
        _ = try cli(shared, ["namespace", "create", "db"])
        _ = try cli(shared, ["table", "create", "db.t", "--schema", schema])
        _ = try cli(shared, ["append", "db.t"], stdin: "{\"id\": 1}\n")
        XCTAssertEqual(try spark.sql("SELECT id FROM \(shared.spark("db.t"))"), [.object([("id", .int(1))])])
        let mode = try spark.python(
            """
            held = jvm.java.sql.DriverManager.getConnection("jdbc:sqlite:\(shared.db)")
            held.setAutoCommit(False)
            cursor = held.createStatement().executeQuery("SELECT metadata_location FROM iceberg_tables")
            cursor.next()
            result = held.createStatement().executeQuery("PRAGMA journal_mode").getString(1)
            """)
        XCTAssertEqual(mode, .string("wal"))
        defer { _ = try? spark.python("held.rollback(); held.close()") }
        _ = try cli(shared, ["append", "db.t"], stdin: "{\"id\": 2}\n")
        XCTAssertEqual(
            sortedRows(try spark.sql("SELECT id FROM \(shared.spark("db.t"))")),
            [.object([("id", .int(1))]), .object([("id", .int(2))])])
    }

    /// Commits by Java (Spark SQL) and by our CLI, interleaved on one catalog file, all land;
    /// after each, both sides read the same rows.
    func testInterleavedCommitsByJavaAndTheCLIAllLand() throws {
        let shared = try sharedCatalog()
        let schema = try writeSchema(
            """
            {"type":"struct","fields":[{"id":1,"name":"id","required":true,"type":"long"},
              {"id":2,"name":"category","required":false,"type":"string"},{"id":3,"name":"ts","required":false,"type":"timestamptz"}]}
            """, in: shared)
        _ = try cli(shared, ["namespace", "create", "db"])
        _ = try cli(shared, ["table", "create", "db.t", "--schema", schema, "--partition", "category,day(ts)"])
        let name = shared.spark("db.t")
        for round in 0..<3 {
            let base = round * 100
            try spark.sql(
                "INSERT INTO \(name) VALUES (\(base), 'java', TIMESTAMP '2026-03-0\(round + 1) 10:00:00'), (\(base + 1), NULL, NULL)"
            )
            _ = try cli(
                shared, ["append", "db.t"],
                stdin: (0..<5).map {
                    "{\"id\": \(base + 10 + $0), \"category\": \"swift\", \"ts\": \"2026-03-0\(round + 1)T1\($0):00:00+00:00\"}"
                }.joined(separator: "\n") + "\n")
            let ours = try cli(shared, ["scan", "db.t"])
            let java = try spark.sql("SELECT * FROM \(name)")
            XCTAssertEqual(ours.count, (round + 1) * 7)
            XCTAssertEqual(sortedRows(java), sortedRows(ours), "round \(round)")
        }
        let snapshots = try spark.sql("SELECT snapshot_id, parent_id FROM \(name).snapshots ORDER BY committed_at")
        XCTAssertEqual(snapshots.count, 6)
        for (previous, next) in zip(snapshots, snapshots.dropFirst()) {
            XCTAssertEqual(next["parent_id"], previous["snapshot_id"])
        }
        XCTAssertEqual(try cli(shared, ["snapshots", "db.t"]).count, 6)
    }
}
