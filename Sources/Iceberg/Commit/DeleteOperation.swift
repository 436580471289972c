/// Deletes the rows of a table that match a filter, copy-on-write, as a new snapshot on `main`.
///
/// Files the filter cannot match (by partition values and column bounds) are left alone. Each
/// candidate file is read with the position deletes that apply to it: when none of its live
/// rows match it stays; otherwise it is removed and, unless every live row matched, its other
/// rows are written to new files (current schema, default spec and `write.*` properties). Rows
/// for which the filter is unknown (a comparison with null) are kept, as SQL's DELETE keeps
/// them. The snapshot's operation is `delete` when files were only removed and `overwrite` when
/// rows were rewritten. On a conflict the delete is planned again on the refreshed table, per
/// `commit.retry.*`; the files of failed attempts are removed.
public struct DeleteOperation {
    /// The catalog to commit through.
    public let catalog: Catalog
    /// The table.
    public let identifier: TableIdentifier

    /// Creates the operation.
    public init(catalog: Catalog, identifier: TableIdentifier) {
        self.catalog = catalog
        self.identifier = identifier
    }

    /// What a delete did.
    public struct Result: Sendable {
        /// The table after the commit (as loaded when no row matched).
        public var table: Table
        /// The new snapshot, or nil when no row matched and nothing was committed.
        public var snapshotId: Int64?
        /// Rows deleted.
        public var deletedRows: Int64
        /// Data files removed from the table.
        public var removedFiles: Int
        /// Data files written with the rows of removed files that did not match.
        public var addedFiles: Int
    }

    /// Deletes the rows matching `filter` (bound to the current schema) from the current
    /// snapshot of `main`.
    @discardableResult
    public func commit(filter: Expression) async throws -> Result {
        var table = try await catalog.loadTable(identifier)
        let retry = CommitRetryPolicy(table.metadata)
        var attempt = 0
        while true {
            attempt += 1
            let plan = try await DeletePlan.make(table, filter: filter)
            guard plan.deletedRows > 0 else {
                return Result(table: table, snapshotId: nil, deletedRows: 0, removedFiles: 0, addedFiles: 0)
            }
            var written = plan.added.map(\.filePath)
            do {
                let snapshot = try await plan.buildSnapshot(table, attempt: attempt) { written.append($0) }
                let committed = try await catalog.commitTable(identifier, requirements: [
                    .assertTableUUID(table.metadata.tableUUID),
                    .assertRefSnapshotId(ref: "main", snapshotId: table.metadata.currentSnapshotId),
                ], updates: [.addSnapshot(snapshot), .setSnapshotRef(name: "main", ref: SnapshotRef(snapshotId: snapshot.snapshotId, type: .branch))])
                return Result(table: committed, snapshotId: snapshot.snapshotId, deletedRows: plan.deletedRows,
                              removedFiles: plan.removed.count, addedFiles: plan.added.count)
            } catch let CatalogError.commitConflict(message) {
                try? await table.io.delete(written)
                guard retry.mayRetry(after: attempt) else {
                    throw CatalogError.commitConflict("\(message) (gave up after \(attempt) attempts)")
                }
                try await retry.wait(after: attempt)
                table = try await catalog.loadTable(identifier)
            } catch {
                if case CatalogError.commitStateUnknown = error { throw error }
                try? await table.io.delete(written)
                throw error
            }
        }
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
    static func make(_ table: Table, filter: Expression) async throws -> DeletePlan {
        let m = table.metadata
        var plan = DeletePlan()
        guard m.currentSnapshot != nil else { return plan }
        let scan = try TableScan(metadata: m, io: table.io)
        let filtered = try scan.filtered(filter)
        let bound = filtered.filter ?? .alwaysTrue
        let candidates = try await filtered.planFiles()
        // A filter without columns (always true) still needs a column to count rows by.
        let filterColumns = bound.fieldIds.isEmpty ? scan.schema : try scan.schema.keeping(bound.fieldIds)
        var writer = try TableWriter(metadata: m, io: table.io)
        do {
            for task in candidates {
                // First only the filter's columns: does any live row match, do all?
                var live = 0, matched = 0
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
                    if kept.rowCount > 0 { try await writer.append(columns: kept.leaves) }
                }
            }
            plan.added = try await writer.finish()
        } catch {
            await writer.abort()
            throw error
        }
        return plan
    }

