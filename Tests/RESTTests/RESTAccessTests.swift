import AWSTransport
import HTTPSupport
import Iceberg
import IcebergREST
import IcebergRESTServer
import IcebergSQLite
import JSONSupport
import TestSupport
import XCTest

/// Principals and roles: who may do what, in which namespaces; credentials checked before a
/// body is read; idempotency keys kept per principal; 5xx answers that echo nothing internal.
final class RESTAccessTests: XCTestCase {
    static let access = """
        principals:
          - token: reader-token
            role: read
          - token: writer-token
            role: write
            name: loader
          - token: admin-token
            role: admin
          - token: sales-writer
            role: write
            namespaces: [sales, "ops.eu"]
          - oauth-client: dash:dash-secret
            role: read
          - sigv4-key: AKIDWRITER:writer-secret
            role: write
        """

    func service(_ catalog: (any Catalog)? = nil, perPrincipal: Int = 1000) throws -> RESTCatalogService {
        let dir = try makeTemporaryDirectory(self, prefix: "rest-access")
        let base =
            catalog
            ?? InMemoryCatalog(name: "mem", warehouse: dir.path, io: LocalFileIO(), store: InMemoryPointerStore())
        return RESTCatalogService(
            catalog: base,
            options: RESTServerOptions(
                auth: try RESTServerAuth(accessFile: Self.access, file: "access.yaml"),
                maxIdempotencyKeysPerPrincipal: perPrincipal))
    }

    func send(
        _ s: RESTCatalogService, _ token: String?, _ method: String, _ path: String, _ body: String? = nil,
        query: String = "", headers: [(String, String)] = []
    ) async -> (Int, JSONValue?) {
        let auth = token.map { [("Authorization", "Bearer \($0)")] } ?? []
        let r = await s.handle(
            RESTServerRequest(
                method: method, path: path, query: query, headers: auth + headers, body: Array((body ?? "").utf8)))
        var b = r.body
        return (r.status, b.isEmpty ? nil : try? JSONValue.parse(bytes: &b))
    }

    static let schema =
        #"{"type":"struct","schema-id":0,"fields":[{"id":1,"name":"id","required":false,"type":"long"}]}"#

    func expect(
        _ answer: (Int, JSONValue?), _ status: Int, _ note: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(answer.0, status, "\(note): \(answer.1?.serialized() ?? "")", file: file, line: line)
    }

    func testAccessFilesAreCheckedEntryByEntry() throws {
        let parsed = try RESTServerAuth(accessFile: Self.access, file: "a.yaml")
        XCTAssertEqual(
            parsed.principals.map(\.name),
            ["principal 1", "loader", "principal 3", "principal 4", "dash", "AKIDWRITER"])
        XCTAssertEqual(parsed.principals.map(\.role), [.read, .write, .admin, .write, .read, .write])
        XCTAssertEqual(parsed.principals[3].namespaces, [Namespace(["sales"]), Namespace(["ops", "eu"])])
        for (text, complaint) in [
            ("principals:\n  - token: t\n", "role"),
            ("principals:\n  - token: t\n    role: owner\n", "role"),
            ("principals:\n  - token: t\n    sigv4-key: a:b\n    role: read\n", "exactly one"),
            ("principals:\n  - token: t\n    role: read\n    roles: admin\n", "unknown key 'roles'"),
            ("principals:\n  - token: t\n    role: read\n  - token: t\n    role: admin\n", "repeats"),
            (
                "principals:\n  - token: a\n    role: read\n    name: x\n  - token: b\n    role: admin\n    name: x\n",
                "repeats the name"
            ),
            ("principals:\n  - oauth-client: nosecret\n    role: read\n", "ID:SECRET"),
            ("principals:\n  - token: t\n    role: read\n    namespaces: sales\n", "namespaces"),
            ("users: []\n", "principals"), ("principals: [\n", "not valid YAML"),
        ] {
            XCTAssertThrowsError(try RESTServerAuth(accessFile: text, file: "a.yaml"), complaint) { error in
                XCTAssertTrue("\(error)".contains(complaint), "\(error) mentions \(complaint)")
                XCTAssertTrue("\(error)".contains("a.yaml"), "\(error) names the file")
            }
        }
    }

