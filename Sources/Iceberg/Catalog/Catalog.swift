/// A catalog of namespaces and tables. Every table change is committed as requirements
/// (checked against the current metadata) plus updates, atomically.
public protocol Catalog: Sendable {
    /// The catalog's name.
    var name: String { get }
    /// Storage for table files.
    var io: FileIO { get }
    /// The folder under which the catalog places new tables, when it has one.
    var warehouseLocation: String? { get }
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
    /// No warehouse unless the catalog says otherwise.
    public var warehouseLocation: String? { nil }
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
