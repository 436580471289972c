import JSONSupport
import Parquet

/// A loaded table: its metadata, where that metadata lives, the storage for its files and
/// the catalog it came from — and the operations users run on it (PyIceberg's `Table`):
/// `append`, `scan`, `delete(where:)`, `expireSnapshots`, `newTransaction()`, `refresh()`.
///
/// `Table` is a value: a change through one of its mutating methods commits and then holds
/// the table as committed; other copies keep the version they hold until `refresh()`.
public struct Table: Sendable {
    /// The identifier.
    public var identifier: TableIdentifier
    /// The metadata.
    public var metadata: TableMetadata
    /// Location of the current metadata file.
    public var metadataLocation: String
    /// Storage for the table's files.
    public var io: FileIO
    /// The catalog that loaded the table and commits its changes (nil for a table read from
    /// a metadata file alone).
    public var catalog: (any Catalog)?

    /// Creates a table handle.
    public init(
        identifier: TableIdentifier, metadata: TableMetadata, metadataLocation: String, io: FileIO,
        catalog: (any Catalog)? = nil
    ) {
        self.identifier = identifier
        self.metadata = metadata
        self.metadataLocation = metadataLocation
        self.io = io
        self.catalog = catalog
    }

    /// The table's current schema.
    public var schema: Schema { metadata.currentSchema }
    /// The current snapshot of `main`, if the table has one.
    public var currentSnapshot: Snapshot? { metadata.currentSnapshot }

    /// Loads the table's current version from its catalog.
    public mutating func refresh() async throws {
        self = try await requireCatalog().loadTable(identifier)
    }

    /// The format versions this SDK creates tables in and upgrades tables to (v2 is the
    /// default: Athena reads v1 and v2 only).
    public static let writableFormatVersions = 1...3

    /// A transaction on this version of the table.
    public func newTransaction() -> Transaction { Transaction(self) }

    // MARK: Writing

    /// Appends `Encodable` rows (field names as in the schema, the SDK's value convention)
    /// as one new snapshot; returns it. Throws `IcebergError.invalidValue` naming the row
    /// and field of a value that does not fit the schema; nothing is committed then.
    @discardableResult
    public mutating func append<Row: Encodable & Sendable>(_ rows: [Row], branch: String = "main") async throws
        -> Snapshot?
    {
        try await commit { $0.append(rows, branch: branch) }
        return branchHead(branch)
    }

    /// Appends typed columns (one `ColumnData` per leaf column of the schema, in schema order).
    @discardableResult
    public mutating func append(columns: [ColumnData], branch: String = "main") async throws -> Snapshot? {
        try await commit { $0.append(columns: columns, branch: branch) }
        return branchHead(branch)
    }

    /// Appends data files already written (by a `TableWriter`, or registered with `AddFiles`).
    @discardableResult
    public mutating func appendFiles(_ files: [DataFile], branch: String = "main") async throws -> Snapshot? {
        try await commit { $0.appendFiles(files, branch: branch) }
        return branchHead(branch)
    }

    /// Deletes the rows matching `filter`, copy-on-write or merge-on-read per `mode` (nil: the table's `write.delete.mode`; see `DeleteRows`).
    @discardableResult
    public mutating func delete(where filter: Expression, branch: String = "main", mode: DeleteMode? = nil)
        async throws -> DeleteRows.Result
    {
        var txn = newTransaction()
        txn.add(DeleteRows(filter: filter, branch: branch, mode: mode))
        let (committed, actions) = try await txn.commitReturningActions()
        self = committed
        return (actions.first as? DeleteRows)?.result ?? DeleteRows.Result()
    }

    /// Deletes the rows matching a filter in the scan's syntax (`"category = 'a' and qty < 3"`).
    @discardableResult
    public mutating func delete(where filter: String, branch: String = "main", mode: DeleteMode? = nil)
        async throws -> DeleteRows.Result
    {
        try await delete(where: try FilterParser.parse(filter), branch: branch, mode: mode)
    }

    /// Expires snapshots and deletes the files only they reached (see `ExpireSnapshots`).
    @discardableResult
    public mutating func expireSnapshots(_ expiration: ExpireSnapshots = ExpireSnapshots()) async throws
        -> ExpireSnapshots.Result
    {
        var txn = newTransaction()
        txn.add(expiration)
        let (committed, actions) = try await txn.commitReturningActions()
        self = committed
        return (actions.first as? ExpireSnapshots)?.result ?? ExpireSnapshots.Result()
    }

