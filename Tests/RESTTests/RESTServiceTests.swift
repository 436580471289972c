import Iceberg
import IcebergREST
import IcebergRESTServer
import JSONSupport
import TestSupport
import XCTest

/// The REST service in process over an in-memory catalog: status codes, error bodies and
/// idempotency replay for requests no well-behaved client sends.
final class RESTServiceTests: XCTestCase {
    func service() throws -> RESTCatalogService {
        let dir = try makeTemporaryDirectory(self, prefix: "rest")
        return RESTCatalogService(
            catalog: InMemoryCatalog(name: "mem", warehouse: dir.path, io: LocalFileIO(), store: InMemoryPointerStore())
        )
    }

    func send(
        _ s: RESTCatalogService, _ method: String, _ path: String, query: String = "", body: String? = nil,
        headers: [(String, String)] = []
    ) async -> (Int, JSONValue?) {
        let r = await s.handle(
            RESTServerRequest(
                method: method, path: path, query: query, headers: headers, body: Array((body ?? "").utf8)))
        var b = r.body
        return (r.status, b.isEmpty ? nil : try? JSONValue.parse(bytes: &b))
    }

    static let schema =
        #"{"type":"struct","schema-id":0,"fields":[{"id":1,"name":"id","required":false,"type":"long"}]}"#

    func testNamespacePathsRoundTrip() throws {
        for levels in [["a"], ["a", "b c"], ["ünï", "x/y", "50%"]] {
            let encoded = RESTWire.namespacePath(Namespace(levels))
            XCTAssertFalse(encoded.contains("/"))
            XCTAssertEqual(try RESTWire.parseNamespace(encoded: encoded[...]).levels, levels)
        }
        XCTAssertEqual(RESTWire.namespacePath(Namespace(["a", "b"])), "a%1Fb")
        XCTAssertThrowsError(try RESTWire.parseNamespace(encoded: "a%1F"))
        XCTAssertThrowsError(try RESTWire.parseNamespace(encoded: "bad%zz"))
    }

