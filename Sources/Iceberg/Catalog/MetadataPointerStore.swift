import JSONSupport

/// Where a catalog keeps namespaces and the pointer from each table to its current metadata
/// file. A compare-and-swap on the pointer is what makes commits atomic.
public protocol MetadataPointerStore: Sendable {
    /// Creates a namespace; throws `namespaceAlreadyExists`.
    func createNamespace(_ namespace: Namespace, properties: [(String, String)]) async throws
    /// Whether a namespace exists (explicitly or through its tables).
    func namespaceExists(_ namespace: Namespace) async throws -> Bool
    /// All namespaces.
    func allNamespaces() async throws -> [Namespace]
    /// Properties of a namespace.
    func namespaceProperties(_ namespace: Namespace) async throws -> [(String, String)]
    /// Removes a namespace.
    func dropNamespace(_ namespace: Namespace) async throws
    /// Tables of a namespace.
    func tables(in namespace: Namespace) async throws -> [TableIdentifier]
    /// The current metadata location of a table, or nil.
    func pointer(_ table: TableIdentifier) async throws -> String?
    /// Registers a new table whose first metadata file is `location`; throws `tableAlreadyExists`.
    func createPointer(_ table: TableIdentifier, location: String, metadata: TableMetadata) async throws
    /// Moves the pointer to `new` (holding `metadata`) if it still equals `expected`; returns
    /// false if it changed.
    func swapPointer(_ table: TableIdentifier, expected: String, new: String, metadata: TableMetadata) async throws
        -> Bool
    /// Removes a table.
    func deletePointer(_ table: TableIdentifier) async throws
    /// Renames a table.
    func renamePointer(_ from: TableIdentifier, to: TableIdentifier) async throws
    /// For stores that assign table locations (S3 Tables): reserves the table and returns its
    /// location, before the first metadata file is written. Nil: the catalog chooses.
    func reserveTable(_ table: TableIdentifier) async throws -> String?
    /// Undoes `reserveTable` after a failed create.
    func releaseReservation(_ table: TableIdentifier) async
    /// Whether dropping a table also deletes its files (managed storage such as S3 Tables),
    /// so a purge must not delete them through the FileIO.
    var managesStorage: Bool { get }
    /// Sets and removes properties of an existing namespace.
    func updateNamespaceProperties(_ namespace: Namespace, removals: [String], updates: [(String, String)]) async throws
    /// Whether `swapPointers` is available.
    var supportsMultiTableSwap: Bool { get }
    /// Moves several pointers at once, all or none; returns false (nothing moved) if any
    /// pointer no longer equals its `expected`.
    func swapPointers(_ swaps: [PointerSwap]) async throws -> Bool
}

extension MetadataPointerStore {
    /// Locations are chosen by the catalog.
    public func reserveTable(_ table: TableIdentifier) async throws -> String? { nil }
    /// Nothing to undo.
    public func releaseReservation(_ table: TableIdentifier) async {}
    /// Files are the catalog's to delete.
    public var managesStorage: Bool { false }
    /// Namespace properties are fixed at creation unless the store says otherwise.
    public func updateNamespaceProperties(_ namespace: Namespace, removals: [String], updates: [(String, String)])
        async throws
    {
        throw CatalogError.unsupported("namespace properties cannot be changed in this catalog")
    }
    /// No atomic multi-table swaps unless the store says otherwise.
    public var supportsMultiTableSwap: Bool { false }
    /// Not supported unless the store says otherwise.
    public func swapPointers(_ swaps: [PointerSwap]) async throws -> Bool {
        throw CatalogError.unsupported("multi-table transactions in this catalog")
    }
}

/// One pointer move of a multi-table commit.
public struct PointerSwap: Sendable {
    /// The table.
    public var table: TableIdentifier
    /// The metadata location the pointer must still hold.
    public var expected: String
    /// The new metadata location.
    public var new: String
    /// The metadata at `new`.
    public var metadata: TableMetadata
    /// Creates a swap.
    public init(table: TableIdentifier, expected: String, new: String, metadata: TableMetadata) {
        self.table = table
        self.expected = expected
        self.new = new
        self.metadata = metadata
    }
}
