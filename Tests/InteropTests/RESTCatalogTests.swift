import AWSTransport
import Foundation
import Iceberg
import IcebergREST
import JSONSupport
import TestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// `iceberg serve` on loopback (a SQLite catalog in a temporary directory), started and
/// stopped by one test; its JSON request log is readable while it runs.
final class ServeProcess: @unchecked Sendable {
    let process: Process
    let port: Int
    let directory: URL
    let logPath: String
    /// The announced URL (`https://…` with `--tls-cert`).
    let uri: String
    var sqliteCatalog: String { "sqlite:\(directory.path)/catalog.db?warehouse=\(directory.path)/warehouse" }

    /// Starts the server with `arguments`, and those `prepare` returns after it has set up the
    /// server's directory.
    init(_ test: XCTestCase, arguments: [String] = [], prepare: (URL) throws -> [String] = { _ in [] }) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let arguments = arguments + (try prepare(directory))
        logPath = directory.appendingPathComponent("requests.log").path
        FileManager.default.createFile(atPath: logPath, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: CLIRunner().executable)
        process.arguments =
            [
                "serve", "--catalog", "sqlite:\(directory.path)/catalog.db?warehouse=\(directory.path)/warehouse",
                "--port", "0",
            ] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle(forWritingAtPath: logPath)
        try process.run()
        let proc = process
        let dir = directory
        test.addTeardownBlock {
            LoopbackPeer.stop(proc)
            try? FileManager.default.removeItem(at: dir)
        }
        let announced = try Self.announcement(of: process, on: out)
        guard let p = announced["port"]?.intValue, let listening = announced["listening"]?.stringValue else {
            throw PythonPeer.PeerError(message: "no port announced")
        }
        port = Int(p)
        uri = listening
    }

    /// The first line a starting `iceberg serve` writes to standard output: `{"listening", "port"}`.
    static func announcement(of process: Process, on out: Pipe) throws -> JSONValue {
        var line = Data()
        let deadline = Date().addingTimeInterval(30)
        while !line.contains(UInt8(ascii: "\n")) {
            guard process.isRunning, Date() < deadline else {
                throw PythonPeer.PeerError(message: "iceberg serve did not start")
            }
            line += out.fileHandleForReading.availableData
        }
        var bytes = Array(line.prefix { $0 != UInt8(ascii: "\n") })
        return try JSONValue.parse(bytes: &bytes)
    }

    /// The request log lines so far.
    func requests() -> [JSONValue] {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            var b = Array(line.utf8)
            return try? JSONValue.parse(bytes: &b)
        }.filter { $0["message"]?.stringValue == "request" }
    }
}

final class RESTCatalogTests: XCTestCase {
    let cli = CLIRunner()

    static let schema = """
        {"type":"struct","schema-id":0,"fields":[
          {"id":1,"name":"id","required":false,"type":"long"},
          {"id":2,"name":"name","required":false,"type":"string"},
          {"id":3,"name":"ts","required":false,"type":"timestamptz"}]}
        """

    /// Rows as canonical text (keys sorted), sorted: equal sets of rows compare equal.
    static func canonical(_ rows: [JSONValue]) -> [String] {
        func sortKeys(_ v: JSONValue) -> JSONValue {
            if case .object(let pairs) = v {
                return .object(pairs.sorted { $0.0 < $1.0 }.map { ($0.0, sortKeys($0.1)) })
            }
            if case .array(let a) = v { return .array(a.map(sortKeys)) }
            return v
        }
        return rows.map { sortKeys($0).serialized() }.sorted()
    }

    static func lines(_ text: String) throws -> [JSONValue] {
        try text.split(separator: "\n").map { try JSONValue.parse(String($0)) }
    }

    func peer(_ args: [String]) throws -> JSONValue {
        var out = Array(try PythonPeer.run(script: "rest_peer.py", args))
        return try JSONValue.parse(bytes: &out)
    }

    func scan(_ table: String, catalog: String) throws -> [JSONValue] {
        let r = try cli.run(["scan", table, "--catalog", catalog])
        XCTAssertEqual(r.status, 0, r.stderr)
        return try Self.lines(r.stdout)
    }

    // MARK: PyIceberg

