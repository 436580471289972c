/// Adds data files and delete files, and removes files, in one snapshot of a branch,
/// validated against the commits that landed since the changes were planned (Java's
/// `RowDelta`). For writers that plan row-level changes themselves: the files were written
/// against `startingSnapshotId`, and committing them is only correct if nothing that landed
/// since conflicts:
///
/// - a data file the new position deletes refer to (`referencedDataFiles`, plus each added
///   delete's `referenced_data_file`) or a file this delta removes was removed: always a
///   conflict (the deletes would point at nothing, or rows would come back);
/// - a delete file that may delete rows matching `conflictDetectionFilter` was added
///   (`serializable` and `snapshot` isolation), or a deletion vector for a data file this
///   delta adds one for (always: readers take one vector per file);
/// - a data file that may hold rows matching `conflictDetectionFilter` was added
///   (`serializable` only: the rows this delta decided on would have been different).
///
/// A conflict fails the transaction with `CatalogError.validationFailed` naming the file and
/// the snapshot; a race with a commit that does not conflict is retried on top of it. The
/// isolation level is `write.delete.isolation-level` unless given. The operation is Java's:
/// `append` when only data is added, `delete` when only deletes are added or files removed,
/// otherwise `overwrite`. (`DeleteRows` and `UpsertRows` do not need this: they plan again on
/// every attempt.)
public struct RowDelta: TableAction {
    /// Data files to add (written for the current schema and default spec).
    public var addedDataFiles: [DataFile] = []
    /// Delete files to add, with the spec of the data they delete.
    public var addedDeleteFiles: [(file: DataFile, specId: Int)] = []
    /// Data files of the starting snapshot to remove.
    public var removedDataFiles: [DataFile] = []
    /// Delete files of the starting snapshot to remove (replaced, or left without their data).
    public var removedDeleteFiles: [DataFile] = []
    /// Data files the added deletes need to still exist (beyond their `referenced_data_file`).
    public var referencedDataFiles: [String] = []
    /// The snapshot the changes were planned on (nil: the branch's head when the transaction began).
    public var startingSnapshotId: Int64?
    /// The rows the changes depend on; files added since that may hold such rows conflict.
    public var conflictDetectionFilter: Expression = .alwaysTrue
    /// Which concurrent commits conflict; nil: the table's `write.delete.isolation-level`.
    public var isolationLevel: IsolationLevel?
    /// The branch committed to.
    public var branch: String
    /// The snapshot made by the last attempt (the committed one, once the transaction has landed).
    public private(set) var snapshotId: Int64?

    /// An empty delta on `branch`; set its files and validation, then add it to a transaction.
    public init(branch: String = "main") { self.branch = branch }

    /// Validates the changes against what landed since the starting snapshot and builds the snapshot.
    public mutating func apply(to changes: inout PendingChanges) async throws {
        snapshotId = nil
        let m = changes.metadata
        if !addedDeleteFiles.isEmpty && m.formatVersion < 2 {
            throw IcebergError.unsupported("delete files in a format v1 table (upgrade it to v2)")
        }
        if m.formatVersion >= 3,
            let d = addedDeleteFiles.first(where: { $0.file.content == .positionDeletes && !$0.file.isDeletionVector })
        {
            throw IcebergError.unsupported(
                "position-delete file \(d.file.filePath) in a format v3 table (v3 takes deletion vectors)")
        }
        let start = startingSnapshotId ?? changes.startingMetadata.head(of: branch)?.snapshotId
        try await validate(m, io: changes.io, start: start)
        guard
            !(addedDataFiles.isEmpty && addedDeleteFiles.isEmpty && removedDataFiles.isEmpty
                && removedDeleteFiles.isEmpty)
        else { return }
        var producer = SnapshotProducer(changes, branch: branch)
        try await producer.add(addedDataFiles, into: &changes)
        try await producer.addDeletes(addedDeleteFiles, into: &changes)
        if !removedDataFiles.isEmpty, let head = m.head(of: branch) {
            let paths = Set(removedDataFiles.map(\.filePath))
            let listing = try await TableScan(metadata: m, io: changes.io, snapshotId: head.snapshotId).planFiles()
                .filter { paths.contains($0.file.filePath) }
            producer.remove(listing.map(\.file), listedIn: Set(listing.map(\.manifestPath)))
        }
        producer.removeDeletes(removedDeleteFiles)
        let addsData = !addedDataFiles.isEmpty
        let deletes = !addedDeleteFiles.isEmpty || !removedDataFiles.isEmpty
        let operation = addsData ? (deletes ? "overwrite" : "append") : "delete"
        snapshotId = try await producer.commit(operation: operation, mergeManifests: true, into: &changes).snapshotId
    }

    /// Throws `CatalogError.validationFailed` for the first conflicting change committed after
    /// the starting snapshot.
    private func validate(_ m: TableMetadata, io: FileIO, start: Int64?) async throws {
        guard let head = m.head(of: branch) else { return }
        guard head.snapshotId != start else { return }
        let history = m.ancestors(of: head.snapshotId)
        var newer: [Snapshot] = []
        for s in history {
            if s.snapshotId == start { break }
            newer.append(s)
        }
        if let start, newer.count == history.count {
            throw CatalogError.validationFailed(
                "branch \(branch) no longer descends from snapshot \(start) the row delta was planned on")
        }
        let level = try isolationLevel ?? m.value(of: TableProperties.deleteIsolationLevel)
        let bound = try conflictDetectionFilter.bind(m.currentSchema)
        let mustExist = Set(
            referencedDataFiles + addedDeleteFiles.compactMap(\.file.referencedDataFile)
                + removedDataFiles.map(\.filePath))
        let vectorTargets = Set(addedDeleteFiles.filter(\.file.isDeletionVector).compactMap(\.file.referencedDataFile))
        for snapshot in newer.reversed() {
            let manifests = try await TableScan(metadata: m, io: io, snapshotId: snapshot.snapshotId).manifests()
            for mf in manifests where mf.addedSnapshotId == snapshot.snapshotId {
                let spec = m.spec(id: mf.partitionSpecId)
                let files = FileFilter(bound, spec: spec, schema: m.currentSchema)
                let entries = try ManifestCodec.readManifest(
                    try await io.read(mf.path), manifest: mf, schema: m.currentSchema, spec: spec)
                for e in entries where e.snapshotId == snapshot.snapshotId {
                    let file = e.dataFile
                    let at = "snapshot \(snapshot.snapshotId) (\(snapshot.operation))"
                    switch (e.status, file.content) {
                    case (.deleted, .data) where mustExist.contains(file.filePath):
                        throw CatalogError.validationFailed(
                            "data file \(file.filePath) was removed by \(at) after the row delta was planned")
                    case (.added, .data) where level == .serializable && files.mayMatch(file):
                        throw CatalogError.validationFailed(
                            "\(at) added data file \(file.filePath), which may hold rows matching \(conflictDetectionFilter) (serializable isolation)"
                        )
                    case (.added, .positionDeletes), (.added, .equalityDeletes):
                        if file.isDeletionVector, let target = file.referencedDataFile, vectorTargets.contains(target) {
                            throw CatalogError.validationFailed(
                                "\(at) added a deletion vector for \(target), which this row delta also writes one for")
                        }
                        if files.mayMatch(file) {
                            throw CatalogError.validationFailed(
                                "\(at) added delete file \(file.filePath), which may delete rows matching \(conflictDetectionFilter)"
                            )
                        }
                    default:
                        continue
                    }
                }
            }
        }
    }
}
