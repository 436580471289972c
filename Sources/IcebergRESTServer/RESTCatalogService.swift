import AWSTransport
import Iceberg
import IcebergREST
import JSONSupport

/// An HTTP request as the REST service sees it (independent of the HTTP server).
public struct RESTServerRequest: Sendable {
    /// `GET`, `POST`, …
    public var method: String
    /// The path as sent (percent-encoded), without the query.
    public var path: String
    /// The raw query string (without `?`).
    public var query: String
    /// Header fields as sent.
    public var headers: [(String, String)]
    /// The body.
    public var body: [UInt8]

    /// Creates a request.
    public init(method: String, path: String, query: String = "", headers: [(String, String)] = [], body: [UInt8] = [])
    {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// A header value (case-insensitive name).
    public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
}

/// The service's answer.
public struct RESTServerResponse: Sendable {
    /// HTTP status.
    public var status: Int
    /// Header fields.
    public var headers: [(String, String)]
    /// The body.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    static func json(_ status: Int, _ value: JSONValue, headers: [(String, String)] = []) -> RESTServerResponse {
        RESTServerResponse(
            status: status, headers: [("Content-Type", "application/json")] + headers, body: value.serializedBytes())
    }

    static func error(_ status: Int, _ type: String, _ message: String) -> RESTServerResponse {
        json(status, RESTWire.errorBody(code: status, type: type, message: message))
    }

    /// The error type of an error answer, if any.
    public var errorType: String? {
        var bytes = body
        return (try? JSONValue.parse(bytes: &bytes))?["error"]?["type"]?.stringValue
    }
}

/// How the server authenticates callers.
public enum RESTServerAuth: Sendable {
    /// Anyone may call.
    case none
    /// `Authorization: Bearer <token>` with one of these tokens.
    case bearer(Set<String>)
    /// OAuth2 client credentials at `/v1/oauth/tokens` issue bearer tokens that expire after
    /// `tokenLifetimeSeconds`.
    case oauth2(clientId: String, clientSecret: String, tokenLifetimeSeconds: Int)
    /// AWS SigV4 signatures for `service`/`region` by these keys (access key id → secret).
    case sigv4(service: String, region: String, secrets: [String: String])
}

/// Options of the REST service.
public struct RESTServerOptions: Sendable {
    /// A path prefix (`/v1/{prefix}/…`), returned to clients in the config `overrides`.
    public var prefix: String?
    /// Authentication.
    public var auth: RESTServerAuth
    /// Largest page a paginated list returns (also the page size when the client names none).
    public var maxPageSize: Int
    /// Table configuration returned with every loaded table (FileIO settings).
    public var tableConfig: [(String, String)]

    /// Creates options.
    public init(
        prefix: String? = nil, auth: RESTServerAuth = .none, maxPageSize: Int = 1000,
        tableConfig: [(String, String)] = []
    ) {
        self.prefix = prefix
        self.auth = auth
        self.maxPageSize = maxPageSize
        self.tableConfig = tableConfig
    }
}

/// The Iceberg REST catalog protocol over any `Catalog`: routing, request parsing, status
/// codes and error bodies, authentication and `Idempotency-Key` replay. HTTP-server neutral:
/// `RESTServer` runs it on Hummingbird.
public struct RESTCatalogService: Sendable {
    /// The catalog served.
    public let catalog: any Catalog
    /// Options.
    public let options: RESTServerOptions
    private let replay = IdempotencyStore()
    private let tokens = TokenStore()

    /// Creates a service.
    public init(catalog: any Catalog, options: RESTServerOptions = RESTServerOptions()) {
        self.catalog = catalog
        self.options = options
    }

    /// Handles one request; never throws (errors become error bodies).
    public func handle(_ request: RESTServerRequest) async -> RESTServerResponse {
        if request.method == "POST", request.path == "/v1/oauth/tokens" { return await issueToken(request) }
        if let refusal = await authenticate(request) { return refusal }
        let mutation = request.method == "POST" || request.method == "DELETE"
        if mutation, let key = request.header("Idempotency-Key"), !key.isEmpty {
            let fingerprint = "\(request.method) \(request.path)?\(request.query)"
            return await replay.run(key: key, fingerprint: fingerprint) { await route(request) }
        }
        return await route(request)
    }

    // MARK: Authentication

