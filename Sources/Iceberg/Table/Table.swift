import JSONSupport
import Parquet
import Synchronization

/// A handle on a table: its identifier, the storage for its files, the catalog it came from,
/// and the version of its metadata it holds — with the operations users run on it
/// (PyIceberg's and Java's `Table`): `append`, `scan`, `delete(where:)`, `expireSnapshots`,
/// `newTransaction()`, `refresh()`.
///
/// `Table` is a reference, safe to share: keep one in an actor's property, a global or a
/// service and call it from any task. A commit through the handle makes it hold the committed
/// version; `refresh()` loads the catalog's current one. When tasks commit through one handle
/// concurrently, each commit retries on conflicts, and the handle keeps the newest version
/// any of them committed. `copy()` makes a separate handle that stays at its version until a
/// commit or refresh through it.
public final class Table: Sendable {
    /// The identifier.
    public let identifier: TableIdentifier
    /// Storage for the table's files.
    public let io: FileIO
    /// The catalog that loaded the table and commits its changes (nil for a table read from
    /// a metadata file alone).
    public let catalog: (any Catalog)?
    private let held: Mutex<HeldVersion>

    /// The metadata version a handle holds: the two change together.
    private struct HeldVersion: Sendable {
        var metadata: TableMetadata
        var metadataLocation: String
    }

    /// Creates a table handle.
    public init(
        identifier: TableIdentifier, metadata: TableMetadata, metadataLocation: String, io: FileIO,
        catalog: (any Catalog)? = nil
    ) {
        self.identifier = identifier
        self.io = io
        self.catalog = catalog
        self.held = Mutex(HeldVersion(metadata: metadata, metadataLocation: metadataLocation))
    }

    /// The metadata of the version the handle holds.
    public var metadata: TableMetadata { held.withLock { $0.metadata } }
    /// Location of the metadata file of the version the handle holds.
    public var metadataLocation: String { held.withLock { $0.metadataLocation } }
    /// The table's current schema.
    public var schema: Schema { metadata.currentSchema }
    /// The current snapshot of `main`, if the table has one.
    public var currentSnapshot: Snapshot? { metadata.currentSnapshot }

    /// A separate handle on the same table at the version this one holds (commits and
    /// refreshes through either leave the other as it is).
    public func copy() -> Table {
        let version = held.withLock { $0 }
        return Table(
            identifier: identifier, metadata: version.metadata, metadataLocation: version.metadataLocation, io: io,
            catalog: catalog)
    }

    /// Loads the table's current version from its catalog and holds it.
    public func refresh() async throws {
        let loaded = try await requireCatalog().loadTable(identifier)
        let version = loaded.held.withLock { $0 }
        held.withLock { $0 = version }
    }

    /// Holds `committed` (a version this process committed) unless the handle already holds a
    /// newer one, committed meanwhile by another task through this handle.
    func hold(_ committed: Table) {
        let version = committed.held.withLock { $0 }
        held.withLock { current in
            if Self.isNewer(version, than: current) { current = version }
        }
    }

    /// Whether `candidate` comes after `current` in the table's history: it lists `current` in
    /// its metadata log, or (a trimmed log) has a higher sequence number or a later update time.
    private static func isNewer(_ candidate: HeldVersion, than current: HeldVersion) -> Bool {
        if candidate.metadataLocation == current.metadataLocation { return false }
        if candidate.metadata.metadataLog.contains(where: { $0.metadataFile == current.metadataLocation }) {
            return true
        }
        if current.metadata.metadataLog.contains(where: { $0.metadataFile == candidate.metadataLocation }) {
            return false
        }
        let (a, b) = (candidate.metadata, current.metadata)
        return (a.lastSequenceNumber, a.lastUpdatedMs) >= (b.lastSequenceNumber, b.lastUpdatedMs)
    }

    /// A transaction on this version of the table.
    public func newTransaction() -> Transaction { Transaction(self) }

    // MARK: Writing

    /// Appends `Encodable` rows (field names as in the schema, the SDK's value convention)
    /// as one new snapshot; returns it. Throws `IcebergError.invalidValue` naming the row
    /// and field of a value that does not fit the schema; nothing is committed then.
    @discardableResult
    public func append<Row: Encodable & Sendable>(_ rows: [Row], branch: String = "main") async throws
        -> Snapshot?
    {
        try await commit { $0.append(rows, branch: branch) }.branchHead(branch)
    }

    /// Appends typed columns (one `ColumnData` per leaf column of the schema, in schema order).
    @discardableResult
    public func append(columns: [ColumnData], branch: String = "main") async throws -> Snapshot? {
        try await commit { $0.append(columns: columns, branch: branch) }.branchHead(branch)
    }

    /// Appends data files already written (by a `TableWriter`, or registered with `AddFiles`).
    @discardableResult
    public func appendFiles(_ files: [DataFile], branch: String = "main") async throws -> Snapshot? {
        try await commit { $0.appendFiles(files, branch: branch) }.branchHead(branch)
    }

    /// Deletes the rows matching `filter`, copy-on-write or merge-on-read per `mode` (nil: the table's `write.delete.mode`; see `DeleteRows`).
    @discardableResult
    public func delete(where filter: Expression, branch: String = "main", mode: DeleteMode? = nil)
        async throws -> DeleteRows.Result
    {
        var txn = newTransaction()
        txn.add(DeleteRows(filter: filter, branch: branch, mode: mode))
        let (_, actions) = try await txn.commitReturningActions()
        return (actions.first as? DeleteRows)?.result ?? DeleteRows.Result()
    }

    /// Deletes the rows matching a filter in the scan's syntax (`"category = 'a' and qty < 3"`).
    @discardableResult
    public func delete(where filter: String, branch: String = "main", mode: DeleteMode? = nil)
        async throws -> DeleteRows.Result
    {
        try await delete(where: try FilterParser.parse(filter), branch: branch, mode: mode)
    }

    /// Expires snapshots and deletes the files only they reached (see `ExpireSnapshots`).
    @discardableResult
    public func expireSnapshots(_ expiration: ExpireSnapshots = ExpireSnapshots()) async throws
        -> ExpireSnapshots.Result
    {
        var txn = newTransaction()
        txn.add(expiration)
        let (_, actions) = try await txn.commitReturningActions()
        return (actions.first as? ExpireSnapshots)?.result ?? ExpireSnapshots.Result()
    }

    /// Sets and removes table properties in one commit.
    public func updateProperties(set updates: [(String, String)] = [], remove removals: [String] = [])
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

    /// Commits the actions `build` adds; returns the committed version.
    @discardableResult
    private func commit(_ build: (inout Transaction) -> Void) async throws -> Table {
        var txn = newTransaction()
        build(&txn)
        return try await txn.commit()
    }

    private func requireCatalog() throws -> any Catalog {
        guard let catalog else {
            throw CatalogError.invalidArgument(
                "table \(identifier) has no catalog (load it through a Catalog to change or refresh it)")
        }
        return catalog
    }

    private func branchHead(_ branch: String) -> Snapshot? {
        let metadata = self.metadata
        return metadata.ref(branch).flatMap { metadata.snapshot(id: $0.snapshotId) }
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