    /// Writes the manifests and manifest list of the snapshot that removes `removed` and adds
    /// `added`; reports each file written through `wrote` (so a failed attempt can remove it).
    func buildSnapshot(_ table: Table, attempt: Int, wrote: (String) -> Void) async throws -> Snapshot {
        let m = table.metadata
        let io = table.io
        guard let parent = m.currentSnapshot else { throw CatalogError.invalidCommit("the table has no snapshot to delete from") }
        let snapshotId = m.unusedSnapshotId()
        let sequence = m.formatVersion >= 2 ? m.lastSequenceNumber + 1 : 0
        let removedPaths = Set(removed.map(\.filePath))
        var manifests: [ManifestFile] = []

        if !added.isEmpty {
            let entries = added.map { ManifestEntry(status: .added, snapshotId: snapshotId, sequenceNumber: nil, fileSequenceNumber: nil, dataFile: $0) }
            let path = "\(m.location)/metadata/\(RandomUUID.make())-m0.avro"
            let bytes = try ManifestCodec.writeManifest(entries, spec: m.defaultSpec, schema: m.currentSchema, formatVersion: m.formatVersion)
            try await io.write(path, bytes)
            wrote(path)
            manifests.append(try ManifestFile.describing(entries, path: path, length: bytes.count, spec: m.defaultSpec, schema: m.currentSchema,
                                                         snapshotId: snapshotId, sequenceNumber: sequence))
        }
        let existing = try await TableScan(metadata: m, io: io, snapshotId: parent.snapshotId).manifests()
        for mf in existing {
            guard mf.content == .data, manifestsWithRemovals.contains(mf.path), let spec = m.spec(id: mf.partitionSpecId) else {
                manifests.append(mf)
                continue
            }
            let entries = try ManifestCodec.readManifest(try await io.read(mf.path), manifest: mf, schema: m.currentSchema, spec: spec)
            // Live entries stay (as existing), removed ones are marked deleted by this snapshot;
            // both keep their sequence numbers. Entries deleted earlier are dropped.
            var rewritten: [ManifestEntry] = []
            for var e in entries where e.status != .deleted {
                if removedPaths.contains(e.dataFile.filePath) {
                    e.status = .deleted
                    e.snapshotId = snapshotId
                } else {
                    e.status = .existing
                }
                rewritten.append(e)
            }
            let path = "\(m.location)/metadata/\(RandomUUID.make())-m1.avro"
            let bytes = try ManifestCodec.writeManifest(rewritten, spec: spec, schema: m.currentSchema, formatVersion: m.formatVersion)
            try await io.write(path, bytes)
            wrote(path)
            manifests.append(try ManifestFile.describing(rewritten, path: path, length: bytes.count, spec: spec, schema: m.currentSchema,
                                                         snapshotId: snapshotId, sequenceNumber: sequence))
        }

        let listPath = "\(m.location)/metadata/snap-\(snapshotId)-\(attempt)-\(RandomUUID.make()).avro"
        let listBytes = try ManifestCodec.writeManifestList(manifests, snapshotId: snapshotId, parentSnapshotId: parent.snapshotId,
                                                            sequenceNumber: sequence, formatVersion: m.formatVersion)
        try await io.write(listPath, listBytes)
        wrote(listPath)
        var snapshot = Snapshot(snapshotId: snapshotId, parentSnapshotId: parent.snapshotId, sequenceNumber: sequence, timestampMs: nowMs(),
                                manifestList: listPath, summary: SnapshotSummary.delete(removed: removed, added: added, parent: parent),
                                schemaId: m.currentSchemaId)
        if m.formatVersion >= 3 { snapshot.firstRowId = m.nextRowId ?? 0; snapshot.addedRows = 0 }
        return snapshot
    }
}
