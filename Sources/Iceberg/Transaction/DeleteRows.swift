/// Deletes the rows of a table that match a filter, copy-on-write, as a new snapshot of a
/// branch.
///
/// Files the filter cannot match (by partition values and column bounds) are left alone. Each
/// candidate file is read with the position deletes that apply to it: when none of its live
/// rows match it stays; otherwise it is removed and, unless every live row matched, its other
/// rows are written to new files (current schema, default spec and `write.*` properties). Rows
/// for which the filter is unknown (a comparison with null) are kept, as SQL's DELETE keeps
/// them. The snapshot's operation is `delete` when files were only removed and `overwrite` when
/// rows were rewritten; nothing is committed when no row matches. After a lost race the delete
/// is planned again on the refreshed table.
public struct DeleteRows: TableAction {
    /// The rows to delete (bound to the current schema when applied).
    public let filter: Expression
    /// The branch to delete from.
    public let branch: String
    /// What the last attempt did (the committed one, once the transaction has landed).
    public private(set) var result = Result()

    /// Deletes the rows matching `filter` from `branch`.
    public init(filter: Expression, branch: String = "main") {
        self.filter = filter
        self.branch = branch
    }

    /// What a delete did.
    public struct Result: Sendable, Equatable {
        /// The new snapshot, or nil when no row matched and nothing was committed.
        public var snapshotId: Int64?
        /// Rows deleted.
        public var deletedRows: Int64 = 0
        /// Data files removed from the table.
        public var removedFiles = 0
        /// Data files written with the rows of removed files that did not match.
        public var addedFiles = 0
    }

    /// Plans the delete on the branch's current snapshot and builds its snapshot.
    public mutating func apply(to changes: inout PendingChanges) async throws {
        result = Result()
        guard changes.metadata.formatVersion < 3 else {
            // Rewritten rows must keep their _row_id and _last_updated_sequence_number; until
            // the rewrite carries them, refuse rather than renumber rows.
            throw IcebergError.unsupported(
                "copy-on-write deletes on format v3 tables (they would not keep row lineage yet)")
        }
        let plan = try await DeletePlan.make(changes.metadata, io: changes.io, branch: branch, filter: filter)
        changes.track(plan.added.map(\.filePath))
        guard plan.deletedRows > 0 else { return }
        // The rewritten files hold the schema and spec of this attempt.
        if !plan.added.isEmpty { changes.requireWritingSchemaAndSpec() }
        var producer = SnapshotProducer(changes, branch: branch)
        try await producer.add(plan.added, into: &changes)
        producer.remove(plan.removed, listedIn: plan.manifestsWithRemovals)
        let snapshot = try await producer.commit(
            operation: plan.added.isEmpty ? "delete" : "overwrite", mergeManifests: false, into: &changes)
        result = Result(
            snapshotId: snapshot.snapshotId, deletedRows: plan.deletedRows, removedFiles: plan.removed.count,
            addedFiles: plan.added.count)
    }
}

/// The files one delete attempt removes and writes.
struct DeletePlan {
    /// Data files removed.
    var removed: [DataFile] = []
    /// The manifests that list them (only these are rewritten).
    var manifestsWithRemovals: Set<String> = []
    /// Files written with the surviving rows of partly matching files.
    var added: [DataFile] = []
    /// Live rows that matched.
    var deletedRows: Int64 = 0

    /// Reads the candidate files of the current snapshot and rewrites the partly matching ones.
    static func make(_ m: TableMetadata, io: FileIO, branch: String, filter: Expression) async throws -> DeletePlan {
        var plan = DeletePlan()
        guard let head = m.head(of: branch)?.snapshotId else { return plan }
        let scan = try TableScan(metadata: m, io: io, snapshotId: head)
        let filtered = try scan.filtered(filter)
        let bound = filtered.filter ?? .alwaysTrue
        let candidates = try await filtered.planFiles()
        // A filter without columns (always true) still needs a column to count rows by.
        let filterColumns = bound.fieldIds.isEmpty ? scan.schema : try scan.schema.keeping(bound.fieldIds)
        var writer = try TableWriter(metadata: m, io: io)
        do {
            for task in candidates {
                // First only the filter's columns: does any live row match, do all?
                var live = 0
                var matched = 0
                var counting = ScanBatches.Iterator(scan: scan.projecting(filterColumns), tasks: [task])
                while let batch = try await counting.next() {
                    live += batch.rowCount
                    matched += batch.matches(bound).reduce(0) { $0 + ($1 ? 1 : 0) }
                }
                guard matched > 0 else { continue }
                plan.removed.append(task.file)
                plan.manifestsWithRemovals.insert(task.manifestPath)
                plan.deletedRows += Int64(matched)
                guard matched < live else { continue }
                var rows = ScanBatches.Iterator(scan: scan, tasks: [task])
                while let batch = try await rows.next() {
                    let kept = batch.selecting(rows: batch.matches(bound).map { !$0 })
                    try await writer.append(kept)
                }
            }
            plan.added = try await writer.finish()
        } catch {
            await writer.abort()
            throw error
        }
        return plan
    }
}
