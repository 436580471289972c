/// Deletes the rows of a table that match a filter, as a new snapshot of a branch, in the
/// table's `write.delete.mode` or the one given.
///
/// Files the filter cannot match (by partition values and column bounds) are left alone. Each
/// candidate file is read with the deletes that apply to it: when none of its live rows match
/// it stays; when all do it is removed. A partly matching file is, copy-on-write, removed and
/// its other rows written to new files (current schema, default spec and `write.*`
/// properties); merge-on-read, kept, with a position-delete file (v2) or a deletion vector
/// (v3, all of one commit in one Puffin file) listing the positions of its matching rows
/// (`PositionDeleteWriter`, `DeletionVectorWriter`), merged with the file's earlier
/// file-scoped deletes, which are removed (Java keeps one per data file). A removed data file
/// takes its file-scoped deletes with it. Rows for which the filter is
/// unknown (a comparison with null) are kept, as SQL's DELETE keeps them. The snapshot's
/// operation is `overwrite` when rows were rewritten and `delete` otherwise; nothing is
/// committed when no row matches. After a lost race the delete is planned again on the
/// refreshed table, so its deletes never point at a file another commit removed.
public struct DeleteRows: TableAction {
    /// The rows to delete (bound to the current schema when applied).
    public let filter: Expression
    /// The branch to delete from.
    public let branch: String
    /// How the delete is written; nil: the table's `write.delete.mode`.
    public let mode: DeleteMode?
    /// What the last attempt did (the committed one, once the transaction has landed).
    public private(set) var result = Result()

    /// Deletes the rows matching `filter` from `branch`, in `mode` (nil: the table's).
    public init(filter: Expression, branch: String = "main", mode: DeleteMode? = nil) {
        self.filter = filter
        self.branch = branch
        self.mode = mode
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
        /// Position-delete files or deletion vectors written (merge-on-read).
        public var addedDeleteFiles = 0
        /// Position-delete files removed: merged into new ones, or gone with their data file.
        public var removedDeleteFiles = 0
    }

