import HTTPSupport
import Iceberg
import JSONSupport

/// The JSON and URL forms of the Iceberg REST catalog protocol, shared by the client and
/// the server (`open-api/rest-catalog-open-api.yaml`).
public enum RESTWire {
    /// The unit separator between namespace levels in a path or `parent` parameter.
    public static let namespaceSeparator = "\u{1F}"

    // MARK: Paths

    /// Percent-encodes one path segment or query value (RFC 3986 unreserved characters kept).
    public static func encode(_ text: String) -> String { URIEncoding.percentEncode(text) }

    /// Decodes `%XX` escapes (and `+` as space when `plusIsSpace`); nil on a broken escape or
    /// bytes that are not UTF-8.
    public static func decode(_ text: Substring, plusIsSpace: Bool = false) -> String? {
        URIEncoding.percentDecode(text, plusIsSpace: plusIsSpace)
    }

    /// A namespace as one encoded path segment: levels joined by `%1F`.
    public static func namespacePath(_ namespace: Namespace) -> String {
        encode(namespace.levels.joined(separator: namespaceSeparator))
    }

    /// Parses an encoded namespace path segment (levels split on 0x1F).
    public static func parseNamespace(encoded: Substring) throws -> Namespace {
        guard let text = decode(encoded) else { throw CatalogError.invalidArgument("malformed namespace '\(encoded)'") }
        return try parseNamespace(text: text)
    }

    /// Parses a decoded namespace (a `parent` query value): levels split on 0x1F.
    public static func parseNamespace(text: String) throws -> Namespace {
        let levels = text.split(separator: Character(namespaceSeparator), omittingEmptySubsequences: false).map(
            String.init)
        guard !levels.isEmpty, !levels.contains(where: \.isEmpty) else {
            throw CatalogError.invalidArgument("malformed namespace '\(text)'")
        }
        return Namespace(levels)
    }

    /// Splits a query string into decoded pairs.
    public static func parseQuery(_ query: Substring) -> [(String, String)] {
        query.split(separator: "&").compactMap { part in
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let k = decode(kv[0], plusIsSpace: true) else { return nil }
            return (k, kv.count > 1 ? decode(kv[1], plusIsSpace: true) ?? "" : "")
        }
    }

    // MARK: Identifiers and properties

    /// `["a", "b"]`.
    public static func json(_ namespace: Namespace) -> JSONValue { .array(namespace.levels.map { .string($0) }) }

    /// Parses `["a", "b"]`.
    public static func namespace(_ json: JSONValue?, field: String = "namespace") throws -> Namespace {
        guard let a = json?.arrayValue, !a.isEmpty else {
            throw CatalogError.invalidArgument("'\(field)' must be a non-empty array of strings")
        }
        let levels = try a.map { v -> String in
            guard let s = v.stringValue, !s.isEmpty else {
                throw CatalogError.invalidArgument("'\(field)' must be a non-empty array of strings")
            }
            return s
        }
        return Namespace(levels)
    }

    /// `{"namespace": […], "name": "t"}`.
    public static func json(_ id: TableIdentifier) -> JSONValue {
        .object([("namespace", json(id.namespace)), ("name", .string(id.name))])
    }

    /// Parses `{"namespace": […], "name": "t"}`.
    public static func identifier(_ json: JSONValue?, field: String) throws -> TableIdentifier {
        guard let j = json, let name = j["name"]?.stringValue, !name.isEmpty else {
            throw CatalogError.invalidArgument("'\(field)' must be an identifier object with a name")
        }
        return TableIdentifier(namespace: try namespace(j["namespace"], field: "\(field).namespace"), name: name)
    }

    /// A string map.
    public static func json(_ properties: [(String, String)]) -> JSONValue {
        .object(properties.map { ($0.0, .string($0.1)) })
    }

    /// Parses a string map (absent or null: empty); non-string values are an error.
    public static func properties(_ json: JSONValue?, field: String) throws -> [(String, String)] {
        guard let j = json, j != .null else { return [] }
        guard case .object(let pairs) = j else {
            throw CatalogError.invalidArgument("'\(field)' must be an object of strings")
        }
        return try pairs.map { k, v in
            guard let s = v.stringValue else { throw CatalogError.invalidArgument("'\(field).\(k)' must be a string") }
            return (k, s)
        }
    }

    // MARK: Tables

    /// A `LoadTableResult` / `CommitTableResponse` body.
    public static func loadTableResult(metadataLocation: String?, metadata: TableMetadata, config: [(String, String)])
        -> JSONValue
    {
        var pairs: [(String, JSONValue)] = []
        if let metadataLocation { pairs.append(("metadata-location", .string(metadataLocation))) }
        pairs.append(("metadata", metadata.json))
        pairs.append(("config", json(config)))
        return .object(pairs)
    }

    /// The parts of a `LoadTableResult`.
    public struct LoadTableResult: Sendable {
        /// The metadata file location (nil for a staged table).
        public var metadataLocation: String?
        /// The table metadata.
        public var metadata: TableMetadata
        /// Table-specific configuration (FileIO settings, credentials, a `token`).
        public var config: [(String, String)]
        /// Storage credentials by location prefix.
        public var storageCredentials: [(prefix: String, config: [(String, String)])]

        /// The configuration for a file location: `config`, then the most specific
        /// storage credential whose prefix matches, as the spec asks.
        public func fileIOConfig(for location: String) -> [(String, String)] {
            var out = config
            if let best = storageCredentials.filter({ location.hasPrefix($0.prefix) }).max(by: {
                $0.prefix.count < $1.prefix.count
            }) {
                for (k, v) in best.config {
                    out.removeAll { $0.0 == k }
                    out.append((k, v))
                }
            }
            return out
        }
    }

