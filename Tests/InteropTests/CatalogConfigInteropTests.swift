import AWSTransport
import Foundation
import IcebergAWS
import JSONSupport
import TestSupport
import XCTest

/// A team moving off PyIceberg keeps its configuration: PyIceberg's `load_catalog(NAME)`
/// and `iceberg --catalog NAME` open the same catalog from the same `.pyiceberg.yaml` or
/// `PYICEBERG_CATALOG__…` variables, and each reads what the other wrote.
final class CatalogConfigInteropTests: XCTestCase {
    /// PyIceberg writes through its config, our CLI reads and appends, PyIceberg reads back.
    private func roundTrip(home: String, environment: [String: String], catalog name: String) throws {
        let envJSON = JSONValue.object(environment.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
            .serialized()
        var written = [UInt8](
            try PythonPeer.run(script: "config_peer.py", [home, envJSON, name, "write", "shop.events"]))
        let theirs = try JSONValue.parse(bytes: &written)["rows"]?.arrayValue ?? []
        XCTAssertEqual(theirs.count, 3)

        var env = ProcessInfo.processInfo.environment
        env["PYICEBERG_HOME"] = home
        for (k, v) in environment { env[k] = v }
        let cli = CLIRunner()
        // The name in another case, and the shared option before the command, as PyIceberg's CLI takes it.
        let scan = try cli.run(["--catalog", name.uppercased(), "scan", "shop.events"], environment: env)
        XCTAssertEqual(scan.status, 0, scan.stderr)
        let ours = try scan.stdout.split(separator: "\n").map { try JSONValue.parse(String($0)) }
        func key(_ r: JSONValue) -> String { "\(r["id"]?.intValue ?? -1)|\(r["name"]?.stringValue ?? "")" }
        XCTAssertEqual(ours.map(key).sorted(), theirs.map(key).sorted(), name)

        let append = try cli.run(
            ["append", "shop.events", "--catalog", name],
            stdin: #"{"id": 9, "name": "swift", "ts": "2026-02-01T00:00:00+00:00"}"# + "\n", environment: env)
        XCTAssertEqual(append.status, 0, append.stderr)
        var read = [UInt8](try PythonPeer.run(script: "config_peer.py", [home, envJSON, name, "read", "shop.events"]))
        let after = try JSONValue.parse(bytes: &read)
        XCTAssertEqual(after["snapshots"]?.intValue, 2, name)
        XCTAssertEqual(
            (after["rows"]?.arrayValue ?? []).map(key).sorted(), (theirs.map(key) + ["9|swift"]).sorted(), name)
    }

    func testSQLCatalogFromPyIcebergYAML() throws {
        let dir = try makeTemporaryDirectory(self)
        try """
        catalog:
          prod:
            type: sql
            uri: sqlite:///\(dir.path)/prod/catalog.db
            warehouse: file://\(dir.path)/prod/warehouse
        """.write(toFile: dir.appendingPathComponent(".pyiceberg.yaml").path, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("prod/warehouse"), withIntermediateDirectories: true)
        try roundTrip(home: dir.path, environment: [:], catalog: "prod")
    }

    func testRESTCatalogFromYAMLAgainstServe() throws {
        let server = try ServeProcess(self)
        let dir = try makeTemporaryDirectory(self)
        try """
        default-catalog: lake
        catalog:
          lake:
            uri: \(server.uri)
            header.x-client: swift-iceberg-test
        """.write(toFile: dir.appendingPathComponent(".pyiceberg.yaml").path, atomically: true, encoding: .utf8)
        try roundTrip(home: dir.path, environment: [:], catalog: "lake")
        // default-catalog: no --catalog at all.
        var env = ProcessInfo.processInfo.environment
        env["PYICEBERG_HOME"] = dir.path
        env["ICEBERG_CATALOG"] = nil
        let snapshots = try CLIRunner().run(["snapshots", "shop.events"], environment: env)
        XCTAssertEqual(snapshots.stdout.split(separator: "\n").count, 2, snapshots.stderr)
    }

    func testGlueCatalogFromEnvironmentVariablesOnMoto() async throws {
        let moto = try Moto(self, authenticated: false)
        try await AWSSettings(environment: moto.environment).s3FileIO().s3.createBucket("config-lake")
        let prefix = "PYICEBERG_CATALOG__GLUECAT__"
        let environment = [
            prefix + "TYPE": "glue", prefix + "WAREHOUSE": "s3://config-lake/wh",
            prefix + "GLUE__ENDPOINT": moto.endpoint, prefix + "GLUE__REGION": "us-east-1",
            prefix + "GLUE__ACCESS_KEY_ID": moto.credentials.accessKeyId,
            prefix + "GLUE__SECRET_ACCESS_KEY": moto.credentials.secretAccessKey,
            prefix + "S3__ENDPOINT": moto.endpoint, prefix + "S3__REGION": "us-east-1",
            prefix + "S3__ACCESS_KEY_ID": moto.credentials.accessKeyId,
            prefix + "S3__SECRET_ACCESS_KEY": moto.credentials.secretAccessKey,
        ]
        let empty = try makeTemporaryDirectory(self)
        try roundTrip(home: empty.path, environment: environment, catalog: "gluecat")
    }
}
