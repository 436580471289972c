import Foundation
import HTTPSupport
import Iceberg
import JSONSupport

/// How the client authenticates to a REST catalog.
public enum RESTAuth: Sendable {
    /// No credentials.
    case none
    /// A fixed bearer token.
    case bearer(String)
    /// OAuth2 client credentials exchanged for bearer tokens at `serverURI` (default:
    /// the catalog's `/v1/oauth/tokens`), refreshed before they expire and after a 401.
    case oauth2(clientId: String, clientSecret: String, scope: String = "catalog", serverURI: String? = nil)
    /// Requests signed by a signer (AWS SigV4 for S3 Tables and Glue: AWSTransport's
    /// `SigV4RequestSigner`).
    case signed(any HTTPRequestSigner)
}

/// Settings of a REST catalog client.
public struct RESTCatalogOptions: Sendable {
    /// The catalog's base URI (`http://127.0.0.1:8181`, `https://s3tables.us-east-1.amazonaws.com/iceberg`).
    public var uri: String
    /// The warehouse to ask `/v1/config` for (a table bucket ARN, a Glue catalog id, a name).
    public var warehouse: String?
    /// Authentication.
    public var auth: RESTAuth
    /// The catalog's name in this process.
    public var name: String
    /// A path prefix to use when the server's config names none (Glue: `catalogs/ID`).
    public var prefix: String?
    /// Extra headers on every request.
    public var headers: [(String, String)]
    /// Attempts for requests that are safe to repeat.
    public var maxAttempts: Int
    /// Seconds per attempt.
    public var timeoutSeconds: Double
    /// Page size asked of paginated lists (nil: the server's choice).
    public var pageSize: Int?
    /// Builds the FileIO for a loaded table from its location and the `config` and storage
    /// credentials the server returned with it; nil: the catalog's FileIO.
    public var fileIO: (@Sendable (_ location: String, _ config: [(String, String)]) throws -> FileIO?)?
    /// How requests reach the server (the network by default; a server in the same process,
    /// or recorded answers, through `HTTPTransport(answering:)`).
    public var transport = HTTPTransport(maxResponseBytes: 256 << 20)

    /// Creates options.
    public init(
        uri: String, warehouse: String? = nil, auth: RESTAuth = .none, name: String = "rest", prefix: String? = nil,
        headers: [(String, String)] = [], maxAttempts: Int = 3, timeoutSeconds: Double = 60, pageSize: Int? = nil,
        fileIO: (@Sendable (_ location: String, _ config: [(String, String)]) throws -> FileIO?)? = nil
    ) {
        self.uri = uri
        self.warehouse = warehouse
        self.auth = auth
        self.name = name
        self.prefix = prefix
        self.headers = headers
        self.maxAttempts = maxAttempts
        self.timeoutSeconds = timeoutSeconds
        self.pageSize = pageSize
        self.fileIO = fileIO
    }
}

/// A decoded answer.
struct RESTAnswer: Sendable {
    var status: Int
    var json: JSONValue?
}

/// What a failed request is reported as.
enum RESTOperation: Sendable {
    /// A read, or a mutation that is not a table commit.
    case plain
    /// A namespace operation (409 means the namespace exists).
    case namespace
    /// A table operation (409 means the table exists).
    case table
    /// A table commit: 409 is a conflict, 5xx or a lost answer leave the state unknown.
    case commit
}

/// HTTP to one REST catalog: URLs, authentication, retries, `Idempotency-Key`s and the
/// spec's error model.
struct RESTSession: Sendable {
    let scheme: String
    let host: String
    let port: Int?
    /// Base path without a trailing slash (`/iceberg`, or empty).
    let basePath: String
    let options: RESTCatalogOptions
    var http: HTTPTransport { options.transport }
    let tokens = OAuthTokens()

