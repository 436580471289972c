/// Raises the table's format version (never lowers it): v1→v2, v2→v3 (row lineage starts
/// then: `next-row-id` 0, rows written before have no row ids), v1→v3.
public struct UpgradeFormatVersion: TableAction {
    /// The version to reach.
    public let formatVersion: Int

    /// An upgrade to `formatVersion`.
    public init(to formatVersion: Int) { self.formatVersion = formatVersion }

    /// Records the upgrade (nothing when the table is already at that version).
    public func apply(to changes: inout PendingChanges) async throws {
        let current = changes.metadata.formatVersion
        guard formatVersion != current else { return }
        guard formatVersion > current else {
            throw CatalogError.invalidArgument("cannot downgrade format version \(current) to \(formatVersion)")
        }
        guard TableMetadata.supportedFormatVersions.contains(formatVersion) else {
            throw CatalogError.invalidArgument(
                "upgrading to format version \(formatVersion) is not supported (this SDK writes v1 to v3)")
        }
        try changes.apply(.upgradeFormatVersion(formatVersion))
    }
}

extension Table {
    /// Raises the format version in one commit (see `UpgradeFormatVersion`).
    public func upgradeFormatVersion(to version: Int) async throws {
        var txn = newTransaction()
        txn.add(UpgradeFormatVersion(to: version))
        try await txn.commit()
    }
}