    private func authenticate(_ request: RESTServerRequest) async -> RESTServerResponse? {
        switch options.auth {
        case .none:
            return nil
        case .bearer(let valid):
            guard let token = bearer(request), valid.contains(token) else {
                return unauthorized("a valid bearer token is required")
            }
            return nil
        case .oauth2:
            guard let token = bearer(request) else { return unauthorized("a bearer token is required") }
            guard await tokens.isValid(token, now: WallClock.nowSeconds()) else {
                return unauthorized("the bearer token is unknown or expired")
            }
            return nil
        case .sigv4(let service, let region, let secrets):
            let verifier = SigV4Verifier(service: service, region: region, secrets: secrets)
            do {
                _ = try verifier.verify(
                    method: request.method, path: request.path, query: RESTWire.parseQuery(request.query[...]),
                    headers: request.headers, body: request.body)
                return nil
            } catch let f as SigV4Verifier.Failure {
                if case .mismatch = f { return .error(403, "ForbiddenException", f.description) }
                return unauthorized(f.description)
            } catch {
                return unauthorized("\(error)")
            }
        }
    }

    private func bearer(_ request: RESTServerRequest) -> String? {
        guard let h = request.header("Authorization"), h.lowercased().hasPrefix("bearer ") else { return nil }
        return String(h.dropFirst(7)).trimmingCharacters(" ")
    }

    private func unauthorized(_ message: String) -> RESTServerResponse {
        .error(401, "NotAuthorizedException", message)
    }

    /// OAuth2 client credentials grant (form-encoded body, or HTTP Basic client authentication).
    private func issueToken(_ request: RESTServerRequest) async -> RESTServerResponse {
        func oauthError(_ status: Int, _ error: String, _ description: String) -> RESTServerResponse {
            .json(status, .object([("error", .string(error)), ("error_description", .string(description))]))
        }
        guard case .oauth2(let clientId, let clientSecret, let lifetime) = options.auth else {
            return oauthError(400, "unsupported_grant_type", "this server does not issue OAuth2 tokens")
        }
        let form = RESTWire.parseQuery(String(decoding: request.body, as: UTF8.self)[...])
        func field(_ k: String) -> String? { form.first { $0.0 == k }?.1 }
        guard field("grant_type") == "client_credentials" else {
            return oauthError(400, "unsupported_grant_type", "only client_credentials is supported")
        }
        var id = field("client_id")
        var secret = field("client_secret")
        if let basic = request.header("Authorization"), basic.lowercased().hasPrefix("basic "),
            let decoded = Base64.decode(String(basic.dropFirst(6))).map({ String(decoding: $0, as: UTF8.self) }),
            let colon = decoded.firstIndex(of: ":")
        {
            id = RESTWire.decode(decoded[..<colon])
            secret = RESTWire.decode(decoded[decoded.index(after: colon)...])
        }
        guard let id, let secret,
            SigV4Verifier.constantTimeEqual(Array(id.utf8), Array(clientId.utf8)),
            SigV4Verifier.constantTimeEqual(Array(secret.utf8), Array(clientSecret.utf8))
        else {
            return oauthError(401, "invalid_client", "unknown client or wrong secret")
        }
        let token = await tokens.issue(lifetime: lifetime, now: WallClock.nowSeconds())
        return .json(
            200,
            .object([
                ("access_token", .string(token)), ("token_type", .string("bearer")),
                ("expires_in", .int(Int64(lifetime))),
                ("issued_token_type", .string("urn:ietf:params:oauth:token-type:access_token")),
            ]))
    }

    // MARK: Routing

