import JSONSupport

/// Replaces rows of a branch with new rows in one `overwrite` snapshot: either the rows that
/// match a filter (PyIceberg's `overwrite(df, overwrite_filter)`, deleted copy-on-write as
/// `DeleteRows` does) or every row of the partitions the new rows fall into (dynamic
/// partition overwrite: Java's `ReplacePartitions`, PyIceberg's `dynamic_partition_overwrite`;
/// summary `replace-partitions=true`). The new rows are written once (`WrittenRows`); the
/// rows to replace are planned again on every attempt, so a commit that lost a race never
/// removes or keeps rows by a stale view of the table.
public struct OverwriteRows: TableAction {
    /// What the new rows replace.
    public enum Target: Sendable {
        /// The rows matching a filter (`.alwaysTrue`: the whole branch).
        case rows(matching: Expression)
        /// Every row in the default spec's partitions that the new rows fall into (the whole
        /// branch when the table is unpartitioned; nothing when there are no new rows).
        case partitionsOfNewRows
    }

    /// What is replaced.
    public let target: Target
    /// The branch written.
    public let branch: String
    private var rows: WrittenRows
    /// What the last attempt did (the committed one, once the transaction has landed).
    public private(set) var result = Result()

    /// What an overwrite did.
    public struct Result: Sendable, Equatable {
        /// The new snapshot (nil when nothing changed).
        public var snapshotId: Int64?
        /// Rows removed (matching the filter, or in the replaced partitions).
        public var deletedRows: Int64 = 0
        /// Rows added.
        public var addedRows: Int64 = 0
        /// Data files removed.
        public var removedFiles = 0
    }

    init(target: Target, branch: String, write: @escaping @Sendable (inout TableWriter) async throws -> Void) {
        self.target = target
        self.branch = branch
        rows = WrittenRows(write)
    }

    /// Writes the new rows (once), plans what they replace and builds the snapshot.
    public mutating func apply(to changes: inout PendingChanges) async throws {
        result = Result()
        let (files, _) = try await rows.files(for: &changes)
        let m = changes.metadata
        var producer = SnapshotProducer(changes, branch: branch)
        var deletedRows: Int64 = 0
        var removedFiles = 0
        switch target {
        case .rows(let filter):
            let plan = try await DeletePlan.make(m, io: changes.io, branch: branch, filter: filter, mode: .copyOnWrite)
            changes.track(plan.added.map(\.filePath))
            try await producer.add(plan.added, into: &changes)
            producer.remove(plan.removed, listedIn: plan.manifestsWithRemovals)
            producer.removeDeletes(plan.removedDeletes)
            deletedRows = plan.deletedRows
            removedFiles = plan.removed.count
        case .partitionsOfNewRows:
            let partitions = Set(files.map(\.partition))
            let replaced: [FileScanTask]
            // No new rows replace nothing, as in Java (not even an unpartitioned table).
            if let head = m.head(of: branch), !files.isEmpty {
                replaced = try await TableScan(metadata: m, io: changes.io, snapshotId: head.snapshotId).planFiles()
                    .filter {
                        $0.specId == m.defaultSpecId
                            && (m.defaultSpec.isUnpartitioned || partitions.contains($0.file.partition))
                    }
            } else {
                replaced = []
            }
            producer.remove(replaced.map(\.file), listedIn: Set(replaced.map(\.manifestPath)))
            producer.removeDeletes(replaced.flatMap(\.fileScopedDeletes))
            // As Java, rows the replaced files hold count whole (their deletes aside).
            deletedRows = replaced.reduce(0) { $0 + $1.file.recordCount }
            removedFiles = replaced.count
            producer.extraSummary = [("replace-partitions", "true")]
        }
        guard !files.isEmpty || removedFiles > 0 || deletedRows > 0 else { return }
        try await producer.add(files, into: &changes)
        let snapshot = try await producer.commit(operation: "overwrite", mergeManifests: true, into: &changes)
        result = Result(
            snapshotId: snapshot.snapshotId, deletedRows: deletedRows,
            addedRows: files.reduce(0) { $0 + $1.recordCount },
            removedFiles: removedFiles)
    }
}

extension Transaction {
    /// Replaces the rows matching `filter` with `rows` (JSON value convention; numbers name
    /// bad rows) in one snapshot (see `OverwriteRows`).
    public mutating func overwrite(
        where filter: Expression, with rows: [(rowNumber: Int, row: JSONValue)], branch: String = "main"
    ) {
        add(
            OverwriteRows(target: .rows(matching: filter), branch: branch) { writer in
                for (n, row) in rows { try await writer.append(row, rowNumber: n) }
            })
    }

    /// Replaces every row of the partitions `rows` fall into with `rows` (see `OverwriteRows`).
    public mutating func overwritePartitions(with rows: [(rowNumber: Int, row: JSONValue)], branch: String = "main") {
        add(
            OverwriteRows(target: .partitionsOfNewRows, branch: branch) { writer in
                for (n, row) in rows { try await writer.append(row, rowNumber: n) }
            })
    }
}

extension Table {
    /// Replaces the rows matching `filter` with `rows` in one snapshot; returns what it did.
    @discardableResult
    public func overwrite(
        where filter: Expression, with rows: [(rowNumber: Int, row: JSONValue)], branch: String = "main"
    ) async throws -> OverwriteRows.Result {
        var txn = newTransaction()
        txn.overwrite(where: filter, with: rows, branch: branch)
        return try await commitOverwrite(txn)
    }

    /// Replaces the partitions `rows` fall into with `rows` in one snapshot; returns what it did.
    @discardableResult
    public func overwritePartitions(with rows: [(rowNumber: Int, row: JSONValue)], branch: String = "main")
        async throws -> OverwriteRows.Result
    {
        var txn = newTransaction()
        txn.overwritePartitions(with: rows, branch: branch)
        return try await commitOverwrite(txn)
    }

    private func commitOverwrite(_ txn: Transaction) async throws -> OverwriteRows.Result {
        let (_, actions) = try await txn.commitReturningActions()
        return (actions.first as? OverwriteRows)?.result ?? OverwriteRows.Result()
    }
}
