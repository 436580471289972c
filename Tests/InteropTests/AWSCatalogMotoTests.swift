import AWSTransport
import Foundation
import Iceberg
import IcebergAWS
import JSONSupport
import TestSupport
import XCTest

/// S3 Tables and Glue catalogs end to end on moto: create, append in several commits, scan,
/// time travel; PyIceberg reads what we wrote and we read what PyIceberg wrote; the CLI works
/// against both, including several processes appending at once.
final class AWSCatalogMotoTests: XCTestCase {
    static let schema = """
        {"type":"struct","schema-id":0,"fields":[
          {"id":1,"name":"id","required":true,"type":"long"},
          {"id":2,"name":"name","required":false,"type":"string"},
          {"id":3,"name":"ts","required":false,"type":"timestamptz"}]}
        """

    /// id → name of scanned rows.
    static func names(_ rows: [JSONValue]) -> [Int64: String] {
        var out: [Int64: String] = [:]
        for r in rows { if let id = r["id"]?.intValue { out[id] = r["name"]?.stringValue ?? "" } }
        return out
    }

    func testS3TablesCatalogEndToEnd() async throws {
        let moto = try Moto(self, authenticated: false)
        let settings = AWSSettings(environment: moto.environment)
        let control = AWSServiceClient(
            signingName: "s3tables", region: "us-east-1", endpoint: try AWSEndpoint(url: moto.endpoint),
            credentials: StaticCredentialsProvider(moto.credentials))
        let arn = try await S3TablesPointerStore.createTableBucket(name: "analytics", client: control)
        XCTAssertTrue(arn.hasPrefix("arn:aws:s3tables:us-east-1:"), arn)
        let buckets = try await S3TablesPointerStore.listTableBuckets(client: control)
        XCTAssertEqual(buckets, [arn])
        let catalog = try AWSCatalogs.s3Tables(tableBucketARN: arn, settings: settings)

        // S3 Tables naming rules give clear errors before any request.
        do {
            try await catalog.createNamespace(Namespace(["Sales-2026"]), properties: [])
            XCTFail("accepted an invalid namespace name")
        } catch let CatalogError.invalidArgument(message) {
            XCTAssertTrue(message.contains("a-z, 0-9 and _"), message)
        }

        let ns = Namespace(["sales"])
        try await catalog.createNamespace(ns, properties: [])
        let namespaces = try await catalog.listNamespaces(parent: nil)
        XCTAssertEqual(namespaces, [ns])
        let id = TableIdentifier(namespace: ns, name: "events")
        let schema = try Schema(jsonText: Self.schema)
        let created = try await catalog.createTable(
            id, TableCreation(schema: schema, spec: try SpecParsing.partitionSpec("day(ts)", schema: schema)))
        XCTAssertTrue(created.metadata.location.hasPrefix("s3://"), created.metadata.location)
        do {
            _ = try await catalog.createTable(id, TableCreation(schema: schema))
            XCTFail("created a table twice")
        } catch CatalogError.tableAlreadyExists {}

        var snapshots: [(Int64, Int)] = []
        for range in [0..<20, 20..<35, 35..<60] {
            let t = try await TableFixtures.append(catalog, id, TableFixtures.rows(range))
            snapshots.append((t.metadata.currentSnapshotId!, range.upperBound))
        }
        let table = try await catalog.loadTable(id)
        XCTAssertEqual(table.metadata.snapshots.count, 3)
        let all = try await TableScan(metadata: table.metadata, io: table.io).rows()
        XCTAssertEqual(Self.names(all), Self.names(TableFixtures.rows(0..<60)))
        let first = try await TableScan(metadata: table.metadata, io: table.io, snapshotId: snapshots[0].0).rows()
        XCTAssertEqual(Self.names(first), Self.names(TableFixtures.rows(0..<20)))
        let filtered = try await TableScan(metadata: table.metadata, io: table.io)
            .filtered(try FilterParser.parse("ts >= '2026-01-03T00:00:00+00:00'")).rows()
        XCTAssertEqual(
            Set(filtered.compactMap { $0["id"]?.intValue }), Set((0..<60).filter { $0 % 3 == 2 }.map(Int64.init)))

        // PyIceberg's StaticTable on the metadata location S3 Tables reports.
        var out = [UInt8](
            try PythonPeer.run(
                script: "aws_peer.py", ["read-static", moto.endpoint, "testing", "testing", table.metadataLocation]))
        let peer = try JSONValue.parse(bytes: &out)
        XCTAssertEqual(Self.names(peer["rows"]?.arrayValue ?? []), Self.names(TableFixtures.rows(0..<60)))
        for (snapshot, count) in snapshots {
            XCTAssertEqual(peer["snapshots"]?[String(snapshot)]?.arrayValue?.count, count, "snapshot \(snapshot)")
        }

        // Rename and drop.
        let renamed = TableIdentifier(namespace: ns, name: "events_v2")
        try await catalog.renameTable(id, to: renamed)
        let listed = try await catalog.listTables(ns)
        XCTAssertEqual(listed, [renamed])
        let again = try await TableScan(metadata: try await catalog.loadTable(renamed).metadata, io: catalog.io).rows()
        XCTAssertEqual(again.count, 60)
        try await catalog.dropTable(renamed, purge: true)
        let exists = try await catalog.tableExists(renamed)
        XCTAssertFalse(exists)
        try await catalog.dropNamespace(ns)
    }

