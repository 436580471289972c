import AWSTransport
import Iceberg
import JSONSupport

/// Amazon S3 Tables as a catalog: a table bucket holds namespaces and tables; each table's
/// current metadata file is swapped with `UpdateTableMetadataLocation`, its version token
/// acting as compare-and-swap. S3 Tables assigns every table its warehouse location and
/// deletes a table's files when the table is deleted.
///
/// Names follow S3 Tables rules: 1–255 characters of `a-z`, `0-9` and `_`, starting and
/// ending with a letter or digit; namespaces have one level and no properties.
public struct S3TablesPointerStore: MetadataPointerStore {
    /// The table bucket ARN (`arn:aws:s3tables:REGION:ACCOUNT:bucket/NAME`).
    public let tableBucketARN: String
    /// The control-plane client (signing name `s3tables`).
    public let client: AWSServiceClient

    /// Creates a store for a table bucket.
    public init(tableBucketARN: String, client: AWSServiceClient) {
        self.tableBucketARN = tableBucketARN
        self.client = client
    }

    /// The region of a table bucket ARN.
    public static func region(ofARN arn: String) throws -> String {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 6, parts[0] == "arn", parts[2] == "s3tables", !parts[3].isEmpty,
            parts[5].hasPrefix("bucket/")
        else {
            throw CatalogError.invalidArgument(
                "'\(arn)' is not a table bucket ARN (arn:aws:s3tables:REGION:ACCOUNT:bucket/NAME)")
        }
        return String(parts[3])
    }

    /// Checks a namespace or table name against the S3 Tables rules.
    public static func validate(name: String, kind: String) throws {
        let bytes = Array(name.utf8)
        func ok(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x5F }
        func alnum(_ b: UInt8) -> Bool { ok(b) && b != 0x5F }
        guard (1...255).contains(bytes.count), bytes.allSatisfy(ok), alnum(bytes.first!), alnum(bytes.last!) else {
            throw CatalogError.invalidArgument(
                "invalid S3 Tables \(kind) name '\(name)': use 1-255 characters of a-z, 0-9 and _, starting and ending with a letter or digit"
            )
        }
    }

    private func namespaceName(_ namespace: Namespace) throws -> String {
        guard namespace.levels.count == 1 else {
            throw CatalogError.invalidArgument("S3 Tables namespaces have one level; got '\(namespace)'")
        }
        try Self.validate(name: namespace.levels[0], kind: "namespace")
        return namespace.levels[0]
    }

    private func tablePath(_ table: TableIdentifier, _ suffix: String = "") throws -> String {
        try Self.tablePath(bucketARN: tableBucketARN, table, suffix)
    }

    /// The path of a table of a bucket in the S3 Tables API, `suffix` appended; names checked.
    static func tablePath(bucketARN: String, _ table: TableIdentifier, _ suffix: String) throws -> String {
        guard table.namespace.levels.count == 1 else {
            throw CatalogError.invalidArgument("S3 Tables namespaces have one level; got '\(table.namespace)'")
        }
        let ns = table.namespace.levels[0]
        try validate(name: ns, kind: "namespace")
        try validate(name: table.name, kind: "table")
        return "/tables/\(HTTPRequest.pathSegment(bucketARN))/\(ns)/\(table.name)\(suffix)"
    }

    private var bucketSegment: String { HTTPRequest.pathSegment(tableBucketARN) }

    private func call(
        _ method: String, _ path: String, query: [(String, String)] = [], body: JSONValue? = nil, _ operation: String
    ) async throws -> JSONValue {
        try await client.sendJSON(method: method, path: path, query: query, body: body, operation: operation)
    }

    private static func code(_ error: Error) -> String? { (error as? AWSError)?.serviceError?.code }

