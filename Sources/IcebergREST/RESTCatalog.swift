import HTTPSupport
import Iceberg
import JSONSupport

/// A `Catalog` backed by an Iceberg REST catalog server (PyIceberg/Java servers, S3 Tables'
/// and Glue's Iceberg endpoints, `iceberg serve`).
public struct RESTCatalog: Catalog {
    /// The catalog's name.
    public let name: String
    /// FileIO for tables whose load result names no other.
    public let io: FileIO
    /// The merged catalog configuration (server defaults, client settings, server overrides).
    public let configuration: [(String, String)]
    /// The endpoints the server announced (the spec's default set when it announced none).
    public let endpoints: Set<String>
    /// Whether the server deduplicates mutations by `Idempotency-Key`.
    public let supportsIdempotency: Bool
    let session: RESTSession
    /// `/v1` or `/v1/PREFIX`.
    let root: String
    /// The FileIO each loaded table's config asked for, reused for its commits.
    let tableIO = TableIOCache()

    /// Connects: reads `/v1/config` (with the warehouse) and applies its prefix and endpoints.
    public static func connect(_ options: RESTCatalogOptions, io: FileIO) async throws -> RESTCatalog {
        let session = try RESTSession(options)
        let query = options.warehouse.map { [("warehouse", $0)] } ?? []
        let answer = try await session.send("GET", "/v1/config", query: query)
        let defaults = try RESTWire.properties(answer.json?["defaults"], field: "defaults")
        let overrides = try RESTWire.properties(answer.json?["overrides"], field: "overrides")
        var merged = defaults
        if let w = options.warehouse {
            merged.removeAll { $0.0 == "warehouse" }
            merged.append(("warehouse", w))
        }
        for (k, v) in overrides {
            merged.removeAll { $0.0 == k }
            merged.append((k, v))
        }
        let prefix = merged.last { $0.0 == "prefix" }?.1 ?? options.prefix
        let announced = answer.json?["endpoints"]?.arrayValue?.compactMap(\.stringValue)
        let endpoints = Set(announced ?? Self.defaultEndpoints)
        let idempotent = answer.json?["idempotency-key-lifetime"]?.stringValue != nil
        return RESTCatalog(
            name: options.name, io: io, configuration: merged, endpoints: endpoints, supportsIdempotency: idempotent,
            session: session, root: prefix.map { $0.isEmpty ? "/v1" : "/v1/" + Self.prefixPath($0) } ?? "/v1")
    }

    /// A prefix as path segments: kept as given when already encoded, else encoded per segment.
    static func prefixPath(_ prefix: String) -> String {
        prefix.split(separator: "/", omittingEmptySubsequences: true).map { segment in
            segment.contains("%") ? String(segment) : RESTWire.encode(String(segment))
        }.joined(separator: "/")
    }

    /// Endpoints a server that announces none supports (the spec's list).
    static let defaultEndpoints = [
        "GET /v1/{prefix}/namespaces", "POST /v1/{prefix}/namespaces", "GET /v1/{prefix}/namespaces/{namespace}",
        "DELETE /v1/{prefix}/namespaces/{namespace}", "POST /v1/{prefix}/namespaces/{namespace}/properties",
        "GET /v1/{prefix}/namespaces/{namespace}/tables", "POST /v1/{prefix}/namespaces/{namespace}/tables",
        "GET /v1/{prefix}/namespaces/{namespace}/tables/{table}",
        "POST /v1/{prefix}/namespaces/{namespace}/tables/{table}",
        "DELETE /v1/{prefix}/namespaces/{namespace}/tables/{table}",
        "POST /v1/{prefix}/namespaces/{namespace}/register",
        "POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/metrics", "POST /v1/{prefix}/tables/rename",
        "POST /v1/{prefix}/transactions/commit",
    ]

    private func supports(_ endpoint: String) -> Bool { endpoints.contains(endpoint) }

    private func require(_ endpoint: String) throws {
        guard supports(endpoint) else {
            throw CatalogError.unsupported("\(name): the server does not offer \(endpoint)")
        }
    }

    /// A fresh key per logical mutation (UUIDv7: time-ordered, as the spec asks), or nil when
    /// the server does not deduplicate.
    private func idempotencyKey() -> String? {
        guard supportsIdempotency else { return nil }
        let ms = UInt64(WallClock.nowSeconds() * 1000)
        var b = (0..<16).map { _ in UInt8.random(in: 0...255) }
        for i in 0..<6 { b[i] = UInt8(truncatingIfNeeded: ms >> (40 - 8 * UInt64(i))) }
        b[6] = (b[6] & 0x0F) | 0x70
        b[8] = (b[8] & 0x3F) | 0x80
        return ByteText.uuid(b)
    }

    private func namespacePath(_ ns: Namespace) -> String { "\(root)/namespaces/\(RESTWire.namespacePath(ns))" }
    private func tablePath(_ id: TableIdentifier) -> String {
        "\(namespacePath(id.namespace))/tables/\(RESTWire.encode(id.name))"
    }

