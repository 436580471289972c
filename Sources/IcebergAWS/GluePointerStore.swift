import AWSTransport
import Iceberg
import JSONSupport

/// The AWS Glue Data Catalog as a catalog: databases are namespaces; an Iceberg table is a
/// Glue table of type `EXTERNAL_TABLE` with the parameters `table_type=ICEBERG`,
/// `metadata_location` and `previous_metadata_location`, and a storage descriptor holding the
/// table location and its columns — as PyIceberg and Java's GlueCatalog register tables, so
/// Athena and those clients see the same table. Commits use Glue's optimistic locking
/// (`UpdateTable` with the `VersionId` that was read).
public struct GluePointerStore: MetadataPointerStore {
    /// The service client (signing name `glue`).
    public let client: AWSServiceClient
    /// The catalog id (an account id, or `ACCOUNT:s3tablescatalog/BUCKET`), or nil for the caller's account.
    public let catalogId: String?

    /// Creates a store.
    public init(client: AWSServiceClient, catalogId: String? = nil) {
        self.client = client
        self.catalogId = catalogId
    }

    private func call(_ operation: String, _ fields: [(String, JSONValue)]) async throws -> JSONValue {
        var body = fields
        if let catalogId { body.insert(("CatalogId", .string(catalogId)), at: 0) }
        return try await client.sendJSON(
            method: "POST", path: "/", target: "AWSGlue.\(operation)", body: .object(body), operation: operation)
    }

    private static func code(_ error: Error) -> String? { (error as? AWSError)?.serviceError?.code }

    private func database(_ namespace: Namespace) throws -> String {
        guard namespace.levels.count == 1, !namespace.levels[0].isEmpty else {
            throw CatalogError.invalidArgument("Glue databases have one level; got '\(namespace)'")
        }
        return namespace.levels[0]
    }

    /// Creates a database; the property `location` becomes its `LocationUri`, `comment` its description.
    public func createNamespace(_ namespace: Namespace, properties: [(String, String)]) async throws {
        var input: [(String, JSONValue)] = [("Name", .string(try database(namespace)))]
        var parameters: [(String, JSONValue)] = []
        for (k, v) in properties {
            switch k {
            case "location": input.append(("LocationUri", .string(v)))
            case "comment": input.append(("Description", .string(v)))
            default: parameters.append((k, .string(v)))
            }
        }
        input.append(("Parameters", .object(parameters)))
        do {
            _ = try await call("CreateDatabase", [("DatabaseInput", .object(input))])
        } catch  where Self.code(error) == "AlreadyExistsException" {
            throw CatalogError.namespaceAlreadyExists(namespace.description)
        }
    }

    private func getDatabase(_ namespace: Namespace) async throws -> JSONValue? {
        guard namespace.levels.count == 1 else { return nil }
        do {
            return try await call("GetDatabase", [("Name", .string(namespace.levels[0]))])["Database"]
        } catch  where Self.code(error) == "EntityNotFoundException" {
            return nil
        }
    }

    /// Whether a database exists.
    public func namespaceExists(_ namespace: Namespace) async throws -> Bool { try await getDatabase(namespace) != nil }

    /// Every database.
    public func allNamespaces() async throws -> [Namespace] {
        try await allPages("GetDatabases", [], items: "DatabaseList") { db in
            db["Name"]?.stringValue.map { Namespace([$0]) }
        }
    }

    /// A database's parameters, with `location` and `comment`.
    public func namespaceProperties(_ namespace: Namespace) async throws -> [(String, String)] {
        guard let db = try await getDatabase(namespace) else {
            throw CatalogError.noSuchNamespace(namespace.description)
        }
        var out: [(String, String)] = []
        if case .object(let params)? = db["Parameters"] {
            out += params.compactMap { k, v in v.stringValue.map { (k, $0) } }
        }
        if let l = db["LocationUri"]?.stringValue { out.append(("location", l)) }
        if let d = db["Description"]?.stringValue { out.append(("comment", d)) }
        return out
    }

    /// Deletes a database.
    public func dropNamespace(_ namespace: Namespace) async throws {
        _ = try await call("DeleteDatabase", [("Name", .string(try database(namespace)))])
    }