    func testGlueCatalogEndToEndWithSignatureChecks() async throws {
        let moto = try Moto(self, authenticated: true)
        let settings = AWSSettings(environment: moto.environment)
        try await settings.s3FileIO().s3.createBucket("lake")
        let warehouse = "s3://lake/warehouse"
        let catalog = try AWSCatalogs.glue(warehouse: warehouse, settings: settings)

        let ns = Namespace(["analytics"])
        try await catalog.createNamespace(ns, properties: [("owner", "swift"), ("comment", "events from Swift")])
        let props = try await catalog.namespaceProperties(ns)
        XCTAssertTrue(props.contains { $0 == ("owner", "swift") })
        let id = TableIdentifier(namespace: ns, name: "events")
        let schema = try Schema(jsonText: Self.schema)
        let created = try await catalog.createTable(
            id, TableCreation(schema: schema, spec: try SpecParsing.partitionSpec("day(ts)", schema: schema)))
        XCTAssertEqual(created.metadata.location, "\(warehouse)/analytics.db/events")
        try await TableFixtures.append(catalog, id, TableFixtures.rows(0..<25))
        try await TableFixtures.append(catalog, id, TableFixtures.rows(25..<40))

        // PyIceberg's GlueCatalog sees the table as registered.
        var out = [UInt8](
            try PythonPeer.run(
                script: "aws_peer.py",
                [
                    "glue-read", moto.endpoint, moto.credentials.accessKeyId,
                    moto.credentials.secretAccessKey, warehouse, "analytics.events",
                ]))
        let peer = try JSONValue.parse(bytes: &out)
        XCTAssertEqual(Self.names(peer["rows"]?.arrayValue ?? []), Self.names(TableFixtures.rows(0..<40)))
        XCTAssertEqual(peer["snapshots"]?.intValue, 2)
        let current = try await catalog.loadTable(id)
        XCTAssertEqual(peer["metadata_location"]?.stringValue, current.metadataLocation)

        // What PyIceberg writes through Glue, we read.
        var written = [UInt8](
            try PythonPeer.run(
                script: "aws_peer.py",
                [
                    "glue-write", moto.endpoint, moto.credentials.accessKeyId,
                    moto.credentials.secretAccessKey, warehouse, "pydb", "events",
                ]))
        let theirs = try JSONValue.parse(bytes: &written)["rows"]?.arrayValue ?? []
        let pyTable = try await catalog.loadTable(TableIdentifier(namespace: Namespace(["pydb"]), name: "events"))
        XCTAssertEqual(pyTable.metadata.snapshots.count, 2)
        let ours = try await TableScan(metadata: pyTable.metadata, io: pyTable.io).rows()
        XCTAssertEqual(Self.names(ours), Self.names(theirs))
        XCTAssertEqual(
            Set(ours.compactMap { $0["ts"]?.stringValue.flatMap(TemporalValues.epochSeconds(iso8601:)) }),
            Set(theirs.compactMap { $0["ts"]?.stringValue.flatMap(TemporalValues.epochSeconds(iso8601:)) }))

        // We append to PyIceberg's table; PyIceberg reads both.
        try await TableFixtures.append(
            catalog, TableIdentifier(namespace: Namespace(["pydb"]), name: "events"),
            [
                .object([
                    ("id", .int(100)), ("name", .string("from-swift")), ("ts", .string("2026-01-02T00:00:00+00:00")),
                ])
            ])
        var both = [UInt8](
            try PythonPeer.run(
                script: "aws_peer.py",
                [
                    "glue-read", moto.endpoint, moto.credentials.accessKeyId,
                    moto.credentials.secretAccessKey, warehouse, "pydb.events",
                ]))
        XCTAssertEqual(try JSONValue.parse(bytes: &both)["rows"]?.arrayValue?.count, theirs.count + 1)

        // Rename (create + delete in Glue) keeps the table readable.
        let renamed = TableIdentifier(namespace: ns, name: "events_renamed")
        try await catalog.renameTable(id, to: renamed)
        let tables = try await catalog.listTables(ns)
        XCTAssertEqual(tables, [renamed])
        let afterRename = try await catalog.loadTable(renamed)
        XCTAssertEqual(afterRename.metadataLocation, current.metadataLocation)

        // A wrong secret: the service's error code, never the secret.
        var badEnv = moto.environment
        badEnv["AWS_SECRET_ACCESS_KEY"] = "wrong-secret-value"
        let bad = try AWSCatalogs.glue(
            warehouse: warehouse, settings: AWSSettings(environment: badEnv, retry: AWSRetryPolicy(maxAttempts: 1)))
        do {
            _ = try await bad.listNamespaces(parent: nil)
            XCTFail("a wrong secret was accepted")
        } catch let error as AWSError {
            XCTAssertNotNil(error.serviceError, "\(error)")
            XCTAssertEqual(error.serviceError?.status, 403, "\(error)")
            XCTAssertFalse("\(error)".contains("wrong-secret-value"))
        }
    }