    /// Creates a namespace (S3 Tables namespaces carry no properties).
    public func createNamespace(_ namespace: Namespace, properties: [(String, String)]) async throws {
        let ns = try namespaceName(namespace)
        guard properties.isEmpty else { throw CatalogError.invalidArgument("S3 Tables namespaces have no properties") }
        do {
            _ = try await call(
                "PUT", "/namespaces/\(bucketSegment)", body: .object([("namespace", .array([.string(ns)]))]),
                "CreateNamespace")
        } catch  where Self.code(error) == "ConflictException" {
            throw CatalogError.namespaceAlreadyExists(namespace.description)
        }
    }

    /// Whether a namespace exists.
    public func namespaceExists(_ namespace: Namespace) async throws -> Bool {
        guard namespace.levels.count == 1, (try? Self.validate(name: namespace.levels[0], kind: "namespace")) != nil
        else { return false }
        do {
            _ = try await call("GET", "/namespaces/\(bucketSegment)/\(namespace.levels[0])", "GetNamespace")
            return true
        } catch  where Self.code(error) == "NotFoundException" {
            return false
        }
    }

    /// Every namespace of the bucket.
    public func allNamespaces() async throws -> [Namespace] {
        try await Self.listAll(
            client, path: "/namespaces/\(bucketSegment)", operation: "ListNamespaces", items: "namespaces"
        ) { n in
            let levels = n["namespace"]?.arrayValue?.compactMap(\.stringValue) ?? []
            return levels.isEmpty ? nil : Namespace(levels)
        }
    }

    /// S3 Tables namespaces have no properties.
    public func namespaceProperties(_ namespace: Namespace) async throws -> [(String, String)] { [] }

    /// Deletes a namespace.
    public func dropNamespace(_ namespace: Namespace) async throws {
        let ns = try namespaceName(namespace)
        _ = try await call("DELETE", "/namespaces/\(bucketSegment)/\(ns)", "DeleteNamespace")
    }

    /// The tables of a namespace.
    public func tables(in namespace: Namespace) async throws -> [TableIdentifier] {
        let ns = try namespaceName(namespace)
        return try await Self.listAll(
            client, path: "/tables/\(bucketSegment)", query: [("namespace", ns)], operation: "ListTables",
            items: "tables"
        ) { t in
            t["name"]?.stringValue.map { TableIdentifier(namespace: namespace, name: $0) }
        }
    }

    /// The table's metadata location and version token; nil if the table does not exist.
    func metadataLocation(_ table: TableIdentifier) async throws -> (location: String?, token: String)? {
        do {
            let r = try await call("GET", try tablePath(table, "/metadata-location"), "GetTableMetadataLocation")
            guard let token = r["versionToken"]?.stringValue else {
                throw AWSError.invalidResponse("s3tables GetTableMetadataLocation \(table): no versionToken")
            }
            return (r["metadataLocation"]?.stringValue, token)
        } catch  where Self.code(error) == "NotFoundException" {
            return nil
        }
    }

    /// The current metadata location (nil for a missing table or one still being created).
    public func pointer(_ table: TableIdentifier) async throws -> String? {
        guard table.namespace.levels.count == 1 else { return nil }
        return try await metadataLocation(table)?.location
    }

    /// Creates the table in S3 Tables and returns the warehouse location it assigned.
    public func reserveTable(_ table: TableIdentifier) async throws -> String? {
        let ns = try namespaceName(table.namespace)
        try Self.validate(name: table.name, kind: "table")
        do {
            _ = try await call(
                "PUT", "/tables/\(bucketSegment)/\(ns)",
                body: .object([("name", .string(table.name)), ("format", .string("ICEBERG"))]), "CreateTable")
        } catch  where Self.code(error) == "ConflictException" {
            throw CatalogError.tableAlreadyExists(table.description)
        } catch  where Self.code(error) == "NotFoundException" {
            throw CatalogError.noSuchNamespace(table.namespace.description)
        }
        let t = try await call(
            "GET", "/get-table", query: [("tableBucketARN", tableBucketARN), ("namespace", ns), ("name", table.name)],
            "GetTable")
        guard let location = t["warehouseLocation"]?.stringValue else {
            throw AWSError.invalidResponse("s3tables GetTable \(table): no warehouseLocation")
        }
        return location
    }