    /// PyIceberg's RestCatalog creates namespaces and a partitioned table, appends, evolves the
    /// schema and appends again through `iceberg serve`; this SDK reads the same rows through
    /// REST and through the SQLite catalog the server wraps. PyIceberg reads what this SDK wrote.
    func testPyIcebergRestCatalog() throws {
        let server = try ServeProcess(self)
        let py = try peer(["pyiceberg", server.uri])
        XCTAssertEqual(py["snapshots"]?.intValue, 4)
        XCTAssertEqual(py["columns"]?.arrayValue?.compactMap(\.stringValue), ["id", "ts", "category", "price", "qty"])
        XCTAssertEqual(py["namespaces"]?.arrayValue?.compactMap(\.stringValue), ["a.b"])
        let expected = Self.canonical(py["rows"]?.arrayValue ?? [])
        XCTAssertEqual(expected.count, 35)
        XCTAssertEqual(Self.canonical(try scan("a.b.events", catalog: "rest+\(server.uri)")), expected)
        XCTAssertEqual(Self.canonical(try scan("a.b.events", catalog: server.sqliteCatalog)), expected)
        let filtered = try cli.run([
            "scan", "a.b.events", "--catalog", "rest+\(server.uri)", "--filter", "qty is not null and category = 'a'",
        ])
        XCTAssertEqual(
            Self.canonical(try Self.lines(filtered.stdout)),
            expected.filter { $0.contains("\"category\":\"a\"") && !$0.contains("\"qty\":null") })

        // The other direction: this SDK's CLI writes through REST, PyIceberg reads.
        let rest = "rest+\(server.uri)"
        XCTAssertEqual(try cli.run(["namespace", "create", "sdk", "--catalog", rest]).status, 0)
        let schemaPath = server.directory.appendingPathComponent("schema.json").path
        try Self.schema.write(toFile: schemaPath, atomically: true, encoding: .utf8)
        let created = try cli.run([
            "table", "create", "sdk.items", "--schema", schemaPath, "--partition", "day(ts)", "--catalog", rest,
        ])
        XCTAssertEqual(created.status, 0, created.stderr)
        for batch in [0..<4, 4..<9] {
            let input = TableFixtures.rows(batch).map { $0.serialized() }.joined(separator: "\n")
            let r = try cli.run(["append", "sdk.items", "--catalog", rest], stdin: input)
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let ours = Self.canonical(try scan("sdk.items", catalog: rest))
        XCTAssertEqual(ours.count, 9)
        let theirs = try peer(["pyiceberg-read", server.uri, "sdk.items"])
        XCTAssertEqual(Self.canonical(theirs["rows"]?.arrayValue ?? []), ours)
        XCTAssertEqual(theirs["snapshots"]?.intValue, 2)
    }

    // MARK: DuckDB

    /// DuckDB's iceberg extension attached to `iceberg serve`: CREATE SCHEMA/TABLE, INSERT and a
    /// merge-on-read DELETE (a position delete file); this SDK reads DuckDB's rows, DuckDB reads
    /// this SDK's.
    func testDuckDBAttach() throws {
        let server = try ServeProcess(self)
        let rest = "rest+\(server.uri)"
        let duck = try peer(["duckdb-write", server.uri])
        let expected = Self.canonical(duck["rows"]?.arrayValue ?? [])
        XCTAssertEqual(expected.count, 4)
        XCTAssertFalse(expected.contains { $0.contains("\"id\":2,") })
        XCTAssertEqual(Self.canonical(try scan("duck.orders", catalog: rest)), expected)
        // DuckDB's DELETE wrote a position delete file, which this SDK applied on read.
        let snapshots = try Self.lines(try cli.run(["snapshots", "duck.orders", "--catalog", rest]).stdout)
        let deletes = snapshots.compactMap { $0["summary"]?["added-position-deletes"]?.stringValue }
        XCTAssertEqual(deletes, ["1"], "DuckDB's DELETE should be merge-on-read")

        XCTAssertEqual(try cli.run(["namespace", "create", "sdk", "--catalog", rest]).status, 0)
        let schemaPath = server.directory.appendingPathComponent("schema.json").path
        try Self.schema.write(toFile: schemaPath, atomically: true, encoding: .utf8)
        XCTAssertEqual(
            try cli.run(["table", "create", "sdk.items", "--schema", schemaPath, "--catalog", rest]).status, 0)
        for batch in [0..<3, 3..<7] {
            let r = try cli.run(
                ["append", "sdk.items", "--catalog", rest],
                stdin: TableFixtures.rows(batch).map { $0.serialized() }.joined(separator: "\n"))
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let ours = Self.canonical(try scan("sdk.items", catalog: rest))
        XCTAssertEqual(ours.count, 7)
        XCTAssertEqual(
            Self.canonical(try peer(["duckdb-read", server.uri, "sdk", "items"])["rows"]?.arrayValue ?? []), ours)
    }

    // MARK: Client against server

    /// Every endpoint through `RESTCatalog` against `iceberg serve` with a path prefix and
    /// pages of two.
    func testClientAgainstServer() async throws {
        let server = try ServeProcess(self, arguments: ["--prefix", "wh", "--max-page-size", "2"])
        let catalog = try await RESTCatalog.connect(RESTCatalogOptions(uri: server.uri), io: LocalFileIO())
        XCTAssertTrue(catalog.supportsIdempotency)
        XCTAssertTrue(catalog.supportsTransactions)
        let ns = Namespace(["sales"])
        let inner = Namespace(["sales", "eu west"])

        try await catalog.createNamespace(ns, properties: [("owner", "ops")])
        try await catalog.createNamespace(inner, properties: [])
        do {
            try await catalog.createNamespace(ns, properties: [])
            XCTFail("duplicate namespace")
        } catch CatalogError.namespaceAlreadyExists {}
        let top = try await catalog.listNamespaces(parent: nil)
        XCTAssertEqual(top, [ns])
        let children = try await catalog.listNamespaces(parent: ns)
        XCTAssertEqual(children, [inner])
        let exists = try await catalog.namespaceExists(inner)
        let missing = try await catalog.namespaceExists(Namespace(["nope"]))
        XCTAssertTrue(exists)
        XCTAssertFalse(missing)
        let change = try await catalog.updateNamespaceProperties(
            ns, removals: ["owner", "absent"], updates: [("team", "data")])
        XCTAssertEqual(change, NamespacePropertiesChange(updated: ["team"], removed: ["owner"], missing: ["absent"]))
        let props = try await catalog.namespaceProperties(ns)
        XCTAssertEqual(props.map { "\($0.0)=\($0.1)" }, ["team=data"])

        // Five tables listed through pages of two.
        let schema = try Schema(jsonText: Self.schema)
        for i in 0..<5 {
            _ = try await catalog.createTable(
                TableIdentifier(namespace: inner, name: "t\(i)"), TableCreation(schema: schema))
        }
        let tables = try await catalog.listTables(inner)
        XCTAssertEqual(tables.map(\.name), ["t0", "t1", "t2", "t3", "t4"])
        let listCalls = server.requests().filter {
            $0["method"]?.stringValue == "GET" && $0["path"]?.stringValue?.hasSuffix("/tables") == true
        }
        XCTAssertEqual(listCalls.count, 3, "five tables in pages of two")
        XCTAssertTrue(
            listCalls.allSatisfy { $0["path"]?.stringValue?.hasPrefix("/v1/wh/namespaces/sales%1Feu%20west/") == true })

        let t0 = TableIdentifier(namespace: inner, name: "t0")
        let existsT0 = try await catalog.tableExists(t0)
        let existsNone = try await catalog.tableExists(TableIdentifier(namespace: inner, name: "none"))
        XCTAssertTrue(existsT0)
        XCTAssertFalse(existsNone)
        do {
            _ = try await catalog.loadTable(TableIdentifier(namespace: inner, name: "none"))
            XCTFail("missing table")
        } catch CatalogError.noSuchTable {}
        do {
            _ = try await catalog.createTable(t0, TableCreation(schema: schema))
            XCTFail("duplicate table")
        } catch CatalogError.tableAlreadyExists {}
        do {
            try await catalog.dropNamespace(inner)
            XCTFail("non-empty namespace")
        } catch CatalogError.namespaceNotEmpty {}

        // Appends, then register the current metadata file under another name.
        let appended = try await TableFixtures.append(catalog, t0, TableFixtures.rows(0..<10))
        let copy = TableIdentifier(namespace: inner, name: "t0copy")
        let registered = try await catalog.registerTable(copy, metadataLocation: appended.metadataLocation)
        XCTAssertEqual(registered.metadata.currentSnapshotId, appended.metadata.currentSnapshotId)
        XCTAssertEqual(Self.canonical(try scan("sales.eu west.t0copy", catalog: "rest+\(server.uri)")).count, 10)

        // Staged create, committed with assert-create; a second assert-create conflicts.
        let stagedId = TableIdentifier(namespace: inner, name: "staged")
        let staged = try await catalog.stageCreateTable(
            stagedId, TableCreation(schema: schema, properties: [("k", "v")]))
        let stagedExists = try await catalog.tableExists(stagedId)
        XCTAssertFalse(stagedExists, "staging creates nothing")
        let created = try await catalog.commitTable(
            stagedId, requirements: [.assertCreate], updates: staged.creationUpdates)
        XCTAssertEqual(created.metadata.tableUUID, staged.metadata.tableUUID)
        XCTAssertEqual(created.metadata.property("k"), "v")
        do {
            _ = try await catalog.commitTable(stagedId, requirements: [.assertCreate], updates: staged.creationUpdates)
            XCTFail("second create")
        } catch CatalogError.commitConflict {}

        // A two-table transaction lands on both; one with a stale requirement changes neither.
        let t1 = TableIdentifier(namespace: inner, name: "t1")
        let t2 = TableIdentifier(namespace: inner, name: "t2")
        _ = try await catalog.commitTransaction([
            TableCommit(identifier: t1, requirements: [], updates: [.setProperties([("tx", "1")])]),
            TableCommit(identifier: t2, requirements: [], updates: [.setProperties([("tx", "1")])]),
        ])
        do {
            _ = try await catalog.commitTransaction([
                TableCommit(identifier: t1, requirements: [], updates: [.setProperties([("tx", "2")])]),
                TableCommit(
                    identifier: t2, requirements: [.assertTableUUID("00000000-0000-0000-0000-000000000000")],
                    updates: [.setProperties([("tx", "2")])]),
            ])
            XCTFail("stale transaction")
        } catch CatalogError.commitConflict {}
        for id in [t1, t2] {
            let p = try await catalog.loadTable(id).metadata.property("tx")
            XCTAssertEqual(p, "1")
        }

        // Rename, drop, purge.
        let renamed = TableIdentifier(namespace: ns, name: "moved")
        try await catalog.renameTable(t1, to: renamed)
        let oldGone = try await catalog.tableExists(t1)
        let newThere = try await catalog.tableExists(renamed)
        XCTAssertFalse(oldGone)
        XCTAssertTrue(newThere)
        try await catalog.dropTable(renamed, purge: false)
        // t0copy was registered from t0's metadata: purging t0 keeps every file t0copy reads;
        // purging t0copy then deletes them.
        let purged = try await catalog.loadTable(t0)
        try await catalog.dropTable(t0, purge: true)
        XCTAssertEqual(Self.canonical(try scan("sales.eu west.t0copy", catalog: "rest+\(server.uri)")).count, 10)
        try await catalog.dropTable(copy, purge: true)
        XCTAssertFalse(FileManager.default.fileExists(atPath: purged.metadataLocation), "purge deletes metadata")
        XCTAssertFalse(
            FileManager.default.fileExists(
                atPath: appended.metadataLocation.replacingOccurrences(of: "file://", with: "")))

        // Every mutation carried an Idempotency-Key; none failed on the server.
        XCTAssertFalse(server.requests().contains { ($0["status"]?.stringValue ?? "").hasPrefix("5") })
    }

    /// Two writers race: the one committing on a stale table gets 409, refreshes and lands.
    func testConflictRetry() async throws {
        let server = try ServeProcess(self)
        let a = try await RESTCatalog.connect(RESTCatalogOptions(uri: server.uri), io: LocalFileIO())
        let b = try await RESTCatalog.connect(RESTCatalogOptions(uri: server.uri), io: LocalFileIO())
        let id = TableIdentifier(namespace: Namespace(["race"]), name: "t")
        try await a.createNamespace(id.namespace, properties: [])
        _ = try await a.createTable(id, TableCreation(schema: try Schema(jsonText: Self.schema)))
        let stale = try await a.loadTable(id)
        try await TableFixtures.append(b, id, TableFixtures.rows(0..<5))
        let landed = try await TableFixtures.append(a, id, TableFixtures.rows(5..<8), startingFrom: stale)
        XCTAssertEqual(landed.metadata.snapshots.count, 2)
        let conflicts = server.requests().filter {
            $0["status"]?.stringValue == "409" && $0["error"]?.stringValue == "CommitFailedException"
        }
        XCTAssertEqual(conflicts.count, 1)
        XCTAssertEqual(Self.canonical(try scan("race.t", catalog: "rest+\(server.uri)")).count, 8)

        // A raw stale commit surfaces as a conflict.
        do {
            _ = try await b.commitTable(
                id, requirements: [.assertRefSnapshotId(ref: "main", snapshotId: stale.metadata.currentSnapshotId)],
                updates: [.setProperties([("x", "y")])])
            XCTFail("stale commit")
        } catch CatalogError.commitConflict(let message) {
            XCTAssertTrue(message.contains("main"), message)
        }
        // Concurrent CLI writers through REST: every append lands.
        let statuses = try cli.concurrentAppends(
            table: "race.t", catalog: "rest+\(server.uri)", writers: 3, commitsEach: 3
        ) { w, k in
            TableFixtures.rows((100 + w * 10 + k)..<(101 + w * 10 + k))[0].serialized()
        }
        XCTAssertEqual(statuses, [0, 0, 0])
        XCTAssertEqual(Self.canonical(try scan("race.t", catalog: "rest+\(server.uri)")).count, 17)
    }

    // MARK: Authentication

    func testBearerAuth() async throws {
        let server = try ServeProcess(self, arguments: ["--require-token", "s3cr3t-token"])
        for auth in [RESTAuth.none, .bearer("wrong-token")] {
            do {
                _ = try await RESTCatalog.connect(RESTCatalogOptions(uri: server.uri, auth: auth), io: LocalFileIO())
                XCTFail("refused expected")
            } catch let e as RESTCatalogError {
                XCTAssertEqual(e.status, 401)
                XCTAssertEqual(e.type, "NotAuthorizedException")
                XCTAssertFalse(e.description.contains("s3cr3t"))
            }
        }
        let catalog = try await RESTCatalog.connect(
            RESTCatalogOptions(uri: server.uri, auth: .bearer("s3cr3t-token")), io: LocalFileIO())
        try await catalog.createNamespace(Namespace(["ok"]), properties: [])
        let r = try cli.run(
            ["namespace", "list", "--catalog", "rest+\(server.uri)"],
            environment: ["ICEBERG_REST_TOKEN": "s3cr3t-token"])
        XCTAssertEqual(r.stdout, "{\"namespace\":\"ok\"}\n", r.stderr)
        let refused = try cli.run(["namespace", "list", "--catalog", "rest+\(server.uri)", "--token", "bad"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("401"), refused.stderr)
    }

    func testOAuth2ClientCredentialsWithRefresh() async throws {
        let server = try ServeProcess(
            self, arguments: ["--oauth-client", "svc:client-secret-123", "--token-lifetime", "2"])
        let catalog = try await RESTCatalog.connect(
            RESTCatalogOptions(uri: server.uri, auth: .oauth2(clientId: "svc", clientSecret: "client-secret-123")),
            io: LocalFileIO())
        try await catalog.createNamespace(Namespace(["first"]), properties: [])
        try await Task.sleep(nanoseconds: 2_500_000_000)
        try await catalog.createNamespace(Namespace(["second"]), properties: [])
        let names = try await catalog.listNamespaces(parent: nil)
        XCTAssertEqual(names, [Namespace(["first"]), Namespace(["second"])])
        let tokenRequests = server.requests().filter {
            $0["path"]?.stringValue == "/v1/oauth/tokens" && $0["status"]?.stringValue == "200"
        }
        XCTAssertGreaterThanOrEqual(tokenRequests.count, 2, "the expired token was refreshed")
        do {
            _ = try await RESTCatalog.connect(
                RESTCatalogOptions(uri: server.uri, auth: .oauth2(clientId: "svc", clientSecret: "not-the-secret")),
                io: LocalFileIO())
            XCTFail("wrong secret accepted")
        } catch let e as RESTCatalogError {
            XCTAssertEqual(e.status, 401)
            XCTAssertEqual(e.type, "invalid_client")
            XCTAssertFalse(e.description.contains("not-the-secret"))
        }
        let r = try cli.run([
            "namespace", "list", "--catalog", "rest+\(server.uri)", "--credential", "svc:client-secret-123",
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func testSigV4Auth() async throws {
        let server = try ServeProcess(
            self,
            arguments: [
                "--sigv4-key", "AKIDREST:rest-secret-key", "--sigv4-region", "eu-west-1", "--sigv4-service",
                "execute-api",
            ])
        func options(_ secret: String) -> RESTCatalogOptions {
            RESTCatalogOptions(
                uri: server.uri,
                auth: .signed(
                    SigV4RequestSigner(
                        signingName: "execute-api", region: "eu-west-1",
                        credentials: StaticCredentialsProvider(
                            AWSCredentials(accessKeyId: "AKIDREST", secretAccessKey: secret)))))
        }
        let catalog = try await RESTCatalog.connect(options("rest-secret-key"), io: LocalFileIO())
        let id = TableIdentifier(namespace: Namespace(["signed ns"]), name: "t")
        try await catalog.createNamespace(id.namespace, properties: [])
        _ = try await catalog.createTable(id, TableCreation(schema: try Schema(jsonText: Self.schema)))
        try await TableFixtures.append(catalog, id, TableFixtures.rows(0..<3))
        do {
            _ = try await RESTCatalog.connect(options("wrong-secret"), io: LocalFileIO())
            XCTFail("bad signature accepted")
        } catch let e as CatalogError {
            guard case .forbidden(let message) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(message.contains("signature does not match"), message)
            XCTAssertFalse(e.description.contains("wrong-secret"))
        }
    }

    // MARK: AWS REST request shapes

    /// The S3 Tables and Glue REST forms (URI, warehouse, prefix, signing name, double-encoded
    /// canonical URI) as sent by the CLI, each signature recomputed by botocore.
    func testAWSRESTRequestsMatchBotocore() throws {
        let arn = "arn:aws:s3tables:us-west-2:111122223333:bucket/my-bucket"
        let encodedARN = "arn%3Aaws%3As3tables%3Aus-west-2%3A111122223333%3Abucket%2Fmy-bucket"
        let cases:
            [(catalog: String, service: String, region: String, prefix: String, path: String, warehouse: String)] = [
                (
                    "s3tables-rest:\(arn)", "s3tables", "us-west-2", encodedARN, "/iceberg/v1/\(encodedARN)/namespaces",
                    "warehouse=\(encodedARN)"
                ),
                (
                    "glue-rest:111122223333", "glue", "eu-central-1", "-",
                    "/iceberg/v1/catalogs/111122223333/namespaces", "warehouse=111122223333"
                ),
            ]
        for c in cases {
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("sigv4-\(UUID().uuidString).log")
                .path
            let echo = try LoopbackPeer(
                self, command: "sigv4-echo",
                arguments: [
                    log, c.service, c.region, "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", c.prefix,
                ],
                script: "rest_peer.py")
            let env = [
                "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "AWS_REGION": c.region, "AWS_ENDPOINT_URL_S3TABLES": echo.endpoint,
                "AWS_ENDPOINT_URL_GLUE": echo.endpoint,
                "AWS_ENDPOINT_URL_S3": echo.endpoint, "AWS_CONFIG_FILE": "/nonexistent",
                "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
            ]
            let list = try cli.run(["namespace", "list", "--catalog", c.catalog], environment: env)
            XCTAssertEqual(list.status, 0, list.stderr)
            let create = try cli.run(["namespace", "create", "new ns", "--catalog", c.catalog], environment: env)
            XCTAssertEqual(create.status, 0, create.stderr)
            let entries = try Self.lines(try String(contentsOfFile: log, encoding: .utf8))
            XCTAssertEqual(entries.count, 4)
            XCTAssertTrue(
                entries.allSatisfy { $0["verified"]?.boolValue == true }, "botocore recomputed every signature")
            XCTAssertEqual(
                entries.map { $0["path"]?.stringValue ?? "" },
                ["/iceberg/v1/config", c.path, "/iceberg/v1/config", c.path])
            XCTAssertEqual(entries[0]["query"]?.stringValue, c.warehouse)
            XCTAssertEqual(entries.map { $0["method"]?.stringValue ?? "" }, ["GET", "GET", "GET", "POST"])
            // Non-S3 services sign the path encoded a second time.
            let canonical = entries[1]["canonical"]?.stringValue ?? ""
            XCTAssertTrue(canonical.contains(c.path.replacingOccurrences(of: "%", with: "%25")), canonical)
        }
    }
}