    func testPrincipalsMayNotShareANameOrCredential() {
        XCTAssertNil(RESTServerAuth.bearer(["a", "b"]).repeated)
        let twice = RESTServerAuth(
            principals: RESTServerAuth.bearer(["a"]).principals + RESTServerAuth.bearer(["a"]).principals)
        XCTAssertEqual(twice.repeated, "the name 'token 1'")
        var keys = RESTServerAuth.sigv4(service: "s", region: "r", secrets: ["K": "1"]).principals
        keys.append(RESTPrincipal(name: "other", credential: .sigv4Key(id: "K", secret: "2"), role: .read))
        XCTAssertEqual(RESTServerAuth(principals: keys).repeated, "SigV4 key K")
    }

    func testRolesDecideWhatEachPrincipalMayDo() async throws {
        let s = try service()
        expect(await send(s, nil, "GET", "/v1/namespaces"), 401, "no credentials")
        expect(await send(s, "nope", "GET", "/v1/namespaces"), 401, "an unknown token")
        expect(await send(s, "reader-token", "POST", "/v1/namespaces", #"{"namespace": ["a"]}"#), 403, "reader creates")
        expect(await send(s, "writer-token", "POST", "/v1/namespaces", #"{"namespace": ["a"]}"#), 200, "writer creates")
        let create = #"{"name": "t", "schema": \#(Self.schema)}"#
        expect(await send(s, "reader-token", "POST", "/v1/namespaces/a/tables", create), 403, "reader creates a table")
        expect(await send(s, "writer-token", "POST", "/v1/namespaces/a/tables", create), 200, "writer creates a table")
        expect(await send(s, "reader-token", "GET", "/v1/namespaces/a/tables/t"), 200, "reader loads")
        let commit = #"{"requirements": [], "updates": [{"action": "set-properties", "updates": {"k": "v"}}]}"#
        let refused = await send(s, "reader-token", "POST", "/v1/namespaces/a/tables/t", commit)
        expect(refused, 403, "reader commits")
        XCTAssertEqual(refused.1?["error"]?["type"]?.stringValue, "ForbiddenException")
        XCTAssertEqual(
            refused.1?["error"]?["message"]?.stringValue, "forbidden: principal 1 (read) may not commit to a.t")
        expect(await send(s, "writer-token", "POST", "/v1/namespaces/a/tables/t", commit), 200, "writer commits")
        expect(await send(s, "reader-token", "DELETE", "/v1/namespaces/a/tables/t"), 403, "reader drops")
        let purge = "purgeRequested=true"
        expect(await send(s, "writer-token", "DELETE", "/v1/namespaces/a/tables/t", query: purge), 403, "writer purges")
        let loaded = await send(s, "writer-token", "GET", "/v1/namespaces/a/tables/t")
        let location = loaded.1?["metadata-location"]?.stringValue ?? ""
        let register = #"{"name": "copy", "metadata-location": "\#(location)"}"#
        expect(await send(s, "writer-token", "POST", "/v1/namespaces/a/register", register), 403, "writer registers")
        expect(await send(s, "admin-token", "POST", "/v1/namespaces/a/register", register), 200, "admin registers")
        expect(await send(s, "admin-token", "DELETE", "/v1/namespaces/a/tables/t", query: purge), 204, "admin purges")
        expect(await send(s, "writer-token", "DELETE", "/v1/namespaces/a/tables/copy"), 204, "writer drops")
        expect(await send(s, "reader-token", "DELETE", "/v1/namespaces/a"), 403, "reader drops a namespace")
        expect(await send(s, "writer-token", "DELETE", "/v1/namespaces/a"), 204, "writer drops a namespace")
    }

    func testNamespaceScopedRolesCoverTheirNamespacesAndWhatIsBelow() async throws {
        let s = try service()
        for ns in [#"["sales"]"#, #"["sales", "eu"]"#, #"["ops"]"#, #"["ops", "eu"]"#, #"["ops", "us"]"#, #"["hr"]"#] {
            expect(await send(s, "admin-token", "POST", "/v1/namespaces", #"{"namespace": \#(ns)}"#), 200, ns)
        }
        let create = #"{"name": "t", "schema": \#(Self.schema)}"#
        expect(await send(s, "sales-writer", "POST", "/v1/namespaces/sales/tables", create), 200, "in sales")
        expect(await send(s, "sales-writer", "POST", "/v1/namespaces/sales%1Feu/tables", create), 200, "below sales")
        expect(await send(s, "sales-writer", "POST", "/v1/namespaces/ops%1Feu/tables", create), 200, "in ops.eu")
        expect(await send(s, "sales-writer", "POST", "/v1/namespaces/ops%1Fus/tables", create), 403, "in ops.us")
        expect(await send(s, "sales-writer", "POST", "/v1/namespaces/hr/tables", create), 403, "in hr")
        expect(await send(s, "sales-writer", "GET", "/v1/namespaces/hr"), 403, "reading hr")
        expect(await send(s, "sales-writer", "POST", "/v1/namespaces", #"{"namespace": ["salesx"]}"#), 403, "a sibling")
        // Listings show what is covered and what leads to it.
        let top = await send(s, "sales-writer", "GET", "/v1/namespaces")
        XCTAssertEqual(top.1?["namespaces"]?.arrayValue?.map { $0.serialized() }, [#"["ops"]"#, #"["sales"]"#])
        let ops = await send(s, "sales-writer", "GET", "/v1/namespaces", query: "parent=ops")
        XCTAssertEqual(ops.1?["namespaces"]?.arrayValue?.map { $0.serialized() }, [#"["ops","eu"]"#])
        expect(await send(s, "sales-writer", "GET", "/v1/namespaces", query: "parent=hr"), 403, "listing in hr")
        let all = await send(s, "reader-token", "GET", "/v1/namespaces")
        XCTAssertEqual(all.1?["namespaces"]?.arrayValue?.count, 3)
        // A rename needs the role on both sides; a transaction on every table.
        let rename =
            #"{"source": {"namespace": ["sales"], "name": "t"}, "destination": {"namespace": ["hr"], "name": "t"}}"#
        expect(await send(s, "sales-writer", "POST", "/v1/tables/rename", rename), 403, "a rename out of reach")
        let change = #"{"action": "set-properties", "updates": {"k": "v"}}"#
        let tx =
            #"{"table-changes": [{"identifier": {"namespace": ["sales"], "name": "t"}, "requirements": [], "updates": [\#(change)]}, {"identifier": {"namespace": ["ops", "us"], "name": "t"}, "requirements": [], "updates": [\#(change)]}]}"#
        expect(await send(s, "sales-writer", "POST", "/v1/transactions/commit", tx), 403, "a transaction out of reach")
        let props = await send(s, "admin-token", "GET", "/v1/namespaces/sales/tables/t")
        XCTAssertNil(props.1?["metadata"]?["properties"]?["k"], "nothing of the refused transaction landed")
    }

    func testOAuthAndSigV4PrincipalsCarryTheirRoles() async throws {
        let s = try service()
        var answer = await s.handle(
            RESTServerRequest(
                method: "POST", path: "/v1/oauth/tokens",
                body: Array("grant_type=client_credentials&client_id=dash&client_secret=dash-secret".utf8)))
        var body = answer.body
        let token = try JSONValue.parse(bytes: &body)["access_token"]?.stringValue
        XCTAssertNotNil(token)
        expect(await send(s, token, "GET", "/v1/namespaces"), 200, "the client's token reads")
        expect(await send(s, token, "POST", "/v1/namespaces", #"{"namespace": ["x"]}"#), 403, "and cannot write")
        answer = await s.handle(
            RESTServerRequest(
                method: "POST", path: "/v1/oauth/tokens",
                body: Array("grant_type=client_credentials&client_id=dash&client_secret=wrong".utf8)))
        XCTAssertEqual(answer.status, 401)

        let signer = SigV4Signer(service: "execute-api", region: "us-east-1")
        func signed(_ method: String, _ path: String, _ body: String, key: String, secret: String) -> RESTServerRequest
        {
            var request = HTTPRequest(
                method: method, scheme: "http", host: "127.0.0.1", port: 8181, path: path,
                headers: [("content-type", "application/json")], body: Array(body.utf8))
            signer.sign(
                &request, credentials: AWSCredentials(accessKeyId: key, secretAccessKey: secret), date: AWSDate.now())
            return RESTServerRequest(
                method: method, path: path, headers: request.headers + [("host", "127.0.0.1:8181")],
                body: request.body)
        }
        answer = await s.handle(
            signed("POST", "/v1/namespaces", #"{"namespace": ["signed"]}"#, key: "AKIDWRITER", secret: "writer-secret"))
        XCTAssertEqual(answer.status, 200, String(decoding: answer.body, as: UTF8.self))
        XCTAssertEqual(answer.principal, "AKIDWRITER")
        answer = await s.handle(
            signed("POST", "/v1/namespaces", #"{"namespace": ["other"]}"#, key: "AKIDWRITER", secret: "guess"))
        XCTAssertEqual(answer.status, 403)
        XCTAssertFalse(String(decoding: answer.body, as: UTF8.self).contains("writer-secret"))
    }

    /// Credentials are refused from the head alone, and each route names its largest body.
    func testCredentialsAreCheckedBeforeTheBody() async throws {
        let s = try service()
        func admitted(_ method: String, _ path: String, _ headers: [(String, String)]) async -> Int? {
            if case .admitted(let cap) = await s.admit(method: method, path: path, query: "", headers: headers) {
                return cap
            }
            return nil
        }
        let reader = [("Authorization", "Bearer reader-token")]
        let nobody =
            "AWS4-HMAC-SHA256 Credential=AKIDNOBODY/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=00"
        let table = "/v1/namespaces/a/tables/t"
        var caps: [Int?] = []
        for headers in [[], [("Authorization", "Bearer wrong")], [("Authorization", nobody)], reader] {
            caps.append(await admitted("POST", table, headers))
        }
        XCTAssertEqual(caps, [nil, nil, nil, 16 << 20], "refused without the right credentials")
        caps = [
            await admitted("POST", "/v1/transactions/commit", reader), await admitted("POST", "/v1/namespaces", reader),
            await admitted("POST", "/v1/oauth/tokens", []), await admitted("POST", "/v1/tables/rename", reader),
        ]
        XCTAssertEqual(caps, [16 << 20, 1 << 20, 64 << 10, 1 << 20])
    }

    func testIdempotencyKeysBelongToTheirPrincipal() async throws {
        let s = try service(perPrincipal: 2)
        let key = [("Idempotency-Key", "017f22e2-79b0-7cc3-98c4-dc0c0c07398f")]
        expect(await send(s, "writer-token", "POST", "/v1/namespaces", #"{"namespace": ["n"]}"#, headers: key), 200, "")
        // The same key from another principal is another request (here: one that conflicts).
        expect(await send(s, "admin-token", "POST", "/v1/namespaces", #"{"namespace": ["n"]}"#, headers: key), 409, "")
        expect(await send(s, "writer-token", "POST", "/v1/namespaces", #"{"namespace": ["n"]}"#, headers: key), 200, "")
        // Two newer keys push the first out: its repeat is a new request again.
        for k in ["k2", "k3"] {
            let body = #"{"namespace": ["\#(k)"]}"#
            expect(
                await send(s, "writer-token", "POST", "/v1/namespaces", body, headers: [("Idempotency-Key", k)]), 200, k
            )
        }
        expect(await send(s, "writer-token", "POST", "/v1/namespaces", #"{"namespace": ["n"]}"#, headers: key), 409, "")
    }

    /// A server restarted on the same SQLite file answers a replayed request with its first
    /// answer, per principal, and keeps at most the newest keys of each.
    func testAnswersOutliveARestartInTheSQLiteFile() async throws {
        let dir = try makeTemporaryDirectory(self, prefix: "rest-answers")
        let db = dir.appendingPathComponent("catalog.db").path
        func start() throws -> RESTCatalogService {
            RESTCatalogService(
                catalog: try SQLiteCatalog.open(path: db, warehouse: dir.path + "/warehouse"),
                options: RESTServerOptions(
                    auth: try RESTServerAuth(accessFile: Self.access, file: "access.yaml"),
                    maxIdempotencyKeysPerPrincipal: 2, idempotencyRecords: try SQLiteIdempotencyRecords(path: db)))
        }
        let create = #"{"namespace": ["n"], "properties": {"owner": "first"}}"#
        let key = [("Idempotency-Key", "017f22e2-79b0-7cc3-98c4-dc0c0c07398f")]
        let first = await send(try start(), "writer-token", "POST", "/v1/namespaces", create, headers: key)
        expect(first, 200, "first")
        let restarted = try start()
        let replay = await send(restarted, "writer-token", "POST", "/v1/namespaces", create, headers: key)
        expect(replay, 200, "the replay after a restart")
        XCTAssertEqual(replay.1, first.1, "the first answer, word for word")
        expect(
            await send(restarted, "writer-token", "DELETE", "/v1/namespaces/n", headers: key), 422,
            "the key names another request")
        expect(
            await send(restarted, "admin-token", "POST", "/v1/namespaces", create, headers: key), 409,
            "another principal")
        for k in ["k2", "k3"] {
            let body = #"{"namespace": ["\#(k)"]}"#
            expect(
                await send(
                    restarted, "writer-token", "POST", "/v1/namespaces", body, headers: [("Idempotency-Key", k)]), 200,
                k)
        }
        expect(
            await send(try start(), "writer-token", "POST", "/v1/namespaces", create, headers: key), 409,
            "beyond two keys the oldest is forgotten")
    }

    /// A catalog failing with text that must stay inside the server.
    struct LeakyCatalog: Catalog {
        let base: InMemoryCatalog
        var name: String { base.name }
        var io: FileIO { base.io }
        struct Internal: Error, CustomStringConvertible {
            var description: String { "connect to db.internal:5432 as admin/hunter2 failed" }
        }
        func createNamespace(_ namespace: Namespace, properties: [(String, String)]) async throws { throw Internal() }
        func listNamespaces(parent: Namespace?) async throws -> [Namespace] {
            throw CatalogError.storage("/var/lib/secret.db: disk I/O error")
        }
        func namespaceProperties(_ namespace: Namespace) async throws -> [(String, String)] { [] }
        func dropNamespace(_ namespace: Namespace) async throws {}
        func listTables(_ namespace: Namespace) async throws -> [TableIdentifier] { [] }
        func tableExists(_ identifier: TableIdentifier) async throws -> Bool { false }
        func createTable(_ identifier: TableIdentifier, _ creation: TableCreation) async throws -> Table {
            throw Internal()
        }
        func loadTable(_ identifier: TableIdentifier) async throws -> Table { throw Internal() }
        func dropTable(_ identifier: TableIdentifier, purge: Bool) async throws {}
        func renameTable(_ from: TableIdentifier, to: TableIdentifier) async throws {}
        func commitTable(_ identifier: TableIdentifier, requirements: [TableRequirement], updates: [TableUpdate])
            async throws -> Table
        {
            throw CatalogError.commitStateUnknown("SQLite at /var/lib/secret.db: database is locked")
        }
    }

    func testServerFailuresNameAnIncidentAndNothingInternal() async throws {
        let dir = try makeTemporaryDirectory(self, prefix: "rest-leaky")
        let s = try service(
            LeakyCatalog(
                base: InMemoryCatalog(name: "m", warehouse: dir.path, io: LocalFileIO(), store: InMemoryPointerStore()))
        )
        for (method, path, body, status) in [
            ("POST", "/v1/namespaces", #"{"namespace": ["x"]}"#, 500), ("GET", "/v1/namespaces", "", 500),
            ("POST", "/v1/namespaces/x/tables/t", #"{"requirements": [], "updates": []}"#, 500),
        ] {
            let answer = await s.handle(
                RESTServerRequest(
                    method: method, path: path, headers: [("Authorization", "Bearer admin-token")],
                    body: Array(body.utf8)))
            let text = String(decoding: answer.body, as: UTF8.self)
            XCTAssertEqual(answer.status, status, text)
            for secret in ["hunter2", "db.internal", "secret.db", "locked"] {
                XCTAssertFalse(text.contains(secret), "\(path) answers \(text)")
            }
            XCTAssertTrue(text.contains("incident"), text)
            let incident = text.split(separator: " ").drop { $0 != "incident" }.dropFirst().first?.prefix(8) ?? ""
            XCTAssertTrue(
                answer.internalDetail?.contains("incident \(incident)") == true, "\(answer.internalDetail ?? "")")
        }
    }
}
