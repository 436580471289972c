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
    /// The principal that made the request, for the log.
    public var principal: String?
    /// What went wrong inside the server, for the log only: a 500 never sends it.
    public var internalDetail: String?

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

    /// A 5xx answer that names an incident instead of the failure, which goes to the log.
    static func internalError(_ status: Int, _ type: String, _ summary: String, detail: String)
        -> RESTServerResponse
    {
        let incident = String(RandomUUID.make().prefix(8))
        var answer = error(status, type, "\(summary) (incident \(incident); see the server log)")
        answer.internalDetail = "incident \(incident): \(detail)"
        return answer
    }

    /// The answer with one more header field.
    func adding(header: (String, String)) -> RESTServerResponse {
        var copy = self
        copy.headers.append(header)
        return copy
    }

    /// The error type of an error answer, if any.
    public var errorType: String? {
        var bytes = body
        return (try? JSONValue.parse(bytes: &bytes))?["error"]?["type"]?.stringValue
    }
}

/// Options of the REST service.
public struct RESTServerOptions: Sendable {
    /// A path prefix (`/v1/{prefix}/…`), returned to clients in the config `overrides`.
    public var prefix: String?
    /// Authentication and roles.
    public var auth: RESTServerAuth
    /// Largest page a paginated list returns (also the page size when the client names none).
    public var maxPageSize: Int
    /// Table configuration returned with every loaded table (FileIO settings).
    public var tableConfig: [(String, String)]
    /// Largest body of a request that creates, registers or commits tables.
    public var maxCommitBodyBytes: Int
    /// Largest body of any other request (namespaces, renames, metrics, tokens).
    public var maxOtherBodyBytes: Int
    /// Idempotency keys whose answers are kept, per principal (the oldest go first).
    public var maxIdempotencyKeysPerPrincipal: Int
    /// Where finished answers outlive the process (nil: in memory only).
    public var idempotencyRecords: (any IdempotencyRecords)?

    /// Creates options.
    public init(
        prefix: String? = nil, auth: RESTServerAuth = .none, maxPageSize: Int = 1000,
        tableConfig: [(String, String)] = [], maxCommitBodyBytes: Int = 16 << 20, maxOtherBodyBytes: Int = 1 << 20,
        maxIdempotencyKeysPerPrincipal: Int = 1000, idempotencyRecords: (any IdempotencyRecords)? = nil
    ) {
        self.prefix = prefix
        self.auth = auth
        self.maxPageSize = maxPageSize
        self.tableConfig = tableConfig
        self.maxCommitBodyBytes = maxCommitBodyBytes
        self.maxOtherBodyBytes = maxOtherBodyBytes
        self.maxIdempotencyKeysPerPrincipal = maxIdempotencyKeysPerPrincipal
        self.idempotencyRecords = idempotencyRecords
    }
}

/// What the service says of a request before its body is read.
public enum RESTAdmission: Sendable {
    /// Read the body, up to this many bytes, then call `handle`.
    case admitted(maxBodyBytes: Int)
    /// Answer this without reading the body.
    case refused(RESTServerResponse)
}

/// The Iceberg REST catalog protocol over any `Catalog`: routing, request parsing, status
/// codes and error bodies, authentication, roles and `Idempotency-Key` replay. HTTP-server
/// neutral: `RESTServer` runs it on Hummingbird.
public struct RESTCatalogService: Sendable {
    /// The catalog served.
    public let catalog: any Catalog
    /// Options.
    public let options: RESTServerOptions
    private let replay: IdempotencyStore
    private let tokens = TokenStore()
    private let credentials: Credentials

    /// Creates a service.
    public init(catalog: any Catalog, options: RESTServerOptions = RESTServerOptions()) {
        self.catalog = catalog
        self.options = options
        replay = IdempotencyStore(
            perPrincipal: options.maxIdempotencyKeysPerPrincipal, records: options.idempotencyRecords)
        credentials = Credentials(options.auth)
    }

    /// Checks a request's credentials before its body is read (a SigV4 signature over a body
    /// whose hash is not stated is checked in `handle`) and names the largest body its route takes.
    public func admit(method: String, path: String, query: String, headers: [(String, String)]) async
        -> RESTAdmission
    {
        if method == "POST", path == "/v1/oauth/tokens" { return .admitted(maxBodyBytes: 64 << 10) }
        let head = RESTServerRequest(method: method, path: path, query: query, headers: headers)
        if case .refused(let refusal) = await authenticate(head, bodyArrived: false) { return .refused(refusal) }
        return .admitted(
            maxBodyBytes: Self.carriesTableChanges(method, routeSegments(path) ?? [])
                ? options.maxCommitBodyBytes : options.maxOtherBodyBytes)
    }