    /// Deletes a table reserved by a create that failed.
    public func releaseReservation(_ table: TableIdentifier) async {
        try? await deletePointer(table)
    }

    /// Points the new table at its first metadata file.
    public func createPointer(_ table: TableIdentifier, location: String, metadata: TableMetadata) async throws {
        guard let current = try await metadataLocation(table) else { throw CatalogError.noSuchTable(table.description) }
        guard current.location == nil else { throw CatalogError.tableAlreadyExists(table.description) }
        _ = try await update(table, token: current.token, location: location)
    }

    /// Swaps the metadata location if it is still `expected` and the version token unchanged.
    public func swapPointer(_ table: TableIdentifier, expected: String, new: String, metadata: TableMetadata)
        async throws -> Bool
    {
        guard let current = try await metadataLocation(table) else { throw CatalogError.noSuchTable(table.description) }
        guard current.location == expected else { return false }
        return try await update(table, token: current.token, location: new)
    }

    private func update(_ table: TableIdentifier, token: String, location: String) async throws -> Bool {
        do {
            _ = try await call(
                "PUT", try tablePath(table, "/metadata-location"),
                body: .object([("versionToken", .string(token)), ("metadataLocation", .string(location))]),
                "UpdateTableMetadataLocation")
            return true
        } catch  where Self.code(error) == "ConflictException" {
            return false
        }
    }

    /// Deletes the table (S3 Tables deletes its files).
    public func deletePointer(_ table: TableIdentifier) async throws {
        do {
            _ = try await call("DELETE", try tablePath(table), "DeleteTable")
        } catch  where Self.code(error) == "NotFoundException" {
            throw CatalogError.noSuchTable(table.description)
        }
    }

    /// Renames a table (possibly into another namespace).
    public func renamePointer(_ from: TableIdentifier, to: TableIdentifier) async throws {
        let ns = try namespaceName(to.namespace)
        try Self.validate(name: to.name, kind: "table")
        _ = try await call(
            "PUT", try tablePath(from, "/rename"),
            body: .object([("newNamespaceName", .string(ns)), ("newName", .string(to.name))]), "RenameTable")
    }

    /// S3 Tables deletes a table's files itself.
    public var managesStorage: Bool { true }

    /// Creates a table bucket and returns its ARN.
    public static func createTableBucket(name: String, client: AWSServiceClient) async throws -> String {
        let r = try await client.sendJSON(
            method: "PUT", path: "/buckets", body: .object([("name", .string(name))]), operation: "CreateTableBucket")
        guard let arn = r["arn"]?.stringValue else {
            throw AWSError.invalidResponse("s3tables CreateTableBucket: no arn")
        }
        return arn
    }

    /// The ARNs of the account's table buckets.
    public static func listTableBuckets(client: AWSServiceClient) async throws -> [String] {
        try await listAll(client, path: "/buckets", operation: "ListTableBuckets", items: "tableBuckets") {
            $0["arn"]?.stringValue
        }
    }

    /// Every item of a paginated list operation (`GET path?…&continuationToken=…`).
    static func listAll<T>(
        _ client: AWSServiceClient, path: String, query: [(String, String)] = [], operation: String,
        items key: String, _ item: (JSONValue) -> T?
    ) async throws -> [T] {
        var out: [T] = []
        var token: String?
        repeat {
            let page = try await client.sendJSON(
                method: "GET", path: path, query: query + (token.map { [("continuationToken", $0)] } ?? []),
                body: nil, operation: operation)
            out += (page[key]?.arrayValue ?? []).compactMap(item)
            token = page["continuationToken"]?.stringValue
        } while token != nil
        return out
    }
}