    init(_ options: RESTCatalogOptions) throws {
        var rest = Substring(options.uri)
        guard let schemeEnd = rest.range(of: "://") else {
            throw CatalogError.invalidArgument("REST catalog URI '\(options.uri)' needs http:// or https://")
        }
        let scheme = String(rest[..<schemeEnd.lowerBound]).lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw CatalogError.invalidArgument("REST catalog URI '\(options.uri)' needs http:// or https://")
        }
        rest = rest[schemeEnd.upperBound...]
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        var path = String(rest[slash...])
        while path.hasSuffix("/") { path.removeLast() }
        if let q = path.firstIndex(of: "?") { path = String(path[..<q]) }
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else {
                throw CatalogError.invalidArgument("REST catalog URI '\(options.uri)' has a bad port")
            }
            host = String(authority[..<colon])
            port = p
        } else {
            host = String(authority)
            port = nil
        }
        guard !host.isEmpty else { throw CatalogError.invalidArgument("REST catalog URI '\(options.uri)' has no host") }
        self.scheme = scheme
        basePath = path
        self.options = options
    }

    /// Sends a request to `path` (encoded, below the base path) and decodes the answer;
    /// errors are mapped to `CatalogError` or `RESTCatalogError`. `idempotencyKey` marks a
    /// mutation the server will deduplicate, so it may be repeated after a lost answer.
    func send(
        _ method: String, _ path: String, query: [(String, String)] = [], body: JSONValue? = nil,
        operation: RESTOperation = .plain, idempotencyKey: String? = nil, accept: Set<Int> = []
    ) async throws -> RESTAnswer {
        let bytes = body?.serializedBytes() ?? []
        let isRead = method == "GET" || method == "HEAD"
        let what = "\(method) \(basePath)\(path)"
        var attempt = 0
        var refreshed = false
        var resent = false  // sent again after a lost answer
        while true {
            attempt += 1
            var request = HTTPRequest(
                method: method, scheme: scheme, host: host, port: port, path: basePath + path, query: query,
                headers: options.headers, body: bytes)
            request.setHeader("Accept", "application/json")
            if body != nil { request.setHeader("Content-Type", "application/json") }
            if let idempotencyKey { request.setHeader("Idempotency-Key", idempotencyKey) }
            try await authorize(&request, forceRefresh: refreshed)
            let response: HTTPResponse
            do {
                response = try await http.send(request, timeout: options.timeoutSeconds)
            } catch let e as HTTPNetworkError {
                // No answer: a read or a deduplicated mutation may be repeated; a commit
                // without deduplication may or may not have landed.
                let repeatable = isRead || idempotencyKey != nil
                if repeatable, attempt < options.maxAttempts {
                    try await backoff(attempt)
                    resent = true
                    continue
                }
                if operation == .commit {
                    throw CatalogError.commitStateUnknown("\(what): \(e); the commit may or may not have landed")
                }
                throw RESTCatalogError(status: 0, type: "NetworkError", message: "\(e)", request: what)
            }
            if (200..<300).contains(response.status) || accept.contains(response.status) {
                var b = response.body
                let json = b.isEmpty ? nil : try? JSONValue.parse(bytes: &b)
                return RESTAnswer(status: response.status, json: json)
            }
            if response.status == 401, case .oauth2 = options.auth, !refreshed {
                refreshed = true
                continue
            }
            let retryable = response.status == 429 || (isRead && [500, 502, 503, 504].contains(response.status))
            if retryable, operation != .commit, attempt < options.maxAttempts {
                try await backoff(attempt)
                continue
            }
            throw mapError(response, what: what, operation: operation, resent: resent)
        }
    }

    private func backoff(_ attempt: Int) async throws {
        let cap = min(2.0, 0.1 * Double(1 << min(attempt, 5)))
        try await Task.sleep(nanoseconds: UInt64(Double.random(in: 0...cap) * 1e9))
    }

    /// Adds the Authorization header (a bearer token or a signer's signature).
    private func authorize(_ request: inout HTTPRequest, forceRefresh: Bool) async throws {
        switch options.auth {
        case .none:
            break
        case .bearer(let token):
            request.setHeader("Authorization", "Bearer \(token)")
        case .oauth2(let id, let secret, let scope, let serverURI):
            let token = try await tokens.token(forceRefresh: forceRefresh) {
                try await fetchToken(clientId: id, clientSecret: secret, scope: scope, serverURI: serverURI)
            }
            request.setHeader("Authorization", "Bearer \(token)")
        case .signed(let signer):
            do { try await signer.sign(&request) } catch {
                throw RESTCatalogError(
                    status: 0, type: "CredentialsError", message: "\(error)",
                    request: "\(request.method) \(request.path)")
            }
        }
    }

    /// The client credentials grant; returns the token and its lifetime in seconds.
    private func fetchToken(clientId: String, clientSecret: String, scope: String, serverURI: String?) async throws -> (
        String, Double?
    ) {
        let form = [
            ("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", clientSecret),
            ("scope", scope),
        ]
        .map { "\(RESTWire.encode($0.0))=\(RESTWire.encode($0.1))" }.joined(separator: "&")
        var request: HTTPRequest
        if let serverURI {
            let target = try RESTSession(RESTCatalogOptions(uri: serverURI))
            request = HTTPRequest(
                method: "POST", scheme: target.scheme, host: target.host, port: target.port,
                path: target.basePath.isEmpty ? "/" : target.basePath)
        } else {
            request = HTTPRequest(
                method: "POST", scheme: scheme, host: host, port: port, path: basePath + "/v1/oauth/tokens")
        }
        request.body = Array(form.utf8)
        request.setHeader("Content-Type", "application/x-www-form-urlencoded")
        request.setHeader("Accept", "application/json")
        let what = "POST \(request.path) (OAuth2 token)"
        let response: HTTPResponse
        do { response = try await http.send(request, timeout: options.timeoutSeconds) } catch {
            throw RESTCatalogError(status: 0, type: "NetworkError", message: "\(error)", request: what)
        }
        var body = response.body
        let json = try? JSONValue.parse(bytes: &body)
        guard response.status == 200, let token = json?["access_token"]?.stringValue else {
            // OAuth2 errors: {"error": "invalid_client", "error_description": "…"}; the secret is never echoed.
            let type = json?["error"]?.stringValue ?? "OAuthError"
            let message = json?["error_description"]?.stringValue ?? "the token endpoint answered \(response.status)"
            throw RESTCatalogError(status: response.status, type: type, message: message, request: what)
        }
        return (token, json?["expires_in"]?.intValue.map(Double.init))
    }

    /// The spec's error model as Swift errors.
    /// `resent`: the request went out again after an answer was lost.
    private func mapError(_ response: HTTPResponse, what: String, operation: RESTOperation, resent: Bool) -> Error {
        var body = response.body
        let json = try? JSONValue.parse(bytes: &body)
        let type = json?["error"]?["type"]?.stringValue ?? "HTTP\(response.status)"
        let message =
            json?["error"]?["message"]?.stringValue ?? String(decoding: response.body.prefix(300), as: UTF8.self)
        switch (response.status, operation) {
        case (500...599, .commit):
            return CatalogError.commitStateUnknown("\(what) → \(response.status) \(type): \(message)")
        case (409, .commit) where resent:
            // Perhaps the first sending's own commit, seen by a server that no longer holds its
            // idempotency key: the outcome is unknown.
            return CatalogError.commitStateUnknown(
                "\(what) → 409 after the first answer was lost; the first request may have landed")
        case (409, .commit):
            return CatalogError.commitConflict(message)
        case (404, _) where type == "NoSuchNamespaceException":
            return CatalogError.noSuchNamespace(message)
        case (404, _) where type == "NoSuchTableException":
            return CatalogError.noSuchTable(message)
        case (409, _) where type == "NamespaceNotEmptyException":
            return CatalogError.namespaceNotEmpty(message)
        case (409, .namespace) where type == "AlreadyExistsException":
            return CatalogError.namespaceAlreadyExists(message)
        case (409, .table) where type == "AlreadyExistsException":
            return CatalogError.tableAlreadyExists(message)
        case (406, _):
            return CatalogError.unsupported(message)
        case (403, _):
            return CatalogError.forbidden(message)
        default:
            return RESTCatalogError(status: response.status, type: type, message: message, request: what)
        }
    }
}

/// The current OAuth2 token: one fetch at a time, refreshed when 90% of its lifetime
/// (at most one hour when the server names none) has passed.
actor OAuthTokens {
    private var token: String?
    private var refreshAt: Double = 0
    private var pending: Task<(String, Double?), Error>?

    func token(forceRefresh: Bool, fetch: @escaping @Sendable () async throws -> (String, Double?)) async throws
        -> String
    {
        let now = WallClock.nowSeconds()
        if !forceRefresh, let token, now < refreshAt { return token }
        if let pending { return try await pending.value.0 }
        let task = Task { try await fetch() }
        pending = task
        defer { pending = nil }
        let (value, lifetime) = try await task.value
        token = value
        refreshAt = now + (lifetime ?? 3600) * 0.9
        return value
    }
}