    func testCLIConcurrentAppendsOnS3TablesAndGlue() async throws {
        let moto = try Moto(self, authenticated: false)
        let control = AWSServiceClient(
            signingName: "s3tables", region: "us-east-1", endpoint: try AWSEndpoint(url: moto.endpoint),
            credentials: StaticCredentialsProvider(moto.credentials))
        let arn = try await S3TablesPointerStore.createTableBucket(name: "clibucket", client: control)
        try await AWSSettings(environment: moto.environment).s3FileIO().s3.createBucket("glue-lake")
        let dir = try makeTemporaryDirectory(self)
        let schema = dir.appendingPathComponent("schema.json").path
        try Self.schema.write(toFile: schema, atomically: true, encoding: .utf8)
        let cli = CLIRunner()
        var env = ProcessInfo.processInfo.environment
        for (k, v) in moto.environment { env[k] = v }

        for catalog in ["s3tables:\(arn)", "glue?warehouse=s3://glue-lake/wh"] {
            let create = try cli.run(["namespace", "create", "ops", "--catalog", catalog], environment: env)
            XCTAssertEqual(create.status, 0, create.stderr)
            let table = try cli.run(
                ["table", "create", "ops.events", "--schema", schema, "--partition", "day(ts)", "--catalog", catalog],
                environment: env)
            XCTAssertEqual(table.status, 0, table.stderr)

            let writers = 3
            let commitsEach = 3
            let statuses = try cli.concurrentAppends(
                table: "ops.events", catalog: catalog, writers: writers, commitsEach: commitsEach,
                environment: env
            ) { w, k in
                "{\"id\":\(w * 100 + k),\"name\":\"w\(w)-\(k)\",\"ts\":\"2026-01-01T00:00:00+00:00\"}"
            }
            XCTAssertEqual(statuses, Array(repeating: 0, count: writers), catalog)
            let snapshots = try cli.run(["snapshots", "ops.events", "--catalog", catalog], environment: env)
            XCTAssertEqual(
                snapshots.stdout.split(separator: "\n").count, writers * commitsEach, "\(catalog): \(snapshots.stderr)")
            let scan = try cli.run(["scan", "ops.events", "--catalog", catalog], environment: env)
            let ids = Set(
                try scan.stdout.split(separator: "\n").compactMap { try JSONValue.parse(String($0))["id"]?.intValue })
            XCTAssertEqual(ids.count, writers * commitsEach, "\(catalog): \(scan.stderr)")
            let older = try cli.run(
                [
                    "scan", "ops.events", "--catalog", catalog, "--snapshot-id",
                    String(
                        try JSONValue.parse(String(snapshots.stdout.split(separator: "\n")[0]))["snapshot-id"]?.intValue
                            ?? 0),
                ],
                environment: env)
            XCTAssertEqual(
                older.stdout.split(separator: "\n").count, 1, "\(catalog): time travel to the first snapshot")
        }
    }
}