    /// Sets and removes table properties in one commit.
    public mutating func updateProperties(set updates: [(String, String)] = [], remove removals: [String] = [])
        async throws
    {
        try await commit { $0.add(UpdateProperties(set: updates, remove: removals)) }
    }

    // MARK: Reading

    /// A scan of the table: rows matching `filter`, only `columns` (nil: all), as of
    /// `snapshotId` or the head of branch or tag `ref` (neither: the current snapshot). Read
    /// it with `batches()` or `rows()`.
    public func scan(
        filter: Expression = .alwaysTrue, columns: [String]? = nil, snapshotId: Int64? = nil, ref: String? = nil
    ) throws -> TableScan {
        var scan: TableScan
        if let ref {
            guard snapshotId == nil else {
                throw CatalogError.invalidArgument("scan either a snapshot id or a ref (\(ref)), not both")
            }
            scan = try TableScan(metadata: metadata, io: io, ref: ref)
        } else {
            scan = try TableScan(metadata: metadata, io: io, snapshotId: snapshotId)
        }
        if filter != .alwaysTrue { scan = try scan.filtered(filter) }
        if let columns { scan = try scan.selecting(columns) }
        return scan
    }

    /// A scan with a filter in the scan's syntax (`"category = 'books' and price > 10"`).
    public func scan(filter: String, columns: [String]? = nil, snapshotId: Int64? = nil, ref: String? = nil) throws
        -> TableScan
    {
        try scan(filter: try FilterParser.parse(filter), columns: columns, snapshotId: snapshotId, ref: ref)
    }

    // MARK: Helpers

    private mutating func commit(_ build: (inout Transaction) -> Void) async throws {
        var txn = newTransaction()
        build(&txn)
        self = try await txn.commit()
    }

    private func requireCatalog() throws -> any Catalog {
        guard let catalog else {
            throw CatalogError.invalidArgument(
                "table \(identifier) has no catalog (load it through a Catalog to change or refresh it)")
        }
        return catalog
    }

    private func branchHead(_ branch: String) -> Snapshot? {
        metadata.ref(branch).flatMap { metadata.snapshot(id: $0.snapshotId) }
    }
}

extension Transaction {
    /// Appends data files already written.
    public mutating func appendFiles(_ files: [DataFile], branch: String = "main") {
        add(AppendFiles(files, branch: branch))
    }

    /// Appends `Encodable` rows, written for the table as the transaction sees it.
    public mutating func append<Row: Encodable & Sendable>(_ rows: [Row], branch: String = "main") {
        add(AppendRows(branch: branch) { writer in try await writer.append(contentsOf: rows) })
    }

    /// Appends rows in the JSON value convention; `rowNumber` (from 1) names a bad row in errors.
    public mutating func append(jsonRows rows: [(rowNumber: Int, row: JSONValue)], branch: String = "main") {
        add(
            AppendRows(branch: branch) { writer in for (n, row) in rows { try await writer.append(row, rowNumber: n) } }
        )
    }

    /// Appends typed columns (one `ColumnData` per leaf column of the schema).
    public mutating func append(columns: [ColumnData], branch: String = "main") {
        add(AppendRows(branch: branch) { writer in try await writer.append(columns: columns) })
    }

    /// Deletes the rows matching `filter` (see `DeleteRows`).
    public mutating func delete(where filter: Expression, branch: String = "main", mode: DeleteMode? = nil) {
        add(DeleteRows(filter: filter, branch: branch, mode: mode))
    }

    /// Expires snapshots per `expiration`.
    public mutating func expireSnapshots(_ expiration: ExpireSnapshots = ExpireSnapshots()) {
        add(expiration)
    }

    /// Sets and removes table properties.
    public mutating func updateProperties(set updates: [(String, String)] = [], remove removals: [String] = []) {
        add(UpdateProperties(set: updates, remove: removals))
    }
}

extension Catalog {
    /// Loads a table by its dotted name (`"shop.sales"`; the last level is the table).
    public func loadTable(_ name: String) async throws -> Table {
        try await loadTable(try TableIdentifier(parsing: name))
    }
}
