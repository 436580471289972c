import Foundation
import JSONSupport
import XCTest

/// Several `iceberg append` processes on one SQLite catalog at once: every commit lands.
final class ConcurrentAppendTests: XCTestCase {
    func testConcurrentProcessesLoseNoCommit() throws {
        let cli = CLIRunner()
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: cli.executable))
        let dir = try makeTemporaryDirectory(self)
        let catalog = "sqlite:\(dir.path)/catalog.db?warehouse=\(dir.path)/warehouse"
        let schema = dir.appendingPathComponent("schema.json").path
        try #"{"type":"struct","fields":[{"id":1,"name":"id","required":true,"type":"string"},{"id":2,"name":"n","required":false,"type":"int"}]}"#
            .write(toFile: schema, atomically: true, encoding: .utf8)
        XCTAssertEqual(try cli.run(["namespace", "create", "c", "--catalog", catalog]).status, 0)
        XCTAssertEqual(try cli.run(["table", "create", "c.t", "--schema", schema, "--partition", "bucket(4,id)", "--catalog", catalog]).status, 0)
        let writers = 4, commitsEach = 3
        let statuses = try cli.concurrentAppends(table: "c.t", catalog: catalog, writers: writers, commitsEach: commitsEach) { w, k in
            "{\"id\":\"w\(w)-\(k)\",\"n\":\(k)}"
        }
        XCTAssertEqual(statuses, Array(repeating: 0, count: writers))
        let snapshots = try cli.run(["snapshots", "c.t", "--catalog", catalog]).stdout.split(separator: "\n")
        XCTAssertEqual(snapshots.count, writers * commitsEach)
        let rows = try cli.run(["scan", "c.t", "--catalog", catalog]).stdout.split(separator: "\n").map { try JSONValue.parse(String($0)) }
        XCTAssertEqual(Set(rows.compactMap { $0["id"]?.stringValue }).count, writers * commitsEach)
    }
}