    private func route(_ request: RESTServerRequest) async -> RESTServerResponse {
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: true)
        guard segments.first == "v1" else {
            return .error(404, "NotFoundException", "no route for \(request.method) \(request.path)")
        }
        var rest = Array(segments.dropFirst())
        if rest == ["config"] {
            guard request.method == "GET" else { return methodNotAllowed(request) }
            return config()
        }
        if let prefix = options.prefix {
            guard rest.first.map(String.init) == prefix else {
                return .error(404, "NotFoundException", "unknown prefix in \(request.path)")
            }
            rest.removeFirst()
        }
        let query = RESTWire.parseQuery(request.query[...])
        func param(_ k: String) -> String? { query.first { $0.0 == k }?.1 }
        do {
            switch (request.method, rest.count, rest.first, rest.count > 2 ? rest[2] : nil) {
            case ("GET", 1, "namespaces", _): return try await listNamespaces(param)
            case ("POST", 1, "namespaces", _): return try await createNamespace(try body(request))
            case (_, 2, "namespaces", _):
                let ns = try RESTWire.parseNamespace(encoded: rest[1])
                switch request.method {
                case "GET":
                    return .json(
                        200,
                        .object([
                            ("namespace", RESTWire.json(ns)),
                            ("properties", RESTWire.json(try await catalog.namespaceProperties(ns))),
                        ]))
                case "HEAD": return RESTServerResponse(status: try await catalog.namespaceExists(ns) ? 204 : 404)
                case "DELETE":
                    try await catalog.dropNamespace(ns)
                    return RESTServerResponse(status: 204)
                default: return methodNotAllowed(request)
                }
            case ("POST", 3, "namespaces", "properties"):
                return try await updateProperties(try RESTWire.parseNamespace(encoded: rest[1]), try body(request))
            case ("GET", 3, "namespaces", "tables"):
                return try await listTables(try RESTWire.parseNamespace(encoded: rest[1]), param)
            case ("POST", 3, "namespaces", "tables"):
                return try await createTable(try RESTWire.parseNamespace(encoded: rest[1]), try body(request))
            case ("POST", 3, "namespaces", "register"):
                return try await registerTable(try RESTWire.parseNamespace(encoded: rest[1]), try body(request))
            case (_, 4, "namespaces", "tables"):
                let id = try tableIdentifier(rest[1], rest[3])
                switch request.method {
                case "GET": return try await loadTable(id, request, param)
                case "HEAD": return RESTServerResponse(status: try await catalog.tableExists(id) ? 204 : 404)
                case "POST": return try await commitTable(id, try body(request))
                case "DELETE":
                    try await catalog.dropTable(id, purge: param("purgeRequested") == "true")
                    return RESTServerResponse(status: 204)
                default: return methodNotAllowed(request)
                }
            case ("POST", 5, "namespaces", "tables") where rest[4] == "metrics":
                _ = try tableIdentifier(rest[1], rest[3])
                return RESTServerResponse(status: 204)
            case ("POST", 2, "tables", _) where rest[1] == "rename": return try await rename(try body(request))
            case ("POST", 2, "transactions", _) where rest[1] == "commit":
                return try await commitTransaction(try body(request))
            default:
                return .error(404, "NotFoundException", "no route for \(request.method) \(request.path)")
            }
        } catch let e as CatalogError {
            let (code, type) = RESTWire.status(of: e)
            return .error(code, type, e.description)
        } catch let e as IcebergError {
            return .error(400, "BadRequestException", "\(e)")
        } catch let e as JSONParseError {
            return .error(400, "BadRequestException", "malformed JSON body: \(e)")
        } catch {
            return .error(500, "ServiceFailureException", "\(error)")
        }
    }

    private func methodNotAllowed(_ request: RESTServerRequest) -> RESTServerResponse {
        .error(405, "MethodNotAllowedException", "\(request.method) is not allowed on \(request.path)")
    }

    private func body(_ request: RESTServerRequest) throws -> JSONValue {
        var bytes = request.body
        guard !bytes.isEmpty else { throw CatalogError.invalidArgument("a JSON body is required") }
        return try JSONValue.parse(bytes: &bytes)
    }

    private func tableIdentifier(_ ns: Substring, _ name: Substring) throws -> TableIdentifier {
        guard let table = RESTWire.decode(name), !table.isEmpty else {
            throw CatalogError.invalidArgument("malformed table name '\(name)'")
        }
        return TableIdentifier(namespace: try RESTWire.parseNamespace(encoded: ns), name: table)
    }

    /// The endpoints this server implements, in the spec's form.
    public var endpoints: [String] {
        var list = [
            "GET /v1/{prefix}/namespaces", "POST /v1/{prefix}/namespaces",
            "GET /v1/{prefix}/namespaces/{namespace}", "HEAD /v1/{prefix}/namespaces/{namespace}",
            "DELETE /v1/{prefix}/namespaces/{namespace}", "POST /v1/{prefix}/namespaces/{namespace}/properties",
            "GET /v1/{prefix}/namespaces/{namespace}/tables", "POST /v1/{prefix}/namespaces/{namespace}/tables",
            "GET /v1/{prefix}/namespaces/{namespace}/tables/{table}",
            "HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}",
            "POST /v1/{prefix}/namespaces/{namespace}/tables/{table}",
            "DELETE /v1/{prefix}/namespaces/{namespace}/tables/{table}",
            "POST /v1/{prefix}/namespaces/{namespace}/register",
            "POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/metrics",
            "POST /v1/{prefix}/tables/rename",
        ]
        if catalog.supportsTransactions { list.append("POST /v1/{prefix}/transactions/commit") }
        return list
    }

    private func config() -> RESTServerResponse {
        var overrides: [(String, String)] = []
        if let prefix = options.prefix { overrides.append(("prefix", prefix)) }
        return .json(
            200,
            .object([
                ("defaults", .object([])), ("overrides", RESTWire.json(overrides)),
                ("endpoints", .array(endpoints.map { .string($0) })),
                ("idempotency-key-lifetime", .string("PT30M")),
            ]))
    }

    // MARK: Namespaces

    /// A page of sorted names after `pageToken` (only when the client sent one, as the spec asks).
    private func page<T>(_ items: [T], key: (T) -> String, _ param: (String) -> String?) throws -> ([T], String?) {
        guard let token = param("pageToken") else { return (items, nil) }
        var size = options.maxPageSize
        if let s = param("pageSize") {
            guard let n = Int(s), n > 0 else {
                throw CatalogError.invalidArgument("pageSize must be a positive integer")
            }
            size = min(n, options.maxPageSize)
        }
        let sorted = items.sorted { key($0) < key($1) }
        let rest = token.isEmpty ? sorted[...] : sorted.drop { key($0) <= token }
        let pageItems = Array(rest.prefix(size))
        return (pageItems, rest.count > size ? pageItems.last.map(key) : nil)
    }

    private func listNamespaces(_ param: (String) -> String?) async throws -> RESTServerResponse {
        let parent = try param("parent").flatMap { $0.isEmpty ? nil : try RESTWire.parseNamespace(text: $0) }
        if let parent, !(try await catalog.namespaceExists(parent)) {
            throw CatalogError.noSuchNamespace(parent.description)
        }
        let (items, next) = try page(
            try await catalog.listNamespaces(parent: parent),
            key: { $0.levels.joined(separator: RESTWire.namespaceSeparator) }, param)
        return .json(
            200,
            .object([
                ("namespaces", .array(items.map(RESTWire.json))),
                ("next-page-token", next.map { .string($0) } ?? .null),
            ]))
    }

    private func createNamespace(_ j: JSONValue) async throws -> RESTServerResponse {
        let ns = try RESTWire.namespace(j["namespace"])
        let props = try RESTWire.properties(j["properties"], field: "properties")
        try await catalog.createNamespace(ns, properties: props)
        return .json(200, .object([("namespace", RESTWire.json(ns)), ("properties", RESTWire.json(props))]))
    }

    private func updateProperties(_ ns: Namespace, _ j: JSONValue) async throws -> RESTServerResponse {
        let removals = j["removals"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let updates = try RESTWire.properties(j["updates"], field: "updates")
        do {
            let change = try await catalog.updateNamespaceProperties(ns, removals: removals, updates: updates)
            return .json(
                200,
                .object([
                    ("updated", .array(change.updated.map { .string($0) })),
                    ("removed", .array(change.removed.map { .string($0) })),
                    ("missing", .array(change.missing.map { .string($0) })),
                ]))
        } catch CatalogError.invalidArgument(let m) where m.contains("both set and removed") {
            return .error(422, "UnprocessableEntityException", m)
        }
    }

    // MARK: Tables

    private func listTables(_ ns: Namespace, _ param: (String) -> String?) async throws -> RESTServerResponse {
        let (items, next) = try page(try await catalog.listTables(ns), key: \.name, param)
        return .json(
            200,
            .object([
                ("identifiers", .array(items.map(RESTWire.json))),
                ("next-page-token", next.map { .string($0) } ?? .null),
            ]))
    }

    private func loaded(_ table: Table, status: Int = 200, snapshotsParam: String? = nil) -> RESTServerResponse {
        var metadata = table.metadata
        if snapshotsParam == "refs" { metadata = metadata.referencedSnapshotsOnly }
        return .json(
            status,
            RESTWire.loadTableResult(
                metadataLocation: table.metadataLocation, metadata: metadata, config: options.tableConfig),
            headers: [("ETag", Self.etag(table.metadataLocation))])
    }

    /// A strong ETag naming a metadata file (FNV-1a of its location).
    static func etag(_ location: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in location.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return "\"\(String(h, radix: 16))\""
    }

    private func loadTable(_ id: TableIdentifier, _ request: RESTServerRequest, _ param: (String) -> String?)
        async throws -> RESTServerResponse
    {
        let table = try await catalog.loadTable(id)
        if let tag = request.header("If-None-Match"), tag == Self.etag(table.metadataLocation) {
            return RESTServerResponse(status: 304, headers: [("ETag", tag)])
        }
        return loaded(table, snapshotsParam: param("snapshots"))
    }

    private func createTable(_ ns: Namespace, _ j: JSONValue) async throws -> RESTServerResponse {
        let req = try RESTWire.createTableRequest(j)
        let id = TableIdentifier(namespace: ns, name: req.name)
        if req.stage {
            let staged = try await catalog.stageCreateTable(id, req.creation)
            return .json(
                200,
                RESTWire.loadTableResult(
                    metadataLocation: nil, metadata: staged.metadata, config: options.tableConfig + staged.config))
        }
        return loaded(try await catalog.createTable(id, req.creation))
    }

    private func registerTable(_ ns: Namespace, _ j: JSONValue) async throws -> RESTServerResponse {
        guard let name = j["name"]?.stringValue, !name.isEmpty, let location = j["metadata-location"]?.stringValue,
            !location.isEmpty
        else {
            throw CatalogError.invalidArgument("'name' and 'metadata-location' are required")
        }
        if j["overwrite"]?.boolValue == true { throw CatalogError.unsupported("registering with overwrite") }
        return loaded(
            try await catalog.registerTable(TableIdentifier(namespace: ns, name: name), metadataLocation: location))
    }

    private func commitTable(_ id: TableIdentifier, _ j: JSONValue) async throws -> RESTServerResponse {
        let req = try RESTWire.commitTableRequest(j)
        if let given = req.identifier, given != id {
            throw CatalogError.invalidArgument("the body names \(given) but the path names \(id)")
        }
        let table = try await catalog.commitTable(id, requirements: req.requirements, updates: req.updates)
        return .json(
            200, .object([("metadata-location", .string(table.metadataLocation)), ("metadata", table.metadata.json)]),
            headers: [("ETag", Self.etag(table.metadataLocation))])
    }

    private func rename(_ j: JSONValue) async throws -> RESTServerResponse {
        try await catalog.renameTable(
            try RESTWire.identifier(j["source"], field: "source"),
            to: try RESTWire.identifier(j["destination"], field: "destination"))
        return RESTServerResponse(status: 204)
    }

    private func commitTransaction(_ j: JSONValue) async throws -> RESTServerResponse {
        guard let changes = j["table-changes"]?.arrayValue, !changes.isEmpty else {
            throw CatalogError.invalidArgument("'table-changes' must be a non-empty array")
        }
        let commits = try changes.map { c -> TableCommit in
            let req = try RESTWire.commitTableRequest(c)
            guard let id = req.identifier else {
                throw CatalogError.invalidArgument("every table change needs an 'identifier'")
            }
            return TableCommit(identifier: id, requirements: req.requirements, updates: req.updates)
        }
        if commits.count == 1, let c = commits.first {
            // One table: an ordinary commit (also a staged create), atomic in any catalog.
            _ = try await catalog.commitTable(c.identifier, requirements: c.requirements, updates: c.updates)
        } else {
            _ = try await catalog.commitTransaction(commits)
        }
        return RESTServerResponse(status: 204)
    }
}

