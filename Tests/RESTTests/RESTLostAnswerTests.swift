import HTTPSupport
import Iceberg
import IcebergREST
import IcebergRESTServer
import Synchronization
import TestSupport
import XCTest

/// A commit whose answer is lost, sent again to a server that no longer holds its
/// idempotency key (restarted, or another replica): the server answers the repeat with 409,
/// which the client takes as an unknown outcome — not a conflict — and the commit loop finds
/// the commit landed. Nothing is retried on top of it, nothing it wrote is removed.
final class RESTLostAnswerTests: XCTestCase {
    struct Row: Codable, Sendable {
        var id: Int64
    }

    func testA409ToACommitSentAgainAfterALostAnswerIsNotAConflict() async throws {
        let dir = try makeTemporaryDirectory(self, prefix: "rest-lost")
        let service = RESTCatalogService(
            catalog: InMemoryCatalog(name: "mem", warehouse: dir.path, io: LocalFileIO(), store: InMemoryPointerStore())
        )
        let commits = Mutex(0)
        let transport = HTTPTransport { request in
            var headers = request.headers
            let isCommit = request.method == "POST" && request.path.hasSuffix("/tables/rows")
            let n =
                isCommit
                ? commits.withLock {
                    $0 += 1
                    return $0
                } : 0
            // The repeat reaches a server that has forgotten the key.
            if n == 2 { headers.removeAll { $0.0.lowercased() == "idempotency-key" } }
            let query = request.query.map { "\(URIEncoding.percentEncode($0.0))=\(URIEncoding.percentEncode($0.1))" }
            let answer = await service.handle(
                RESTServerRequest(
                    method: request.method, path: request.path, query: query.joined(separator: "&"), headers: headers,
                    body: request.body))
            if n == 1 { throw HTTPNetworkError("injected: the answer to the first commit was lost") }
            return HTTPResponse(status: answer.status, headers: answer.headers, body: answer.body)
        }
        var options = RESTCatalogOptions(uri: "http://127.0.0.1:9")
        options.transport = transport
        let catalog = try await RESTCatalog.connect(options, io: LocalFileIO())
        try await catalog.createNamespace(Namespace(["t"]), properties: [])
        let table = try await catalog.createTable(
            TableIdentifier(namespace: Namespace(["t"]), name: "rows"),
            TableCreation(schema: try Schema(fields: [.required(1, "id", .long)])))

        try await table.append([Row(id: 1)])

        XCTAssertEqual(commits.withLock { $0 }, 2, "sent, lost, sent again; then found — not retried")
        let reloaded = try await catalog.loadTable("t.rows")
        XCTAssertEqual(reloaded.metadata.snapshots.count, 1)
        let ids = try await reloaded.scan().rows().compactMap { $0["id"]?.intValue }
        XCTAssertEqual(ids, [1], "the row once, and readable")
    }
}