    /// Follows `next-page-token` until the last page.
    private func allPages(_ path: String, query: [(String, String)], field: String) async throws -> [JSONValue] {
        var items: [JSONValue] = []
        var token = ""
        var seen = Set<String>()
        while true {
            var q = query + [("pageToken", token)]
            if let size = session.options.pageSize { q.append(("pageSize", String(size))) }
            let answer = try await session.send("GET", path, query: q)
            items += answer.json?[field]?.arrayValue ?? []
            guard let next = answer.json?["next-page-token"]?.stringValue, !next.isEmpty else { return items }
            guard seen.insert(next).inserted else {
                throw RESTCatalogError(
                    status: 200, type: "PaginationError", message: "the server repeated page token \(next)",
                    request: "GET \(path)")
            }
            token = next
        }
    }

    // MARK: Namespaces

    /// Creates a namespace.
    public func createNamespace(_ namespace: Namespace, properties: [(String, String)]) async throws {
        _ = try await session.send(
            "POST", "\(root)/namespaces",
            body: .object([("namespace", RESTWire.json(namespace)), ("properties", RESTWire.json(properties))]),
            operation: .namespace, idempotencyKey: idempotencyKey())
    }

    /// Lists namespaces under `parent` (all pages).
    public func listNamespaces(parent: Namespace?) async throws -> [Namespace] {
        let query = parent.map { [("parent", $0.levels.joined(separator: RESTWire.namespaceSeparator))] } ?? []
        return try await allPages("\(root)/namespaces", query: query, field: "namespaces").map {
            try RESTWire.namespace($0)
        }
    }

    /// A namespace's properties.
    public func namespaceProperties(_ namespace: Namespace) async throws -> [(String, String)] {
        let answer = try await session.send("GET", namespacePath(namespace), operation: .namespace)
        return try RESTWire.properties(answer.json?["properties"], field: "properties")
    }

    /// Whether a namespace exists (HEAD where offered).
    public func namespaceExists(_ namespace: Namespace) async throws -> Bool {
        guard supports("HEAD /v1/{prefix}/namespaces/{namespace}") else {
            do {
                _ = try await namespaceProperties(namespace)
                return true
            } catch CatalogError.noSuchNamespace { return false }
        }
        return try await session.send("HEAD", namespacePath(namespace), accept: [404]).status != 404
    }

    /// Drops an empty namespace.
    public func dropNamespace(_ namespace: Namespace) async throws {
        _ = try await session.send(
            "DELETE", namespacePath(namespace), operation: .namespace, idempotencyKey: idempotencyKey())
    }