/// Finalised answers by `Idempotency-Key` (2xx and 4xx; 5xx are not kept, as the spec
/// says), 30 minutes. A repeat of a request still running waits for its answer.
actor IdempotencyStore {
    private var entries: [String: (fingerprint: String, task: Task<RESTServerResponse, Never>, at: Double)] = [:]
    private let lifetime = 1800.0
    private let capacity = 2_000  // answers include table metadata: bound the memory kept

    func run(key: String, fingerprint: String, _ body: @escaping @Sendable () async -> RESTServerResponse) async
        -> RESTServerResponse
    {
        let now = WallClock.nowSeconds()
        if entries.count >= capacity { entries = entries.filter { now - $0.value.at < lifetime } }
        if let e = entries[key], now - e.at < lifetime {
            guard e.fingerprint == fingerprint else {
                return .error(
                    422, "UnprocessableEntityException", "Idempotency-Key \(key) was used for a different request")
            }
            return await e.task.value
        }
        let task = Task { await body() }
        entries[key] = (fingerprint, task, now)
        let response = await task.value
        if response.status >= 500 { entries[key] = nil }
        return response
    }
}

/// Bearer tokens issued by the OAuth2 endpoint, with their expiry.
actor TokenStore {
    private var expiry: [String: Double] = [:]

    func issue(lifetime: Int, now: Double) -> String {
        expiry = expiry.filter { $0.value > now }
        let token = RandomUUID.make() + RandomUUID.make()
        expiry[token] = now + Double(lifetime)
        return token
    }

    func isValid(_ token: String, now: Double) -> Bool { (expiry[token] ?? 0) > now }
}

extension String {
    func trimmingCharacters(_ c: Character) -> String {
        var s = self[...]
        while s.first == c { s = s.dropFirst() }
        while s.last == c { s = s.dropLast() }
        return String(s)
    }
}