    /// Parses a `LoadTableResult`.
    public static func loadTableResult(_ j: JSONValue) throws -> LoadTableResult {
        guard let m = j["metadata"], m != .null else {
            throw CatalogError.invalidArgument("the response has no table metadata")
        }
        let metadata: TableMetadata
        do { metadata = try TableMetadata(json: m) } catch {
            throw CatalogError.invalidArgument("the response's table metadata is invalid: \(error)")
        }
        var creds: [(prefix: String, config: [(String, String)])] = []
        for c in j["storage-credentials"]?.arrayValue ?? [] {
            guard let prefix = c["prefix"]?.stringValue else { continue }
            creds.append((prefix, try properties(c["config"], field: "storage-credentials.config")))
        }
        return LoadTableResult(
            metadataLocation: j["metadata-location"]?.stringValue, metadata: metadata,
            config: try properties(j["config"], field: "config"), storageCredentials: creds)
    }

    /// A `CreateTableRequest` body.
    public static func createTableRequest(name: String, _ c: TableCreation, stageCreate: Bool) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("name", .string(name))]
        if let l = c.location { pairs.append(("location", .string(l))) }
        pairs.append(("schema", c.schema.json))
        pairs.append(("partition-spec", c.spec.json))
        pairs.append(("write-order", c.sortOrder.json))
        pairs.append(("stage-create", .bool(stageCreate)))
        var props = c.properties
        if !props.contains(where: { $0.0 == "format-version" }) {
            props.append(("format-version", String(c.formatVersion)))
        }
        pairs.append(("properties", json(props)))
        return .object(pairs)
    }

    /// Parses a `CreateTableRequest`: the name, the creation options and `stage-create`.
    /// A `format-version` property selects the format version (Java and PyIceberg send it so).
    public static func createTableRequest(_ j: JSONValue) throws -> (name: String, creation: TableCreation, stage: Bool)
    {
        guard let name = j["name"]?.stringValue, !name.isEmpty else {
            throw CatalogError.invalidArgument("'name' is required")
        }
        guard let s = j["schema"], s != .null else { throw CatalogError.invalidArgument("'schema' is required") }
        do {
            let schema = try Schema(json: s)
            let spec =
                try j["partition-spec"].flatMap { $0 == .null ? nil : try PartitionSpec(json: $0) } ?? .unpartitioned
            let order = try j["write-order"].flatMap { $0 == .null ? nil : try SortOrder(json: $0) } ?? .unsorted
            var props = try properties(j["properties"], field: "properties")
            var version = 2
            if let v = props.first(where: { $0.0 == "format-version" })?.1 {
                guard let n = Int(v) else {
                    throw CatalogError.invalidArgument("format-version '\(v)' is not a number")
                }
                version = n
                props.removeAll { $0.0 == "format-version" }
            }
            let creation = TableCreation(
                schema: schema, spec: spec, sortOrder: order, properties: props,
                location: j["location"]?.stringValue, formatVersion: version)
            return (name, creation, j["stage-create"]?.boolValue ?? false)
        } catch let e as IcebergError {
            throw CatalogError.invalidArgument("invalid table definition: \(e)")
        }
    }

    /// A `CommitTableRequest` body.
    public static func commitTableRequest(
        _ id: TableIdentifier?, requirements: [TableRequirement], updates: [TableUpdate]
    ) -> JSONValue {
        var pairs: [(String, JSONValue)] = []
        if let id { pairs.append(("identifier", json(id))) }
        pairs.append(("requirements", .array(requirements.map(\.json))))
        pairs.append(("updates", .array(updates.map(\.json))))
        return .object(pairs)
    }

    /// Parses a `CommitTableRequest`.
    public static func commitTableRequest(_ j: JSONValue) throws -> (
        identifier: TableIdentifier?, requirements: [TableRequirement], updates: [TableUpdate]
    ) {
        guard let r = j["requirements"]?.arrayValue, let u = j["updates"]?.arrayValue else {
            throw CatalogError.invalidArgument("a commit needs 'requirements' and 'updates' arrays")
        }
        let id = try j["identifier"].flatMap { $0 == .null ? nil : try identifier($0, field: "identifier") }
        return (id, try r.map(TableRequirement.init(json:)), try u.map(TableUpdate.init(json:)))
    }

    // MARK: Errors

    /// An `IcebergErrorResponse` body.
    public static func errorBody(code: Int, type: String, message: String) -> JSONValue {
        .object([
            ("error", .object([("message", .string(message)), ("type", .string(type)), ("code", .int(Int64(code)))]))
        ])
    }

    /// The HTTP status and error type the spec gives a catalog error.
    public static func status(of error: CatalogError) -> (code: Int, type: String) {
        switch error {
        case .noSuchNamespace: return (404, "NoSuchNamespaceException")
        case .noSuchTable: return (404, "NoSuchTableException")
        case .namespaceAlreadyExists: return (409, "AlreadyExistsException")
        case .tableAlreadyExists: return (409, "AlreadyExistsException")
        case .namespaceNotEmpty: return (409, "NamespaceNotEmptyException")
        case .commitConflict: return (409, "CommitFailedException")
        case .invalidCommit, .validationFailed: return (400, "ValidationException")
        case .commitStateUnknown: return (500, "CommitStateUnknownException")
        case .invalidArgument: return (400, "BadRequestException")
        case .storage: return (500, "ServiceFailureException")
        case .unsupported: return (406, "UnsupportedOperationException")
        case .forbidden: return (403, "ForbiddenException")
        }
    }
}
