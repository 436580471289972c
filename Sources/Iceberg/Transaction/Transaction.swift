/// Changes to one table that land together, as one metadata commit (Java's `Transaction`).
///
/// Add actions (`appendFiles`, `append`, `delete(where:)`, `expireSnapshots`,
/// `setProperties`, or any `TableAction`), then `commit()`. Each action sees the table as the
/// earlier ones left it, so a transaction can change a setting and then append under it.
///
/// `commit()` runs the SDK's one retry loop (`CommitLoop`). Each attempt applies every action to the table as
/// the catalog holds it and sends the resulting updates with the requirements they need
/// (`UpdateRequirements`). When another commit landed first, the loop waits (jittered
/// exponential backoff per `commit.retry.*`), refreshes the table and applies the actions
/// again; an action whose precondition no longer holds fails the transaction with
/// `CatalogError.validationFailed` instead. Files an attempt wrote are deleted when it loses;
/// files reused across attempts and data files the transaction wrote are deleted when the
/// transaction fails; nothing is deleted when the outcome is unknown
/// (`CatalogError.commitStateUnknown`).
public struct Transaction: Sendable {
    /// The table as it was when the transaction began (a handle of its own).
    public let table: Table
    /// The handle the transaction was started on: it holds the committed version afterwards.
    private let origin: Table
    /// The actions, in the order they apply.
    public private(set) var actions: [any TableAction] = []
    /// Properties added to the summary of every snapshot the transaction produces (Java's
    /// `SnapshotUpdate.set`, PyIceberg's `snapshot_properties`); the counts and totals the
    /// SDK computes keep their own values.
    public var snapshotProperties: [(String, String)] = []

    /// Starts a transaction on the version `table` holds (a table loaded from a catalog).
    public init(_ table: Table) {
        self.origin = table
        self.table = table.copy()
    }

    /// Adds an action; it applies after the ones added before it.
    public mutating func add(_ action: some TableAction) {
        actions.append(action)
    }

    /// Commits every action as one metadata change and returns the table after it (the
    /// table unchanged when no action had anything to change); the handle the transaction was
    /// started on holds that version too.
    @discardableResult
    public func commit() async throws -> Table {
        try await commitReturningActions().table
    }

    /// Commits and returns the version committed (its own handle) and the actions as they were
    /// applied in the attempt that landed (with their results).
    public func commitReturningActions() async throws -> (table: Table, actions: [any TableAction]) {
        let catalog = try requireCatalog()
        var loop = CommitLoop(catalog: catalog, parts: [commitPart])
        let results = try await loop.run { commits in
            var committed: [Table] = []
            for c in commits {
                committed.append(
                    try await catalog.commitTable(c.identifier, requirements: c.requirements, updates: c.updates))
            }
            return committed
        }
        return results[0]
    }

    /// The catalog the table commits to.
    func requireCatalog() throws -> any Catalog {
        guard let catalog = table.catalog else {
            throw CatalogError.invalidArgument(
                "table \(table.identifier) has no catalog to commit to (load it through a Catalog)")
        }
        return catalog
    }

    /// This transaction's part of a commit loop.
    var commitPart: CommitLoop.Part {
        CommitLoop.Part(
            start: table, origin: origin, actions: actions, base: table, snapshotProperties: snapshotProperties)
    }
}

/// Sets and removes table properties (Java's `UpdateProperties`).
public struct UpdateProperties: TableAction {
    /// Keys and values to set.
    public let updates: [(String, String)]
    /// Keys to remove.
    public let removals: [String]

    /// Sets `updates` and removes `removals`; a key may not be in both.
    public init(set updates: [(String, String)] = [], remove removals: [String] = []) {
        self.updates = updates
        self.removals = removals
    }

    /// Records the property updates.
    public func apply(to changes: inout PendingChanges) async throws {
        let both = Set(updates.map(\.0)).intersection(removals)
        guard both.isEmpty else {
            throw CatalogError.invalidArgument(
                "properties both set and removed: \(both.sorted().joined(separator: ", "))")
        }
        if !updates.isEmpty { try changes.apply(.setProperties(updates)) }
        if !removals.isEmpty { try changes.apply(.removeProperties(removals)) }
    }
}