    /// The Iceberg tables of a database (other Glue tables are skipped).
    public func tables(in namespace: Namespace) async throws -> [TableIdentifier] {
        try await allPages("GetTables", [("DatabaseName", .string(try database(namespace)))], items: "TableList") { t in
            Self.isIceberg(t) ? t["Name"]?.stringValue.map { TableIdentifier(namespace: namespace, name: $0) } : nil
        }
    }

    /// Every item of a paginated Glue operation, following `NextToken`.
    private func allPages<T>(
        _ operation: String, _ fields: [(String, JSONValue)], items key: String,
        _ item: (JSONValue) -> T?
    ) async throws -> [T] {
        var out: [T] = []
        var token: String?
        repeat {
            let page = try await call(operation, fields + (token.map { [("NextToken", .string($0))] } ?? []))
            out += (page[key]?.arrayValue ?? []).compactMap(item)
            token = page["NextToken"]?.stringValue
        } while token != nil
        return out
    }

    static func isIceberg(_ table: JSONValue) -> Bool {
        table["Parameters"]?["table_type"]?.stringValue?.uppercased() == "ICEBERG"
    }

    private func getTable(_ table: TableIdentifier) async throws -> JSONValue? {
        guard table.namespace.levels.count == 1 else { return nil }
        do {
            return try await call(
                "GetTable", [("DatabaseName", .string(table.namespace.levels[0])), ("Name", .string(table.name))])[
                    "Table"]
        } catch  where Self.code(error) == "EntityNotFoundException" {
            return nil
        }
    }

    /// The metadata location of an Iceberg table; nil if absent (or not an Iceberg table).
    public func pointer(_ table: TableIdentifier) async throws -> String? {
        guard let t = try await getTable(table), Self.isIceberg(t) else { return nil }
        return t["Parameters"]?["metadata_location"]?.stringValue
    }

    /// Registers a new Iceberg table.
    public func createPointer(_ table: TableIdentifier, location: String, metadata: TableMetadata) async throws {
        let input = Self.tableInput(
            name: table.name, metadataLocation: location, previous: nil, metadata: metadata, existingParameters: [])
        do {
            _ = try await call(
                "CreateTable", [("DatabaseName", .string(try database(table.namespace))), ("TableInput", input)])
        } catch  where Self.code(error) == "AlreadyExistsException" {
            throw CatalogError.tableAlreadyExists(table.description)
        } catch  where Self.code(error) == "EntityNotFoundException" {
            throw CatalogError.noSuchNamespace(table.namespace.description)
        }
    }

    /// Updates the table if its metadata location is still `expected`, with the `VersionId`
    /// read alongside it; Glue's `ConcurrentModificationException` means another writer won.
    public func swapPointer(_ table: TableIdentifier, expected: String, new: String, metadata: TableMetadata)
        async throws -> Bool
    {
        guard let current = try await getTable(table), Self.isIceberg(current) else {
            throw CatalogError.noSuchTable(table.description)
        }
        guard current["Parameters"]?["metadata_location"]?.stringValue == expected else { return false }
        var existing: [(String, JSONValue)] = []
        if case .object(let p)? = current["Parameters"] { existing = p }
        let input = Self.tableInput(
            name: table.name, metadataLocation: new, previous: expected, metadata: metadata,
            existingParameters: existing)
        var fields: [(String, JSONValue)] = [
            ("DatabaseName", .string(try database(table.namespace))), ("TableInput", input),
        ]
        if let version = current["VersionId"]?.stringValue { fields.append(("VersionId", .string(version))) }
        do {
            _ = try await call("UpdateTable", fields)
            return true
        } catch  where Self.code(error) == "ConcurrentModificationException" {
            return false
        }
    }

    /// Deletes the Glue table (files stay unless purged).
    public func deletePointer(_ table: TableIdentifier) async throws {
        do {
            _ = try await call(
                "DeleteTable",
                [("DatabaseName", .string(try database(table.namespace))), ("Name", .string(table.name))])
        } catch  where Self.code(error) == "EntityNotFoundException" {
            throw CatalogError.noSuchTable(table.description)
        }
    }