    /// Sets and removes namespace properties.
    public func updateNamespaceProperties(_ namespace: Namespace, removals: [String], updates: [(String, String)])
        async throws -> NamespacePropertiesChange
    {
        let body = JSONValue.object([
            ("removals", .array(removals.map { .string($0) })), ("updates", RESTWire.json(updates)),
        ])
        let j = try await session.send(
            "POST", namespacePath(namespace) + "/properties", body: body, operation: .namespace,
            idempotencyKey: idempotencyKey()
        ).json
        func list(_ k: String) -> [String] { j?[k]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        return NamespacePropertiesChange(updated: list("updated"), removed: list("removed"), missing: list("missing"))
    }

    // MARK: Tables

    /// Lists a namespace's tables (all pages).
    public func listTables(_ namespace: Namespace) async throws -> [TableIdentifier] {
        try await allPages(namespacePath(namespace) + "/tables", query: [], field: "identifiers").map {
            try RESTWire.identifier($0, field: "identifiers")
        }
    }

    /// Whether a table exists (HEAD where offered).
    public func tableExists(_ identifier: TableIdentifier) async throws -> Bool {
        guard supports("HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}") else {
            do {
                _ = try await loadTable(identifier)
                return true
            } catch CatalogError.noSuchTable { return false }
        }
        return try await session.send("HEAD", tablePath(identifier), accept: [404]).status != 404
    }

    /// A table from a load result, with the FileIO its config asks for.
    private func table(_ identifier: TableIdentifier, _ json: JSONValue?) async throws -> Table {
        guard let json else {
            throw RESTCatalogError(
                status: 200, type: "InvalidResponse", message: "empty table answer", request: identifier.description)
        }
        let result = try RESTWire.loadTableResult(json)
        guard let location = result.metadataLocation else {
            throw RESTCatalogError(
                status: 200, type: "InvalidResponse", message: "the table answer has no metadata-location",
                request: identifier.description)
        }
        let fileIO =
            try session.options.fileIO?(result.metadata.location, result.fileIOConfig(for: result.metadata.location))
            ?? io
        await tableIO.put(identifier, fileIO)
        return Table(
            identifier: identifier, metadata: result.metadata, metadataLocation: location, io: fileIO, catalog: self)
    }

    /// Creates a table.
    public func createTable(_ identifier: TableIdentifier, _ creation: TableCreation) async throws -> Table {
        let body = RESTWire.createTableRequest(name: identifier.name, creation, stageCreate: false)
        let answer = try await session.send(
            "POST", namespacePath(identifier.namespace) + "/tables", body: body, operation: .table,
            idempotencyKey: idempotencyKey())
        return try await table(identifier, answer.json)
    }

    /// Stages a create: the server answers with the would-be metadata; commit it with
    /// `commitTable(id, requirements: [.assertCreate], updates: staged.creationUpdates + …)`.
    public func stageCreateTable(_ identifier: TableIdentifier, _ creation: TableCreation) async throws -> StagedTable {
        let body = RESTWire.createTableRequest(name: identifier.name, creation, stageCreate: true)
        let answer = try await session.send(
            "POST", namespacePath(identifier.namespace) + "/tables", body: body, operation: .table,
            idempotencyKey: idempotencyKey())
        guard let json = answer.json else {
            throw RESTCatalogError(
                status: answer.status, type: "InvalidResponse", message: "empty answer",
                request: "stage create \(identifier)")
        }
        let result = try RESTWire.loadTableResult(json)
        return StagedTable(identifier: identifier, metadata: result.metadata, config: result.config)
    }

    /// Loads a table.
    public func loadTable(_ identifier: TableIdentifier) async throws -> Table {
        try await table(identifier, try await session.send("GET", tablePath(identifier), operation: .table).json)
    }

    /// Drops a table; with `purge` the server deletes its files.
    public func dropTable(_ identifier: TableIdentifier, purge: Bool) async throws {
        _ = try await session.send(
            "DELETE", tablePath(identifier), query: purge ? [("purgeRequested", "true")] : [],
            operation: .table, idempotencyKey: idempotencyKey())
    }

    /// Renames a table.
    public func renameTable(_ from: TableIdentifier, to: TableIdentifier) async throws {
        _ = try await session.send(
            "POST", "\(root)/tables/rename",
            body: .object([("source", RESTWire.json(from)), ("destination", RESTWire.json(to))]),
            operation: .table, idempotencyKey: idempotencyKey())
    }

    /// Registers an existing metadata file as a table.
    public func registerTable(_ identifier: TableIdentifier, metadataLocation: String) async throws -> Table {
        try require("POST /v1/{prefix}/namespaces/{namespace}/register")
        let body = JSONValue.object([
            ("name", .string(identifier.name)), ("metadata-location", .string(metadataLocation)),
        ])
        let answer = try await session.send(
            "POST", namespacePath(identifier.namespace) + "/register", body: body, operation: .table,
            idempotencyKey: idempotencyKey())
        return try await table(identifier, answer.json)
    }

    /// Commits requirements and updates. 409 → `commitConflict` (the append retry loop
    /// refreshes and re-applies); 5xx or a lost answer → `commitStateUnknown` (written files
    /// are then kept). With server deduplication a lost answer is asked again under the same
    /// `Idempotency-Key`.
    public func commitTable(_ identifier: TableIdentifier, requirements: [TableRequirement], updates: [TableUpdate])
        async throws -> Table
    {
        let body = RESTWire.commitTableRequest(identifier, requirements: requirements, updates: updates)
        let answer = try await session.send(
            "POST", tablePath(identifier), body: body, operation: .commit, idempotencyKey: idempotencyKey())
        guard let json = answer.json, let location = json["metadata-location"]?.stringValue, let m = json["metadata"]
        else {
            throw CatalogError.commitStateUnknown("\(identifier): the commit answer has no metadata")
        }
        let metadata: TableMetadata
        do { metadata = try TableMetadata(json: m) } catch {
            throw CatalogError.commitStateUnknown("\(identifier): unreadable commit answer: \(error)")
        }
        return Table(
            identifier: identifier, metadata: metadata, metadataLocation: location,
            io: await tableIO.get(identifier) ?? io, catalog: self)
    }

    /// Whether the server announced multi-table commits.
    public var supportsTransactions: Bool { supports("POST /v1/{prefix}/transactions/commit") }

    /// Commits changes to several tables atomically (server side), then loads them.
    public func commitTransaction(_ commits: [TableCommit]) async throws -> [Table] {
        try require("POST /v1/{prefix}/transactions/commit")
        let body = JSONValue.object([
            (
                "table-changes",
                .array(
                    commits.map {
                        RESTWire.commitTableRequest($0.identifier, requirements: $0.requirements, updates: $0.updates)
                    })
            )
        ])
        _ = try await session.send(
            "POST", "\(root)/transactions/commit", body: body, operation: .commit, idempotencyKey: idempotencyKey())
        var out: [Table] = []
        for c in commits { out.append(try await loadTable(c.identifier)) }
        return out
    }
}

/// FileIOs by table, as built from the tables' load results.
actor TableIOCache {
    private var entries: [TableIdentifier: FileIO] = [:]
    func get(_ id: TableIdentifier) -> FileIO? { entries[id] }
    func put(_ id: TableIdentifier, _ io: FileIO) {
        if entries.count > 256 { entries.removeAll() }
        entries[id] = io
    }
}
