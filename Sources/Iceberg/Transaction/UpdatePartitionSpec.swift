/// Evolves the table's partitioning (Java's `UpdatePartitionSpec`): adds fields by transform
/// and source column, removes and renames fields. The result becomes the default spec, so new
/// writes use it, while files written before keep their spec (scans prune each file with its
/// own spec). An identical earlier spec is reused with its id. The changes are applied to the
/// default spec of each attempt, so a commit that lost a race re-checks them against the
/// winner's spec; nothing is committed when a change breaks a rule.
public struct UpdatePartitionSpec: TableAction {
    /// The changes, applied in order.
    public var changes: [PartitionChange]
    /// Whether column names match ignoring case.
    public var caseSensitive = true

    /// An update with these changes.
    public init(_ changes: [PartitionChange], caseSensitive: Bool = true) {
        self.changes = changes
        self.caseSensitive = caseSensitive
    }

    /// Records the new default spec (nothing when the changes leave it as it is).
    public func apply(to changes: inout PendingChanges) async throws {
        let m = changes.metadata
        var evolution = PartitionEvolution(
            formatVersion: m.formatVersion, lastPartitionId: m.lastPartitionId, historicalSpecs: m.partitionSpecs,
            caseSensitive: caseSensitive)
        let current = m.defaultSpec
        var evolved = try evolution.apply(self.changes, to: current, schema: m.currentSchema)
        guard evolved.fields != current.fields else { return }
        if let same = m.partitionSpecs.first(where: { $0.isCompatible(with: evolved) }) {
            try changes.apply(.setDefaultSpec(same.specId))
        } else {
            evolved.specId = (m.partitionSpecs.map(\.specId).max() ?? -1) + 1
            try changes.apply(.addSpec(evolved))
            try changes.apply(.setDefaultSpec(-1))
        }
    }
}

extension Table {
    /// Evolves the partitioning in one commit (see `UpdatePartitionSpec`).
    public func updatePartitionSpec(_ changes: [PartitionChange], caseSensitive: Bool = true) async throws {
        var txn = newTransaction()
        txn.add(UpdatePartitionSpec(changes, caseSensitive: caseSensitive))
        try await txn.commit()
    }
}
