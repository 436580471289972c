import AWSTransport
import Foundation
import IcebergAWS
import JSONSupport
import TestSupport
import XCTest

/// Eight `iceberg append` processes appending fifteen times each, at once, with the table's
/// default properties, through every catalog: SQLite, `iceberg serve`, S3 Tables and Glue
/// (moto). Appends only race other appends, so every one lands exactly once.
final class ConcurrentAppendTests: XCTestCase {
    static let writers = 8, commitsEach = 15
    static let schema =
        #"{"type":"struct","fields":[{"id":1,"name":"id","required":true,"type":"string"},{"id":2,"name":"n","required":false,"type":"int"}]}"#

    func testEightWritersOnSQLiteAndServe() throws {
        let dir = try makeTemporaryDirectory(self)
        try assertEveryAppendLands(
            catalog: "sqlite:\(dir.path)/catalog.db?warehouse=\(dir.path)/warehouse", environment: nil)
        let server = try ServeProcess(self)
        try assertEveryAppendLands(catalog: "rest+\(server.uri)", environment: nil)
    }

    func testEightWritersOnS3TablesAndGlue() async throws {
        let moto = try Moto(self, authenticated: false)
        let control = AWSServiceClient(
            signingName: "s3tables", region: "us-east-1", endpoint: try AWSEndpoint(url: moto.endpoint),
            credentials: StaticCredentialsProvider(moto.credentials))
        let arn = try await S3TablesPointerStore.createTableBucket(name: "racebucket", client: control)
        try await AWSSettings(environment: moto.environment).s3FileIO().s3.createBucket("race-lake")
        var env = ProcessInfo.processInfo.environment
        for (k, v) in moto.environment { env[k] = v }
        try assertEveryAppendLands(catalog: "s3tables:\(arn)", environment: env)
        try assertEveryAppendLands(catalog: "glue?warehouse=s3://race-lake/wh", environment: env)
    }

    private func assertEveryAppendLands(catalog: String, environment: [String: String]?) throws {
        let cli = CLIRunner()
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: cli.executable))
        let dir = try makeTemporaryDirectory(self)
        let schema = dir.appendingPathComponent("schema.json").path
        try Self.schema.write(toFile: schema, atomically: true, encoding: .utf8)
        let ns = try cli.run(["namespace", "create", "c", "--catalog", catalog], environment: environment)
        XCTAssertEqual(ns.status, 0, ns.stderr)
        let created = try cli.run(
            ["table", "create", "c.t", "--schema", schema, "--partition", "bucket(4,id)", "--catalog", catalog],
            environment: environment)
        XCTAssertEqual(created.status, 0, created.stderr)
        let started = Date()
        let statuses = try cli.concurrentAppends(
            table: "c.t", catalog: catalog, writers: Self.writers, commitsEach: Self.commitsEach,
            environment: environment
        ) { w, k in
            "{\"id\":\"w\(w)-\(k)\",\"n\":\(k)}"
        }
        print(
            "\(catalog): \(Self.writers) x \(Self.commitsEach) appends in \(Int(Date().timeIntervalSince(started) * 1000)) ms"
        )
        XCTAssertEqual(statuses, Array(repeating: 0, count: Self.writers), catalog)
        let snapshots = try cli.run(["snapshots", "c.t", "--catalog", catalog], environment: environment)
        XCTAssertEqual(
            snapshots.stdout.split(separator: "\n").count, Self.writers * Self.commitsEach,
            "\(catalog): \(snapshots.stderr)")
        let scan = try cli.run(["scan", "c.t", "--catalog", catalog], environment: environment)
        let ids = try scan.stdout.split(separator: "\n").compactMap {
            try JSONValue.parse(String($0))["id"]?.stringValue
        }
        XCTAssertEqual(ids.count, Self.writers * Self.commitsEach, "\(catalog): every append exactly once")
        let expected = (0..<Self.writers).flatMap { w in (0..<Self.commitsEach).map { "w\(w)-\($0)" } }
        XCTAssertEqual(ids.sorted(), expected.sorted(), catalog)
    }
}
