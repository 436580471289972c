/// A namespace: one or more levels (`analytics`, `analytics.events`).
public struct Namespace: Sendable, Hashable, CustomStringConvertible {
    /// The levels.
    public var levels: [String]
    /// Creates a namespace from levels.
    public init(_ levels: [String]) { self.levels = levels }
    /// Parses dotted text.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !parts.isEmpty, !parts.contains(where: \.isEmpty) else { throw CatalogError.invalidArgument("invalid namespace '\(text)'") }
        levels = parts
    }
    /// Dotted text.
    public var description: String { levels.joined(separator: ".") }
}

/// A table name within a namespace.
public struct TableIdentifier: Sendable, Hashable, CustomStringConvertible {
    /// The namespace.
    public var namespace: Namespace
    /// The table name.
    public var name: String
    /// Creates an identifier.
    public init(namespace: Namespace, name: String) { self.namespace = namespace; self.name = name }
    /// Parses `ns.table` (the last level is the table).
    public init(parsing text: String) throws {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, !parts.contains(where: \.isEmpty) else {
            throw CatalogError.invalidArgument("invalid table identifier '\(text)': expected NAMESPACE.TABLE")
        }
        namespace = Namespace(Array(parts.dropLast()))
        name = parts.last!
    }
    /// `ns.table`.
    public var description: String { "\(namespace).\(name)" }
}

/// A loaded table: its metadata, where that metadata lives, and the storage for its files.
public struct Table: Sendable {
    /// The identifier.
    public var identifier: TableIdentifier
    /// The metadata.
    public var metadata: TableMetadata
    /// Location of the current metadata file.
    public var metadataLocation: String
    /// Storage for the table's files.
    public var io: FileIO

    /// Creates a table handle.
    public init(identifier: TableIdentifier, metadata: TableMetadata, metadataLocation: String, io: FileIO) {
        self.identifier = identifier
        self.metadata = metadata
        self.metadataLocation = metadataLocation
        self.io = io
    }
}

/// Options for a new table.
public struct TableCreation: Sendable {
    /// The schema (field ids as given).
    public var schema: Schema
    /// The partition spec.
    public var spec: PartitionSpec = .unpartitioned
    /// The sort order.
    public var sortOrder: SortOrder = .unsorted
    /// Table properties.
    public var properties: [(String, String)] = []
    /// A location, or nil for the catalog's default.
    public var location: String? = nil
    /// Format version (2 by default).
    public var formatVersion: Int = 2

    /// Creates options.
    public init(schema: Schema, spec: PartitionSpec = .unpartitioned, sortOrder: SortOrder = .unsorted,
                properties: [(String, String)] = [], location: String? = nil, formatVersion: Int = 2) {
        self.schema = schema
        self.spec = spec
        self.sortOrder = sortOrder
        self.properties = properties
        self.location = location
        self.formatVersion = formatVersion
    }
}

/// A catalog of namespaces and tables. Every table change is committed as requirements
/// (checked against the current metadata) plus updates, atomically.
public protocol Catalog: Sendable {
    /// The catalog's name.
    var name: String { get }
    /// Storage for table files.
    var io: FileIO { get }
    /// Creates a namespace.
    func createNamespace(_ namespace: Namespace, properties: [(String, String)]) async throws
    /// Lists namespaces (top level, or children of `parent`).
    func listNamespaces(parent: Namespace?) async throws -> [Namespace]
    /// A namespace's properties.
    func namespaceProperties(_ namespace: Namespace) async throws -> [(String, String)]
    /// Drops an empty namespace.
    func dropNamespace(_ namespace: Namespace) async throws
    /// Lists the tables of a namespace.
    func listTables(_ namespace: Namespace) async throws -> [TableIdentifier]
    /// Whether a table exists.
    func tableExists(_ identifier: TableIdentifier) async throws -> Bool
    /// Creates a table.
    func createTable(_ identifier: TableIdentifier, _ creation: TableCreation) async throws -> Table
    /// Loads a table.
    func loadTable(_ identifier: TableIdentifier) async throws -> Table
    /// Drops a table; with `purge`, deletes its files too.
    func dropTable(_ identifier: TableIdentifier, purge: Bool) async throws
    /// Renames a table.
    func renameTable(_ from: TableIdentifier, to: TableIdentifier) async throws
    /// Commits requirements and updates atomically; throws `commitConflict` if a requirement fails.
    func commitTable(_ identifier: TableIdentifier, requirements: [TableRequirement], updates: [TableUpdate]) async throws -> Table
}

/// Current time in milliseconds since the epoch.
func nowMs() -> Int64 {
    var t = timespec()
    clock_gettime(CLOCK_REALTIME, &t)
    return Int64(t.tv_sec) * 1000 + Int64(t.tv_nsec) / 1_000_000
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