    /// Plans the delete on the branch's current snapshot and builds its snapshot.
    public mutating func apply(to changes: inout PendingChanges) async throws {
        result = Result()
        let m = changes.metadata
        let mode = try self.mode ?? m.value(of: TableProperties.writeDeleteMode)
        if mode == .mergeOnRead && m.formatVersion < 2 {
            throw IcebergError.unsupported(
                "merge-on-read deletes on a format v1 table (v1 has no delete files; upgrade it to v2)")
        }
        let plan = try await DeletePlan.make(m, io: changes.io, branch: branch, filter: filter, mode: mode)
        changes.track(plan.added.map(\.filePath) + plan.positionDeletes.map(\.file.filePath))
        guard plan.deletedRows > 0 else { return }
        // The rewritten files hold the schema and spec of this attempt.
        if !plan.added.isEmpty { changes.requireWritingSchemaAndSpec() }
        var producer = SnapshotProducer(changes, branch: branch)
        try await producer.add(plan.added, into: &changes)
        try await producer.addDeletes(plan.positionDeletes, into: &changes)
        producer.remove(plan.removed, listedIn: plan.manifestsWithRemovals)
        producer.removeDeletes(plan.removedDeletes)
        let snapshot = try await producer.commit(
            operation: plan.added.isEmpty ? "delete" : "overwrite", mergeManifests: false, into: &changes)
        result = Result(
            snapshotId: snapshot.snapshotId, deletedRows: plan.deletedRows, removedFiles: plan.removed.count,
            addedFiles: plan.added.count, addedDeleteFiles: plan.positionDeletes.count,
            removedDeleteFiles: plan.removedDeletes.count)
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
    /// Merge-on-read: position-delete files written for partly matching files, with the
    /// spec of the data file each refers to.
    var positionDeletes: [(file: DataFile, specId: Int)] = []
    /// Delete files that only refer to one data file and are replaced by a merged file or
    /// go with their removed data file.
    var removedDeletes: [DataFile] = []
    /// Live rows that matched.
    var deletedRows: Int64 = 0

    /// Reads the candidate files of the current snapshot and rewrites the partly matching
    /// ones (copy-on-write) or writes their position deletes (merge-on-read).
    static func make(_ m: TableMetadata, io: FileIO, branch: String, filter: Expression, mode: DeleteMode)
        async throws -> DeletePlan
    {
        guard let head = m.head(of: branch)?.snapshotId else { return DeletePlan() }
        let bound = try TableScan(metadata: m, io: io, snapshotId: head).filtered(filter).filter ?? .alwaysTrue
        return try await make(m, io: io, branch: branch, candidates: filter, mode: mode, reading: bound.fieldIds) {
            $0.matches(bound)
        }
    }

    /// The general form: the files `candidates` may match are read (the fields `reading`
    /// only, to decide) and `matching` tells, for each row of a batch, whether it is deleted.
    static func make(
        _ m: TableMetadata, io: FileIO, branch: String, candidates candidateFilter: Expression, mode: DeleteMode,
        reading fieldIds: Set<Int>, matching: (ColumnBatch) throws -> [Bool]
    ) async throws -> DeletePlan {
        var plan = DeletePlan()
        guard let head = m.head(of: branch)?.snapshotId else { return plan }
        let scan = try TableScan(metadata: m, io: io, snapshotId: head)
        let candidates = try await scan.filtered(candidateFilter).planFiles()
        // A filter without columns (always true) still needs a column to count rows by.
        var filterColumns = fieldIds.isEmpty ? scan.schema : try scan.schema.keeping(fieldIds)
        if mode == .mergeOnRead {
            filterColumns = try Schema(fields: filterColumns.fields + [MetadataColumns.filePosition])
        }
        // v3: rewritten rows keep their row ids and last-updated sequence numbers, written as
        // columns of the new files (as Java does), so readers see the same rows, not new ones.
        let lineage = m.formatVersion >= 3 ? [MetadataColumns.rowId, MetadataColumns.lastUpdatedSequenceNumber] : []
        let rewriting = lineage.isEmpty ? scan : scan.projecting(try Schema(fields: scan.schema.fields + lineage))
        let current = m.currentSchema
        var writer = try TableWriter(
            metadata: m, io: io,
            schema: try Schema(
                schemaId: current.schemaId, identifierFieldIds: current.identifierFieldIds,
                fields: current.fields + lineage),
            spec: m.defaultSpec, sortOrder: m.defaultSortOrder, metricsProperties: m.properties)
        let deleteWriter = try PositionDeleteWriter(metadata: m, io: io)
        var vectorWriter = try DeletionVectorWriter(metadata: m, io: io)
        var vectorSpecs: [String: Int] = [:]
        var cache = DeleteFileCache()
        do {
            for task in candidates {
                // First only the filter's columns: does any live row match, do all?
                var live = 0
                var matched = 0
                var positions: [Int64] = []
                var counting = ScanBatches.Iterator(scan: scan.projecting(filterColumns), tasks: [task])
                while let batch = try await counting.next() {
                    live += batch.rowCount
                    let matches = try matching(batch)
                    matched += matches.reduce(0) { $0 + ($1 ? 1 : 0) }
                    if mode == .mergeOnRead,
                        case .int64(let pos)? = batch.column(id: MetadataColumns.filePosition.id)?
                            .data?.values
                    {
                        for (r, hit) in matches.enumerated() where hit { positions.append(pos[r]) }
                    }
                }
                guard matched > 0 else { continue }
                plan.deletedRows += Int64(matched)
                // Position deletes and the deletion vector of this file alone: merged into the new
                // one, as Java keeps one per data file, or removed with the file.
                let own = task.fileScopedDeletes
                plan.removedDeletes += own
                if mode == .mergeOnRead && matched < live {
                    for d in own {
                        positions +=
                            d.isDeletionVector
                            ? try await cache.vector(d, for: task.file.filePath, io: io)
                            : try await cache.positions(d, for: task.file.filePath, io: io)
                    }
                    if !own.isEmpty { positions = Array(Set(positions)).sorted() }
                    if m.formatVersion >= 3 {
                        // v3 takes no new position-delete files: one deletion vector per data file.
                        try vectorWriter.add(positions, of: task.file)
                        vectorSpecs[task.file.filePath] = task.specId
                    } else {
                        plan.positionDeletes.append(
                            (try await deleteWriter.write(positions, of: task.file), task.specId))
                    }
                    continue
                }
                plan.removed.append(task.file)
                plan.manifestsWithRemovals.insert(task.manifestPath)
                guard matched < live else { continue }
                var rows = ScanBatches.Iterator(scan: rewriting, tasks: [task])
                while let batch = try await rows.next() {
                    let kept = batch.selecting(rows: try matching(batch).map { !$0 })
                    try await writer.append(kept)
                }
            }
            plan.added = try await writer.finish()
            for v in try await vectorWriter.finish() {
                plan.positionDeletes.append((v, vectorSpecs[v.referencedDataFile ?? ""] ?? m.defaultSpecId))
            }
        } catch {
            await writer.abort()
            try? await io.delete(plan.positionDeletes.map(\.file.filePath))
            throw error
        }
        return plan
    }
}