    /// Updates that used to crash the server or leave a table that never loads again: each is
    /// refused with 400 naming its action, nothing is written, and the table still loads. Ids
    /// beyond `int` do not parse; the id a client sends with a schema, spec or sort order is not
    /// kept (as in Java's builder): a schema sent as id 7 becomes schema 1.
    func testUpdatesThatWouldBrickATableAreRefusedNamingTheUpdate() async throws {
        let s = try service()
        _ = await send(s, "POST", "/v1/namespaces", body: #"{"namespace": ["ns"]}"#)
        var (status, json) = await send(
            s, "POST", "/v1/namespaces/ns/tables", body: #"{"name": "t", "schema": \#(Self.schema)}"#)
        XCTAssertEqual(status, 200)
        let location = json?["metadata-location"]?.stringValue
        let schema = { (id: Int, field: Int) in
            #"{"type":"struct","schema-id":\#(id),"fields":[{"id":1,"name":"id","required":false,"type":"long"},{"id":\#(field),"name":"x","required":false,"type":"int"}]}"#
        }
        for (update, action) in [
            (#"{"action": "add-schema", "schema": \#(schema(1, Int(Int32.max) + 1))}"#, "add-schema"),
            (
                #"{"action": "add-spec", "spec": {"fields": [{"source-id": 77, "field-id": 1000, "name": "b", "transform": "bucket[4]"}]}}"#,
                "add-spec"
            ),
            (
                #"{"action": "add-sort-order", "sort-order": {"order-id": 1, "fields": [{"source-id": 77, "transform": "identity", "direction": "asc", "null-order": "nulls-first"}]}}"#,
                "add-sort-order"
            ),
            (#"{"action": "set-default-sort-order", "sort-order-id": 999}"#, "set-default-sort-order"),
            (#"{"action": "set-current-schema", "schema-id": -1}"#, "set-current-schema"),
        ] {
            (status, json) = await send(
                s, "POST", "/v1/namespaces/ns/tables/t", body: #"{"requirements": [], "updates": [\#(update)]}"#)
            XCTAssertEqual(status, 400, update)
            let message = json?["error"]?["message"]?.stringValue ?? ""
            XCTAssertTrue(message.contains(action), "\(update): \(message)")
        }
        // Ids beyond `int` do not parse (as in Java).
        for update in [
            #"{"action": "add-schema", "schema": \#(schema(Int.max, 2))}"#,
            #"{"action": "add-sort-order", "sort-order": {"order-id": 9223372036854775807, "fields": []}}"#,
            #"{"action": "add-spec", "spec": {"spec-id": 9223372036854775807, "fields": []}}"#,
        ] {
            (status, json) = await send(
                s, "POST", "/v1/namespaces/ns/tables/t", body: #"{"requirements": [], "updates": [\#(update)]}"#)
            XCTAssertEqual(status, 400, update)
            XCTAssertTrue(
                json?["error"]?["message"]?.stringValue?.contains("beyond the 32-bit range") == true,
                "\(json?.serialized() ?? "")")
        }
        (status, json) = await send(s, "GET", "/v1/namespaces/ns/tables/t")
        XCTAssertEqual(json?["metadata-location"]?.stringValue, location, "a refused update wrote metadata")

        // The id a client sends is not kept: the schema takes the next id and `-1` names it.
        (status, _) = await send(
            s, "POST", "/v1/namespaces/ns/tables/t",
            body:
                #"{"requirements": [], "updates": [{"action": "add-schema", "schema": \#(schema(7, 2))}, {"action": "set-current-schema", "schema-id": -1}]}"#
        )
        XCTAssertEqual(status, 200)
        (status, json) = await send(s, "GET", "/v1/namespaces/ns/tables/t")
        XCTAssertEqual(status, 200)
        XCTAssertEqual(json?["metadata"]?["schemas"]?.arrayValue?.compactMap { $0["schema-id"]?.intValue }, [0, 1])
        XCTAssertEqual(json?["metadata"]?["current-schema-id"]?.intValue, 1)
    }

    /// A table's default location is built from its names, so names that are not one folder
    /// (`..`, `/`, `\`, control characters, empty) are refused: nothing is written outside the
    /// warehouse, and with an explicit location the same name is fine.
    func testNamesThatAreNotOneFolderGetNoDefaultLocation() async throws {
        let root = try makeTemporaryDirectory(self, prefix: "rest-names")
        let warehouse = root.appendingPathComponent("warehouse")
        let s = RESTCatalogService(
            catalog: InMemoryCatalog(
                name: "mem", warehouse: warehouse.path, io: LocalFileIO(), store: InMemoryPointerStore()))
        _ = await send(s, "POST", "/v1/namespaces", body: #"{"namespace": ["ns"]}"#)
        _ = await send(s, "POST", "/v1/namespaces", body: #"{"namespace": [".."]}"#)
        for name in ["..", ".", "a/b", #"a\\b"#, #"tab\u0009"#, ""] {
            let (status, json) = await send(
                s, "POST", "/v1/namespaces/ns/tables", body: #"{"name": "\#(name)", "schema": \#(Self.schema)}"#)
            XCTAssertEqual(status, 400, name)
            XCTAssertTrue(
                json?["error"]?["message"]?.stringValue?.contains("cannot be a folder") == true || name.isEmpty,
                "\(json?.serialized() ?? "")")
        }
        var (status, json) = await send(
            s, "POST", "/v1/namespaces/%2E%2E/tables", body: #"{"name": "t", "schema": \#(Self.schema)}"#)
        XCTAssertEqual(status, 400)
        XCTAssertTrue(
            json?["error"]?["message"]?.stringValue?.contains("namespace name '..'") == true,
            "\(json?.serialized() ?? "")")
        let outside = try FileManager.default.contentsOfDirectory(atPath: root.path)
        XCTAssertTrue(outside.allSatisfy { $0 == "warehouse" }, "nothing beside the warehouse: \(outside)")
        (status, _) = await send(
            s, "POST", "/v1/namespaces/%2E%2E/tables",
            body: #"{"name": "t", "location": "\#(warehouse.path)/dotdot/t", "schema": \#(Self.schema)}"#)
        XCTAssertEqual(status, 200, "with a location, the name is only a name")
    }

    func testErrorAnswers() async throws {
        let s = try service()
        var (status, json) = await send(s, "POST", "/v1/namespaces", body: "{not json")
        XCTAssertEqual(status, 400)
        XCTAssertEqual(json?["error"]?["type"]?.stringValue, "BadRequestException")
        XCTAssertEqual(json?["error"]?["code"]?.intValue, 400)
        (status, json) = await send(s, "GET", "/v1/namespaces/missing")
        XCTAssertEqual(status, 404)
        XCTAssertEqual(json?["error"]?["type"]?.stringValue, "NoSuchNamespaceException")
        (status, _) = await send(s, "PUT", "/v1/namespaces/x")
        XCTAssertEqual(status, 405)
        (status, _) = await send(s, "GET", "/v2/anything")
        XCTAssertEqual(status, 404)
        (status, _) = await send(s, "POST", "/v1/namespaces", body: #"{"namespace": ["ns"]}"#)
        XCTAssertEqual(status, 200)
        (status, _) = await send(
            s, "POST", "/v1/namespaces/ns/tables", body: #"{"name": "t", "schema": \#(Self.schema)}"#)
        XCTAssertEqual(status, 200)
        // Unknown update types and requirement failures.
        (status, json) = await send(
            s, "POST", "/v1/namespaces/ns/tables/t",
            body: #"{"requirements": [], "updates": [{"action": "make-coffee"}]}"#)
        XCTAssertEqual(status, 400)
        XCTAssertTrue(json?["error"]?["message"]?.stringValue?.contains("make-coffee") == true)
        (status, json) = await send(
            s, "POST", "/v1/namespaces/ns/tables/t",
            body:
                #"{"requirements": [{"type": "assert-ref-snapshot-id", "ref": "main", "snapshot-id": 42}], "updates": []}"#
        )
        XCTAssertEqual(status, 409)
        XCTAssertEqual(json?["error"]?["type"]?.stringValue, "CommitFailedException")
        (status, _) = await send(
            s, "POST", "/v1/namespaces/ns/tables/t",
            body: #"{"identifier": {"namespace": ["ns"], "name": "other"}, "requirements": [], "updates": []}"#)
        XCTAssertEqual(status, 400)
        (status, _) = await send(
            s, "POST", "/v1/namespaces/ns/properties", body: #"{"removals": ["k"], "updates": {"k": "v"}}"#)
        XCTAssertEqual(status, 422)
        (status, _) = await send(s, "GET", "/v1/namespaces", query: "pageToken=&pageSize=0")
        XCTAssertEqual(status, 400)
    }

    func testIdempotencyKeyReplaysFinishedAnswers() async throws {
        let s = try service()
        let key = [("Idempotency-Key", "017f22e2-79b0-7cc3-98c4-dc0c0c07398f")]
        let first = await send(s, "POST", "/v1/namespaces", body: #"{"namespace": ["ns"]}"#, headers: key)
        let again = await send(s, "POST", "/v1/namespaces", body: #"{"namespace": ["ns"]}"#, headers: key)
        XCTAssertEqual(first.0, 200)
        XCTAssertEqual(again.0, 200, "a repeat under the same key is answered as the first time")
        let fresh = await send(s, "POST", "/v1/namespaces", body: #"{"namespace": ["ns"]}"#)
        XCTAssertEqual(fresh.0, 409, "without the key it is a new request")
        let misuse = await send(s, "DELETE", "/v1/namespaces/ns", headers: key)
        XCTAssertEqual(misuse.0, 422, "a key reused for another request is refused")
    }
}