    /// Glue has no rename: the table is created under the new name with the same input, then
    /// the old one is deleted (as PyIceberg does).
    public func renamePointer(_ from: TableIdentifier, to: TableIdentifier) async throws {
        guard let current = try await getTable(from) else { throw CatalogError.noSuchTable(from.description) }
        var input: [(String, JSONValue)] = [("Name", .string(to.name))]
        for key in ["Description", "Owner", "TableType", "Parameters", "StorageDescriptor", "PartitionKeys"] {
            if let v = current[key] { input.append((key, Self.tableInputValue(key: key, v))) }
        }
        do {
            _ = try await call(
                "CreateTable", [("DatabaseName", .string(try database(to.namespace))), ("TableInput", .object(input))])
        } catch  where Self.code(error) == "AlreadyExistsException" {
            throw CatalogError.tableAlreadyExists(to.description)
        }
        do {
            try await deletePointer(from)
        } catch {
            try? await deletePointer(to)
            throw error
        }
    }

    /// A storage descriptor as read has fields a `TableInput` does not accept; keep the writable ones.
    static func tableInputValue(key: String, _ value: JSONValue) -> JSONValue {
        guard key == "StorageDescriptor", case .object(let pairs) = value else { return value }
        let writable: Set<String> = [
            "Columns", "Location", "InputFormat", "OutputFormat", "Compressed", "NumberOfBuckets",
            "SerdeInfo", "BucketColumns", "SortColumns", "Parameters", "StoredAsSubDirectories",
        ]
        return .object(pairs.filter { writable.contains($0.0) })
    }

    /// The `TableInput` of an Iceberg table.
    static func tableInput(
        name: String, metadataLocation: String, previous: String?, metadata: TableMetadata,
        existingParameters: [(String, JSONValue)]
    ) -> JSONValue {
        var parameters = existingParameters.filter {
            !["table_type", "metadata_location", "previous_metadata_location"].contains($0.0)
        }
        parameters.append(("table_type", .string("ICEBERG")))
        parameters.append(("metadata_location", .string(metadataLocation)))
        if let previous { parameters.append(("previous_metadata_location", .string(previous))) }
        var input: [(String, JSONValue)] = [
            ("Name", .string(name)),
            ("TableType", .string("EXTERNAL_TABLE")),
            ("Parameters", .object(parameters)),
            (
                "StorageDescriptor",
                .object([("Columns", .array(columns(metadata))), ("Location", .string(metadata.location))])
            ),
        ]
        if let comment = metadata.property("comment") { input.append(("Description", .string(comment))) }
        return .object(input)
    }

    /// Columns of the current schema, then those only in older schemas (`iceberg.field.current=false`).
    static func columns(_ metadata: TableMetadata) -> [JSONValue] {
        var seen = Set<String>()
        var out: [JSONValue] = []
        let current = metadata.currentSchema
        for schema in [current] + metadata.schemas.filter({ $0.schemaId != current.schemaId }) {
            for field in schema.fields where !seen.contains(field.name) {
                seen.insert(field.name)
                var column: [(String, JSONValue)] = [
                    ("Name", .string(field.name)),
                    ("Type", .string(hiveType(field.type))),
                    (
                        "Parameters",
                        .object([
                            ("iceberg.field.id", .string(String(field.id))),
                            ("iceberg.field.optional", .string(field.required ? "false" : "true")),
                            ("iceberg.field.current", .string(schema.schemaId == current.schemaId ? "true" : "false")),
                        ])
                    ),
                ]
                if let doc = field.doc { column.append(("Comment", .string(doc))) }
                out.append(.object(column))
            }
        }
        return out
    }

    /// The Hive type name Glue and Athena show for an Iceberg type.
    static func hiveType(_ type: IcebergType) -> String {
        switch type {
        case .boolean: return "boolean"
        case .int: return "int"
        case .long: return "bigint"
        case .float: return "float"
        case .double: return "double"
        case .decimal(let p, let s): return "decimal(\(p),\(s))"
        case .date: return "date"
        case .time, .string, .uuid: return "string"
        case .timestamp, .timestamptz, .timestampNs, .timestamptzNs: return "timestamp"
        case .fixed, .binary, .geometry, .geography: return "binary"
        case .unknown: return "void"
        case .variant: return "variant"
        case .struct(let s):
            return "struct<" + s.fields.map { "\($0.name):\(hiveType($0.type))" }.joined(separator: ",") + ">"
        case .list(let l): return "array<\(hiveType(l.element))>"
        case .map(let m): return "map<\(hiveType(m.key)),\(hiveType(m.value))>"
        }
    }
}