    /// Whether a route's body holds table metadata changes (create, register, commit, a
    /// multi-table transaction), which take the larger body cap; `rest` is the path after
    /// `/v1/` and the prefix.
    private static func carriesTableChanges(_ method: String, _ rest: [Substring]) -> Bool {
        guard method == "POST" else { return false }
        switch (rest.count, rest.first) {
        case (3, "namespaces"): return rest[2] == "tables" || rest[2] == "register"
        case (4, "namespaces"): return rest[2] == "tables"
        case (2, "transactions"): return rest[1] == "commit"
        default: return false
        }
    }

    /// The segments of a catalog path after `/v1/` and the configured prefix; nil for a path
    /// outside them.
    private func routeSegments(_ path: String) -> [Substring]? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        guard segments.first == "v1" else { return nil }
        var rest = Array(segments.dropFirst())
        if let prefix = options.prefix {
            guard rest.first.map(String.init) == prefix else { return nil }
            rest.removeFirst()
        }
        return rest
    }

    /// Handles one request; never throws (errors become error bodies).
    public func handle(_ request: RESTServerRequest) async -> RESTServerResponse {
        if request.method == "POST", request.path == "/v1/oauth/tokens" { return await issueToken(request) }
        let principal: RESTPrincipal
        switch await authenticate(request, bodyArrived: true) {
        case .proven(let p): principal = p
        case .refused(let refusal): return refusal
        }
        var answer: RESTServerResponse
        let mutation = request.method == "POST" || request.method == "DELETE"
        if mutation, let key = request.header("Idempotency-Key"), !key.isEmpty {
            let fingerprint = "\(request.method) \(request.path)?\(request.query)"
            answer = await replay.run(principal: principal.name, key: key, fingerprint: fingerprint) {
                await route(request, principal)
            }
        } else {
            answer = await route(request, principal)
        }
        answer.principal = principal.name
        return answer
    }

    // MARK: Authentication

    /// Credentials by kind, for lookups.
    private struct Credentials: Sendable {
        var tokens: [String: RESTPrincipal] = [:]
        var oauthClients: [String: (secret: String, principal: RESTPrincipal)] = [:]
        var sigv4Secrets: [String: String] = [:]
        var sigv4Principals: [String: RESTPrincipal] = [:]

        init(_ auth: RESTServerAuth) {
            for p in auth.principals {
                switch p.credential {
                case .token(let t): tokens[t] = p
                case .oauthClient(let id, let secret): oauthClients[id] = (secret, p)
                case .sigv4Key(let id, let secret):
                    sigv4Secrets[id] = secret
                    sigv4Principals[id] = p
                }
            }
        }
    }

    /// What a request's credentials prove.
    private enum Authentication {
        case proven(RESTPrincipal)
        case refused(RESTServerResponse)
    }

    /// The principal a request's credentials prove. Before the body arrives, a SigV4 signature
    /// is checked as far as it can be.
    private func authenticate(_ request: RESTServerRequest, bodyArrived: Bool) async
        -> Authentication
    {
        guard !options.auth.principals.isEmpty else { return .proven(.anonymous) }
        let authorization = request.header("Authorization") ?? ""
        if authorization.hasPrefix("AWS4-HMAC-SHA256 ") {
            let verifier = SigV4Verifier(
                service: options.auth.sigv4Service, region: options.auth.sigv4Region,
                secrets: credentials.sigv4Secrets)
            let query = RESTWire.parseQuery(request.query[...])
            do {
                let key =
                    bodyArrived
                    ? try verifier.verify(
                        method: request.method, path: request.path, query: query, headers: request.headers,
                        body: request.body)
                    : try verifier.verifyHead(
                        method: request.method, path: request.path, query: query, headers: request.headers
                    ).accessKeyId
                guard let principal = credentials.sigv4Principals[key] else {
                    return .refused(unauthorized("unknown access key"))
                }
                return .proven(principal)
            } catch let f as SigV4Verifier.Failure {
                if case .mismatch = f { return .refused(.error(403, "ForbiddenException", f.description)) }
                return .refused(unauthorized(f.description))
            } catch {
                return .refused(unauthorized("the SigV4 signature cannot be checked"))
            }
        }
        guard let token = bearer(request) else { return .refused(unauthorized("credentials are required")) }
        if let principal = credentials.tokens.first(where: {
            SigV4Verifier.constantTimeEqual(Array($0.key.utf8), Array(token.utf8))
        })?.value {
            return .proven(principal)
        }
        if let principal = await tokens.principal(for: token, now: WallClock.nowSeconds()) {
            return .proven(principal)
        }
        return .refused(unauthorized("the bearer token is unknown or expired"))
    }

    private func bearer(_ request: RESTServerRequest) -> String? {
        guard let h = request.header("Authorization"), h.lowercased().hasPrefix("bearer ") else { return nil }
        return String(h.dropFirst(7)).trimmingCharacters(" ")
    }

    private func unauthorized(_ message: String) -> RESTServerResponse {
        .error(401, "NotAuthorizedException", message)
    }

    /// Throws `forbidden` unless the principal's role is at least `role` in `namespace`.
    private func require(
        _ role: RESTRole, _ principal: RESTPrincipal, in namespace: Namespace, to action: @autoclosure () -> String
    ) throws {
        guard principal.role >= role, principal.covers(namespace) else {
            let scope = principal.namespaces.map { " in " + $0.map(\.description).joined(separator: ", ") } ?? ""
            throw CatalogError.forbidden(
                "\(principal.name) (\(principal.role.rawValue)\(scope)) may not \(action())")
        }
    }

    /// OAuth2 client credentials grant (form-encoded body, or HTTP Basic client authentication).
    private func issueToken(_ request: RESTServerRequest) async -> RESTServerResponse {
        func oauthError(_ status: Int, _ error: String, _ description: String) -> RESTServerResponse {
            .json(status, .object([("error", .string(error)), ("error_description", .string(description))]))
        }
        guard !credentials.oauthClients.isEmpty else {
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
        guard let id, let secret, let client = credentials.oauthClients[id],
            SigV4Verifier.constantTimeEqual(Array(secret.utf8), Array(client.secret.utf8))
        else {
            return oauthError(401, "invalid_client", "unknown client or wrong secret")
        }
        let lifetime = options.auth.tokenLifetimeSeconds
        let token = await tokens.issue(to: client.principal, lifetime: lifetime, now: WallClock.nowSeconds())
        return .json(
            200,
            .object([
                ("access_token", .string(token)), ("token_type", .string("bearer")),
                ("expires_in", .int(Int64(lifetime))),
                ("issued_token_type", .string("urn:ietf:params:oauth:token-type:access_token")),
            ]))
    }

    // MARK: Routing

    private func route(_ request: RESTServerRequest, _ principal: RESTPrincipal) async -> RESTServerResponse {
        if request.path.split(separator: "/") == ["v1", "config"] {
            guard request.method == "GET" else { return methodNotAllowed(request) }
            return config()
        }
        guard let rest = routeSegments(request.path) else {
            return .error(404, "NotFoundException", "no route for \(request.method) \(request.path)")
        }
        let query = RESTWire.parseQuery(request.query[...])
        func param(_ k: String) -> String? { query.first { $0.0 == k }?.1 }
        func require(_ role: RESTRole, in namespace: Namespace, to action: @autoclosure () -> String) throws {
            try self.require(role, principal, in: namespace, to: action())
        }
        do {
            switch (request.method, rest.count, rest.first, rest.count > 2 ? rest[2] : nil) {
            case ("GET", 1, "namespaces", _): return try await listNamespaces(param, principal)
            case ("POST", 1, "namespaces", _):
                let j = try body(request)
                let ns = try RESTWire.namespace(j["namespace"])
                try require(.write, in: ns, to: "create namespace \(ns)")
                return try await createNamespace(ns, j)
            case (_, 2, "namespaces", _):
                let ns = try RESTWire.parseNamespace(encoded: rest[1])
                switch request.method {
                case "GET":
                    try require(.read, in: ns, to: "read namespace \(ns)")
                    return .json(
                        200,
                        .object([
                            ("namespace", RESTWire.json(ns)),
                            ("properties", RESTWire.json(try await catalog.namespaceProperties(ns))),
                        ]))
                case "HEAD":
                    try require(.read, in: ns, to: "read namespace \(ns)")
                    return RESTServerResponse(status: try await catalog.namespaceExists(ns) ? 204 : 404)
                case "DELETE":
                    try require(.write, in: ns, to: "drop namespace \(ns)")
                    try await catalog.dropNamespace(ns)
                    return RESTServerResponse(status: 204)
                default: return methodNotAllowed(request)
                }
            case ("POST", 3, "namespaces", "properties"):
                let ns = try RESTWire.parseNamespace(encoded: rest[1])
                try require(.write, in: ns, to: "change the properties of namespace \(ns)")
                return try await updateProperties(ns, try body(request))
            case ("GET", 3, "namespaces", "tables"):
                let ns = try RESTWire.parseNamespace(encoded: rest[1])
                try require(.read, in: ns, to: "list the tables of \(ns)")
                return try await listTables(ns, param)
            case ("POST", 3, "namespaces", "tables"):
                let ns = try RESTWire.parseNamespace(encoded: rest[1])
                try require(.write, in: ns, to: "create tables in \(ns)")
                return try await createTable(ns, try body(request))
            case ("POST", 3, "namespaces", "register"):
                let ns = try RESTWire.parseNamespace(encoded: rest[1])
                try require(.admin, in: ns, to: "register tables in \(ns)")
                return try await registerTable(ns, try body(request))
            case (_, 4, "namespaces", "tables"):
                let id = try tableIdentifier(rest[1], rest[3])
                switch request.method {
                case "GET":
                    try require(.read, in: id.namespace, to: "load \(id)")
                    return try await loadTable(id, request, param)
                case "HEAD":
                    try require(.read, in: id.namespace, to: "load \(id)")
                    return RESTServerResponse(status: try await catalog.tableExists(id) ? 204 : 404)
                case "POST":
                    try require(.write, in: id.namespace, to: "commit to \(id)")
                    return try await commitTable(id, try body(request))
                case "DELETE":
                    let purge = param("purgeRequested") == "true"
                    try require(purge ? .admin : .write, in: id.namespace, to: purge ? "purge \(id)" : "drop \(id)")
                    try await catalog.dropTable(id, purge: purge)
                    return RESTServerResponse(status: 204)
                default: return methodNotAllowed(request)
                }
            case ("POST", 5, "namespaces", "tables") where rest[4] == "metrics":
                let id = try tableIdentifier(rest[1], rest[3])
                try require(.read, in: id.namespace, to: "report metrics of \(id)")
                return RESTServerResponse(status: 204)
            case ("POST", 2, "tables", _) where rest[1] == "rename":
                let j = try body(request)
                let from = try RESTWire.identifier(j["source"], field: "source")
                let to = try RESTWire.identifier(j["destination"], field: "destination")
                try require(.write, in: from.namespace, to: "rename \(from)")
                try require(.write, in: to.namespace, to: "rename tables into \(to.namespace)")
                try await catalog.renameTable(from, to: to)
                return RESTServerResponse(status: 204)
            case ("POST", 2, "transactions", _) where rest[1] == "commit":
                let commits = try transactionCommits(try body(request))
                for c in commits { try require(.write, in: c.identifier.namespace, to: "commit to \(c.identifier)") }
                return try await commitTransaction(commits)
            default:
                return .error(404, "NotFoundException", "no route for \(request.method) \(request.path)")
            }
        } catch let e as CatalogError {
            let (code, type) = RESTWire.status(of: e)
            if case .commitStateUnknown = e {
                return .internalError(
                    code, type, "the commit may or may not have landed; load the table to see", detail: e.description)
            }
            guard code < 500 else { return .internalError(code, type, "the server failed", detail: e.description) }
            return .error(code, type, e.description)
        } catch let e as IcebergError {
            return .error(400, "BadRequestException", "\(e)")
        } catch let e as JSONParseError {
            return .error(400, "BadRequestException", "malformed JSON body: \(e)")
        } catch {
            return .internalError(500, "ServiceFailureException", "the server failed", detail: "\(error)")
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

    private func listNamespaces(_ param: (String) -> String?, _ principal: RESTPrincipal) async throws
        -> RESTServerResponse
    {
        let parent = try param("parent").flatMap { $0.isEmpty ? nil : try RESTWire.parseNamespace(text: $0) }
        if let parent {
            if !principal.sees(parent) {
                try require(.read, principal, in: parent, to: "list the namespaces in \(parent)")
            }
            guard try await catalog.namespaceExists(parent) else {
                throw CatalogError.noSuchNamespace(parent.description)
            }
        }
        let (items, next) = try page(
            try await catalog.listNamespaces(parent: parent).filter(principal.sees),
            key: { $0.levels.joined(separator: RESTWire.namespaceSeparator) }, param)
        return .json(
            200,
            .object([
                ("namespaces", .array(items.map(RESTWire.json))),
                ("next-page-token", next.map { .string($0) } ?? .null),
            ]))
    }

    private func createNamespace(_ ns: Namespace, _ j: JSONValue) async throws -> RESTServerResponse {
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

    private func transactionCommits(_ j: JSONValue) throws -> [TableCommit] {
        guard let changes = j["table-changes"]?.arrayValue, !changes.isEmpty else {
            throw CatalogError.invalidArgument("'table-changes' must be a non-empty array")
        }
        return try changes.map { c -> TableCommit in
            let req = try RESTWire.commitTableRequest(c)
            guard let id = req.identifier else {
                throw CatalogError.invalidArgument("every table change needs an 'identifier'")
            }
            return TableCommit(identifier: id, requirements: req.requirements, updates: req.updates)
        }
    }

    private func commitTransaction(_ commits: [TableCommit]) async throws -> RESTServerResponse {
        if commits.count == 1, let c = commits.first {
            // One table: an ordinary commit (also a staged create), atomic in any catalog.
            _ = try await catalog.commitTable(c.identifier, requirements: c.requirements, updates: c.updates)
        } else {
            _ = try await catalog.commitTransaction(commits)
        }
        return RESTServerResponse(status: 204)
    }
}

/// Finalised answers by principal and `Idempotency-Key` (2xx and 4xx; 5xx are not kept, as
/// the spec says), 30 minutes, at most `perPrincipal` keys per principal (the oldest go
/// first). A repeat of a request still running waits for its answer; `records`, when given,
/// keeps finished answers beyond this process.
actor IdempotencyStore {
    private struct Entry {
        var fingerprint: String
        var task: Task<RESTServerResponse, Never>
        var at: Double
    }
    private var entries: [String: Entry] = [:]
    private var keysByPrincipal: [String: [String]] = [:]
    private let lifetime = 1800.0
    private let perPrincipal: Int
    private let records: (any IdempotencyRecords)?

    init(perPrincipal: Int, records: (any IdempotencyRecords)? = nil) {
        self.perPrincipal = max(1, perPrincipal)
        self.records = records
    }

    func run(
        principal: String, key: String, fingerprint: String,
        _ body: @escaping @Sendable () async -> RESTServerResponse
    ) async -> RESTServerResponse {
        let now = WallClock.nowSeconds()
        let id = principal + "\u{1F}" + key
        func mismatch() -> RESTServerResponse {
            .error(422, "UnprocessableEntityException", "Idempotency-Key \(key) was used for a different request")
        }
        if let e = entries[id], now - e.at < lifetime {
            guard e.fingerprint == fingerprint else { return mismatch() }
            return await e.task.value
        }
        if let records, let kept = try? await records.answer(principal: principal, key: key, since: now - lifetime) {
            guard kept.fingerprint == fingerprint else { return mismatch() }
            return kept.response
        }
        let task = Task { await body() }
        entries[id] = Entry(fingerprint: fingerprint, task: task, at: now)
        var keys = keysByPrincipal[principal, default: []].filter { entries[principal + "\u{1F}" + $0] != nil }
        keys.append(key)
        while keys.count > perPrincipal { entries[principal + "\u{1F}" + keys.removeFirst()] = nil }
        keysByPrincipal[principal] = keys
        let response = await task.value
        if response.status >= 500 {
            entries[id] = nil
        } else if let records {
            try? await records.keep(
                RecordedAnswer(fingerprint: fingerprint, response: response), principal: principal, key: key,
                at: now, perPrincipal: perPrincipal, since: now - lifetime)
        }
        return response
    }
}

/// Bearer tokens issued by the OAuth2 endpoint: their principal and expiry.
actor TokenStore {
    private var issued: [String: (principal: RESTPrincipal, expiry: Double)] = [:]

    func issue(to principal: RESTPrincipal, lifetime: Int, now: Double) -> String {
        issued = issued.filter { $0.value.expiry > now }
        let token = RandomUUID.make() + RandomUUID.make()
        issued[token] = (principal, now + Double(lifetime))
        return token
    }

    func principal(for token: String, now: Double) -> RESTPrincipal? {
        guard let entry = issued[token], entry.expiry > now else { return nil }
        return entry.principal
    }
}

extension String {
    func trimmingCharacters(_ c: Character) -> String {
        var s = self[...]
        while s.first == c { s = s.dropFirst() }
        while s.last == c { s = s.dropLast() }
        return String(s)
    }
}
