/// A namespace: one or more levels (`analytics`, `analytics.events`).
public struct Namespace: Sendable, Hashable, CustomStringConvertible {
    /// The levels.
    public var levels: [String]
    /// Creates a namespace from levels.
    public init(_ levels: [String]) { self.levels = levels }
    /// Parses dotted text.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !parts.isEmpty, !parts.contains(where: \.isEmpty) else {
            throw CatalogError.invalidArgument("invalid namespace '\(text)'")
        }
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
    public init(namespace: Namespace, name: String) {
        self.namespace = namespace
        self.name = name
    }
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
    public init(
        schema: Schema, spec: PartitionSpec = .unpartitioned, sortOrder: SortOrder = .unsorted,
        properties: [(String, String)] = [], location: String? = nil, formatVersion: Int = 2
    ) {
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
    /// With `.assertCreate` among the requirements the table must not exist and is created from
    /// the updates (the second half of a staged create).
    func commitTable(_ identifier: TableIdentifier, requirements: [TableRequirement], updates: [TableUpdate])
        async throws -> Table
    /// Whether a namespace exists.
    func namespaceExists(_ namespace: Namespace) async throws -> Bool
    /// Sets and removes namespace properties; keys in neither list are left alone.
    func updateNamespaceProperties(_ namespace: Namespace, removals: [String], updates: [(String, String)]) async throws
        -> NamespacePropertiesChange
    /// Registers an existing metadata file as a new table.
    func registerTable(_ identifier: TableIdentifier, metadataLocation: String) async throws -> Table
    /// The metadata a create would write, without creating anything: commit it later with
    /// `commitTable(id, requirements: [.assertCreate], updates: staged.creationUpdates + …)`.
    func stageCreateTable(_ identifier: TableIdentifier, _ creation: TableCreation) async throws -> StagedTable
    /// Whether `commitTransaction` is atomic across tables in this catalog.
    var supportsTransactions: Bool { get }
    /// Commits changes to several tables: all land or none does.
    func commitTransaction(_ commits: [TableCommit]) async throws -> [Table]
}

extension Catalog {
    /// Whether a namespace exists (by reading its properties).
    public func namespaceExists(_ namespace: Namespace) async throws -> Bool {
        do {
            _ = try await namespaceProperties(namespace)
            return true
        } catch CatalogError.noSuchNamespace { return false }
    }
    /// Not supported unless the catalog says otherwise.
    public func updateNamespaceProperties(_ namespace: Namespace, removals: [String], updates: [(String, String)])
        async throws -> NamespacePropertiesChange
    {
        throw CatalogError.unsupported("\(name): namespace properties cannot be changed")
    }
    /// Not supported unless the catalog says otherwise.
    public func registerTable(_ identifier: TableIdentifier, metadataLocation: String) async throws -> Table {
        throw CatalogError.unsupported("\(name): registering tables")
    }
    /// Not supported unless the catalog says otherwise.
    public func stageCreateTable(_ identifier: TableIdentifier, _ creation: TableCreation) async throws -> StagedTable {
        throw CatalogError.unsupported("\(name): staged table creation")
    }
    /// No multi-table transactions unless the catalog says otherwise.
    public var supportsTransactions: Bool { false }
    /// Not supported unless the catalog says otherwise.
    public func commitTransaction(_ commits: [TableCommit]) async throws -> [Table] {
        throw CatalogError.unsupported("\(name): multi-table transactions")
    }
}

/// What a namespace property update did.
public struct NamespacePropertiesChange: Sendable, Equatable {
    /// Keys set or replaced.
    public var updated: [String]
    /// Keys removed.
    public var removed: [String]
    /// Keys asked to be removed that were not there.
    public var missing: [String]
    /// Creates a result.
    public init(updated: [String], removed: [String], missing: [String]) {
        self.updated = updated
        self.removed = removed
        self.missing = missing
    }
}

/// One table's part of a multi-table commit.
public struct TableCommit: Sendable, Hashable {
    /// The table.
    public var identifier: TableIdentifier
    /// Conditions on its current metadata.
    public var requirements: [TableRequirement]
    /// Changes to apply.
    public var updates: [TableUpdate]
    /// Creates a table commit.
    public init(identifier: TableIdentifier, requirements: [TableRequirement], updates: [TableUpdate]) {
        self.identifier = identifier
        self.requirements = requirements
        self.updates = updates
    }
}

/// A table that is not created yet: its would-be metadata and the updates that create it.
public struct StagedTable: Sendable {
    /// The identifier.
    public var identifier: TableIdentifier
    /// The metadata the table would start with.
    public var metadata: TableMetadata
    /// Catalog-specific settings returned with the staged table (REST `config`).
    public var config: [(String, String)]

    /// Creates a staged table.
    public init(identifier: TableIdentifier, metadata: TableMetadata, config: [(String, String)] = []) {
        self.identifier = identifier
        self.metadata = metadata
        self.config = config
    }

    /// The updates that build `metadata` on an empty table, in the REST order.
    public var creationUpdates: [TableUpdate] { metadata.creationUpdates }
}

extension TableMetadata {
    /// The updates that turn an empty table into this one's initial state (no snapshots).
    public var creationUpdates: [TableUpdate] {
        var out: [TableUpdate] = [.assignUUID(tableUUID), .upgradeFormatVersion(formatVersion)]
        for s in schemas { out.append(.addSchema(s)) }
        out.append(.setCurrentSchema(currentSchemaId))
        for s in partitionSpecs { out.append(.addSpec(s)) }
        out.append(.setDefaultSpec(defaultSpecId))
        for o in sortOrders { out.append(.addSortOrder(o)) }
        out.append(.setDefaultSortOrder(defaultSortOrderId))
        out.append(.setLocation(location))
        if !properties.isEmpty { out.append(.setProperties(properties)) }
        return out
    }

    /// Metadata built from creation updates alone (`assign-uuid`, `add-schema`, …) as a REST
    /// catalog does for a staged create; `location` is used unless a `set-location` says otherwise.
    public static func fromCreationUpdates(_ updates: [TableUpdate], defaultLocation: String, now: Int64) throws
        -> TableMetadata
    {
        var m = try TableMetadata.emptyForCreation(location: defaultLocation, tableUUID: RandomUUID.make(), now: now)
        var sawVersion = false
        for u in updates {
            if case .upgradeFormatVersion = u { sawVersion = true }
            try u.apply(to: &m, now: now)
        }
        do {
            try m.completeCreation(formatVersionGiven: sawVersion)
        } catch let error as MetadataChangeError {
            throw CatalogError.invalidCommit(error.description)
        }
        return m
    }
}
