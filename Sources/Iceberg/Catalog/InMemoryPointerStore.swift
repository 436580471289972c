import JSONSupport

/// An in-memory pointer store (tests, embedding, ephemeral catalogs).
public actor InMemoryPointerStore: MetadataPointerStore {
    private var namespaces: [Namespace: [(String, String)]] = [:]
    private var pointers: [TableIdentifier: String] = [:]

    /// Creates an empty store.
    public init() {}

    /// Creates a namespace.
    public func createNamespace(_ namespace: Namespace, properties: [(String, String)]) throws {
        guard namespaces[namespace] == nil else { throw CatalogError.namespaceAlreadyExists(namespace.description) }
        namespaces[namespace] = properties
    }
    /// Whether a namespace exists.
    public func namespaceExists(_ namespace: Namespace) -> Bool {
        namespaces.keys.contains { Array($0.levels.prefix(namespace.levels.count)) == namespace.levels }
            || pointers.keys.contains { Array($0.namespace.levels.prefix(namespace.levels.count)) == namespace.levels }
    }
    /// All namespaces.
    public func allNamespaces() -> [Namespace] { Array(Set(namespaces.keys).union(pointers.keys.map(\.namespace))) }
    /// Properties.
    public func namespaceProperties(_ namespace: Namespace) -> [(String, String)] { namespaces[namespace] ?? [] }
    /// Drops a namespace.
    public func dropNamespace(_ namespace: Namespace) { namespaces[namespace] = nil }
    /// Tables of a namespace.
    public func tables(in namespace: Namespace) -> [TableIdentifier] {
        pointers.keys.filter { $0.namespace == namespace }
    }
    /// A pointer.
    public func pointer(_ table: TableIdentifier) -> String? { pointers[table] }
    /// Registers a table.
    public func createPointer(_ table: TableIdentifier, location: String, metadata: TableMetadata) throws {
        guard pointers[table] == nil else { throw CatalogError.tableAlreadyExists(table.description) }
        pointers[table] = location
    }
    /// Compare-and-swap.
    public func swapPointer(_ table: TableIdentifier, expected: String, new: String, metadata: TableMetadata) -> Bool {
        swapPointers([PointerSwap(table: table, expected: expected, new: new, metadata: metadata)])
    }
    /// Removes a table.
    public func deletePointer(_ table: TableIdentifier) { pointers[table] = nil }
    /// Renames a table.
    public func renamePointer(_ from: TableIdentifier, to: TableIdentifier) {
        pointers[to] = pointers[from]
        pointers[from] = nil
    }
    /// Sets and removes namespace properties.
    public func updateNamespaceProperties(_ namespace: Namespace, removals: [String], updates: [(String, String)]) {
        var props = (namespaces[namespace] ?? []).filter { p in
            !removals.contains(p.0) && !updates.contains { $0.0 == p.0 }
        }
        props += updates
        namespaces[namespace] = props
    }
    /// Atomic multi-table swaps are available.
    public nonisolated var supportsMultiTableSwap: Bool { true }
    /// Moves all pointers or none.
    public func swapPointers(_ swaps: [PointerSwap]) -> Bool {
        guard swaps.allSatisfy({ pointers[$0.table] == $0.expected }) else { return false }
        for s in swaps { pointers[s.table] = s.new }
        return true
    }
}

/// An in-memory catalog over any FileIO.
public typealias InMemoryCatalog = PointerCatalog<InMemoryPointerStore>
