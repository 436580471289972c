/// Builds one new snapshot of a branch for every snapshot-producing action (append, delete,
/// overwrite, …; Java's `SnapshotProducer` and `MergingSnapshotProducer`): a manifest of the
/// added files, the parent's manifests with removed files marked deleted, merging of small
/// manifests when asked, the manifest list, the summary with the spec's totals, and the
/// `add-snapshot` + `set-snapshot-ref` updates.
struct SnapshotProducer {
    /// The metadata the snapshot is built on.
    let metadata: TableMetadata
    /// The branch the snapshot becomes the head of.
    let branch: String
    /// The branch's head before this snapshot (for a new branch, `main`'s head: it forks from there, as in Java).
    let parent: Snapshot?
    /// The new snapshot's id.
    let snapshotId: Int64
    /// The new snapshot's sequence number (0 in v1).
    let sequenceNumber: Int64
    private var newManifests: [ManifestFile] = []
    private var added: [DataFile] = []
    private var removed: [DataFile] = []
    private var addedDeletes: [DataFile] = []
    private var removedDeletes: [DataFile] = []
    private var manifestsWithRemovals: Set<String> = []
    /// Parent manifests this snapshot leaves out (their live entries were written again).
    private var replacedManifests: Set<String> = []
    /// Summary properties beyond the counts (`source-snapshot-id` of a cherry-pick, …).
    var extraSummary: [(String, String)] = []
    /// The transaction's and actions' snapshot properties (the computed ones win).
    private let snapshotProperties: [(String, String)]

    /// Starts a snapshot of `branch` on the metadata `changes` holds now.
    init(_ changes: PendingChanges, branch: String = "main") {
        snapshotProperties = changes.snapshotProperties
        metadata = changes.metadata
        self.branch = branch
        parent = changes.metadata.head(of: branch)
        snapshotId = changes.metadata.unusedSnapshotId()
        sequenceNumber = changes.metadata.formatVersion >= 2 ? changes.metadata.lastSequenceNumber + 1 : 0
    }

    /// A manifest written by an earlier attempt or call: where it is and which spec its files use.
    struct WrittenManifest: Sendable {
        var path: String
        var length: Int
        var specId: Int
    }

    /// Writes a manifest of `files` as added data files of a spec (nil: the default). With
    /// `snapshotId` nil (v2 and later) the entries inherit snapshot id and sequence numbers
    /// from the manifest list, so the manifest stays valid for any later attempt.
    /// With `dataSequenceNumber` the entries carry it (a rewrite's files keep the starting
    /// snapshot's); otherwise they inherit the snapshot's.
    static func writeAddedManifest(
        _ files: [DataFile], snapshotId: Int64?, specId: Int? = nil, dataSequenceNumber: Int64? = nil,
        into changes: inout PendingChanges, reusedAcrossAttempts: Bool
    ) async throws -> WrittenManifest {
        let m = changes.metadata
        guard let spec = m.spec(id: specId ?? m.defaultSpecId) else {
            throw CatalogError.validationFailed("partition spec \(specId ?? m.defaultSpecId) is not in the table")
        }
        let entries = files.map {
            ManifestEntry(
                status: .added, snapshotId: snapshotId, sequenceNumber: dataSequenceNumber, fileSequenceNumber: nil,
                dataFile: $0)
        }
        let bytes = try ManifestCodec.writeManifest(
            entries, spec: spec, schema: m.currentSchema, formatVersion: m.formatVersion)
        let path = changes.newMetadataPath("m0.avro")
        try await changes.write(path, bytes, reusedAcrossAttempts: reusedAcrossAttempts)
        return WrittenManifest(path: path, length: bytes.count, specId: spec.specId)
    }

    /// Adds data files of a spec (nil: the default) through a new manifest written for this
    /// snapshot, with `dataSequenceNumber` (nil: this snapshot's; v2 and later).
    mutating func add(
        _ files: [DataFile], specId: Int? = nil, dataSequenceNumber: Int64? = nil, into changes: inout PendingChanges
    ) async throws {
        guard !files.isEmpty else { return }
        let inherit = metadata.formatVersion >= 2
        let written = try await Self.writeAddedManifest(
            files, snapshotId: inherit ? nil : snapshotId, specId: specId,
            dataSequenceNumber: inherit ? dataSequenceNumber : nil, into: &changes, reusedAcrossAttempts: false)
        try add(files, through: written, dataSequenceNumber: inherit ? dataSequenceNumber : nil)
    }

    /// Adds data files through a manifest already written (with inherited ids) for them.
    mutating func add(_ files: [DataFile], through manifest: WrittenManifest, dataSequenceNumber: Int64? = nil) throws {
        guard let spec = metadata.spec(id: manifest.specId) else {
            throw CatalogError.validationFailed(
                "partition spec \(manifest.specId) of the added files is no longer in the table")
        }
        let entries = files.map {
            ManifestEntry(
                status: .added, snapshotId: snapshotId, sequenceNumber: dataSequenceNumber, fileSequenceNumber: nil,
                dataFile: $0)
        }
        newManifests.append(
            try ManifestFile.describing(
                entries, path: manifest.path, length: manifest.length, spec: spec,
                schema: metadata.currentSchema, snapshotId: snapshotId, sequenceNumber: sequenceNumber))
        added += files
    }

    /// Adds position-delete files of a spec through a new delete manifest (entries inheriting
    /// snapshot id and sequence numbers, so they delete rows of files with lower or equal data
    /// sequence numbers: every file already in the table), or with `dataSequenceNumber` (a
    /// rewrite of deletes keeps the newest of the replaced files').
    mutating func addDeletes(
        _ files: [DataFile], specId: Int, dataSequenceNumber: Int64? = nil, into changes: inout PendingChanges
    ) async throws {
        guard !files.isEmpty else { return }
        guard metadata.formatVersion >= 2 else {
            throw IcebergError.unsupported("delete files in a format v1 table (upgrade it to v2)")
        }
        guard let spec = metadata.spec(id: specId) else {
            throw CatalogError.validationFailed(
                "partition spec \(specId) of the deleted rows is no longer in the table")
        }
        let entries = files.map {
            ManifestEntry(
                status: .added, snapshotId: nil, sequenceNumber: dataSequenceNumber, fileSequenceNumber: nil,
                dataFile: $0)
        }
        let bytes = try ManifestCodec.writeManifest(
            entries, spec: spec, schema: metadata.currentSchema, formatVersion: metadata.formatVersion,
            content: .positionDeletes)
        let path = changes.newMetadataPath("m0.avro")
        try await changes.write(path, bytes)
        var manifest = try ManifestFile.describing(
            entries.map {
                var e = $0
                e.snapshotId = snapshotId
                return e
            }, path: path, length: bytes.count, spec: spec, schema: metadata.currentSchema, snapshotId: snapshotId,
            sequenceNumber: sequenceNumber)
        manifest.content = .positionDeletes
        newManifests.append(manifest)
        addedDeletes += files
    }

    /// Adds delete files of several specs: one delete manifest per spec, in spec-id order.
    mutating func addDeletes(_ files: [(file: DataFile, specId: Int)], into changes: inout PendingChanges)
        async throws
    {
        for (specId, group) in Dictionary(grouping: files, by: \.specId).sorted(by: { $0.key < $1.key }) {
            try await addDeletes(group.map(\.file), specId: specId, into: &changes)
        }
    }

    /// What identifies a delete file's entry: its path, and for a deletion vector (several
    /// share one Puffin file) also the data file it refers to.
    static func deleteKey(_ file: DataFile) -> String {
        file.isDeletionVector ? "\(file.filePath)#\(file.referencedDataFile ?? "")" : file.filePath
    }

    /// Removes delete files of the parent snapshot (replaced by merged ones, or left without
    /// their data file); the delete manifests listing them are found and rewritten at commit.
    mutating func removeDeletes(_ files: [DataFile]) {
        removedDeletes += files
    }

    /// Replaces parent manifests by new ones holding the same live entries (a manifest
    /// rewrite): `replaced` are left out of the snapshot, `manifests` listed instead.
    mutating func replaceManifests(_ replaced: Set<String>, with manifests: [ManifestFile]) {
        replacedManifests.formUnion(replaced)
        newManifests += manifests
    }

    /// Removes data files of the parent snapshot; `manifests` are the parent's manifests that
    /// list them (only those are rewritten, with the files' entries marked deleted).
    mutating func remove(_ files: [DataFile], listedIn manifests: Set<String>) {
        removed += files
        manifestsWithRemovals.formUnion(manifests)
    }

    /// Writes the rewritten manifests and the manifest list, merges small manifests when
    /// `mergeManifests` (per `commit.manifest*`), and records the snapshot and the branch
    /// move on `changes`. Returns the snapshot.
    @discardableResult
    func commit(operation: String, mergeManifests: Bool, into changes: inout PendingChanges) async throws -> Snapshot {
        let m = metadata
        var manifests = newManifests
        if let parent {
            let removedPaths = Set(removed.map(\.filePath))
            let removedDeleteKeys = Set(removedDeletes.map(Self.deleteKey))
            for mf in try await TableScan(metadata: m, io: changes.io, snapshotId: parent.snapshotId).manifests()
            where !replacedManifests.contains(mf.path) {
                guard let spec = m.spec(id: mf.partitionSpecId) else {
                    manifests.append(mf)
                    continue
                }
                if mf.content == .data, manifestsWithRemovals.contains(mf.path) {
                    manifests.append(
                        try await rewrite(
                            mf, spec: spec, removing: { removedPaths.contains($0.filePath) }, into: &changes))
                } else if mf.content != .data, !removedDeleteKeys.isEmpty {
                    manifests.append(
                        try await rewrite(
                            mf, spec: spec, removing: { removedDeleteKeys.contains(Self.deleteKey($0)) }, into: &changes
                        ))
                } else {
                    manifests.append(mf)
                }
            }
        } else if !removed.isEmpty {
            throw CatalogError.validationFailed("branch \(branch) has no snapshot to remove files from")
        }
        if mergeManifests {
            manifests = try await ManifestMerger(metadata: m, snapshotId: snapshotId, sequenceNumber: sequenceNumber)
                .merge(manifests, newPaths: Set(newManifests.map(\.path)), into: &changes)
        }

        // v3 row lineage: each data manifest without a first row id gets the next range of ids.
        let firstRowId = m.nextRowId ?? 0
        var nextRowId = firstRowId
        if m.formatVersion >= 3 {
            for i in manifests.indices where manifests[i].content == .data && manifests[i].firstRowId == nil {
                manifests[i].firstRowId = nextRowId
                nextRowId += manifests[i].addedRowsCount + manifests[i].existingRowsCount
            }
        }
        let listPath = "\(m.location)/metadata/snap-\(snapshotId)-\(changes.attempt)-\(RandomUUID.make()).avro"
        let listBytes = try ManifestCodec.writeManifestList(
            manifests, snapshotId: snapshotId, parentSnapshotId: parent?.snapshotId,
            sequenceNumber: sequenceNumber, formatVersion: m.formatVersion)
        try await changes.write(listPath, listBytes)
        var snapshot = Snapshot(
            snapshotId: snapshotId, parentSnapshotId: parent?.snapshotId, sequenceNumber: sequenceNumber,
            timestampMs: WallClock.nowMs(), manifestList: listPath,
            summary: summary(operation),
            schemaId: m.currentSchemaId)
        if m.formatVersion >= 3 {
            snapshot.firstRowId = firstRowId
            snapshot.addedRows = nextRowId - firstRowId
        }
        // The branch keeps its retention settings; only its head moves.
        var ref = m.ref(branch) ?? SnapshotRef(snapshotId: snapshotId, type: .branch)
        ref.snapshotId = snapshotId
        try changes.apply(.addSnapshot(snapshot))
        try changes.apply(.setSnapshotRef(name: branch, ref: ref))
        return snapshot
    }

    /// The computed summary, then the extra and snapshot properties it does not have, then
    /// the stream positions the parent carries that this snapshot does not set (so every
    /// snapshot of a branch holds every stream's last positions, whoever commits).
    private func summary(_ operation: String) -> [(String, String)] {
        var out =
            SnapshotSummary.make(
                operation: operation, added: added, removed: removed, parent: parent, addedDeletes: addedDeletes,
                removedDeletes: removedDeletes) + extraSummary
        var keys = Set(out.map(\.0))
        for (k, v) in snapshotProperties where keys.insert(k).inserted { out.append((k, v)) }
        for (k, v) in parent?.summary ?? [] where StreamSummary.isCarriedForward(k) && keys.insert(k).inserted {
            out.append((k, v))
        }
        return out
    }

    /// A parent manifest written again: live entries stay (as existing), removed ones are
    /// marked deleted by this snapshot, both keeping their sequence numbers; entries deleted
    /// earlier are dropped. A manifest without any of the removed files is kept as it is.
    private func rewrite(
        _ mf: ManifestFile, spec: PartitionSpec, removing isRemoved: (DataFile) -> Bool,
        into changes: inout PendingChanges
    ) async throws -> ManifestFile {
        let m = metadata
        let entries = try ManifestCodec.readManifest(
            try await changes.io.read(mf.path), manifest: mf, schema: m.currentSchema, spec: spec)
        guard entries.contains(where: { $0.status != .deleted && isRemoved($0.dataFile) }) else {
            return mf
        }
        var rewritten: [ManifestEntry] = []
        for var e in entries where e.status != .deleted {
            if isRemoved(e.dataFile) {
                e.status = .deleted
                e.snapshotId = snapshotId
            } else {
                e.status = .existing
            }
            rewritten.append(e)
        }
        let path = changes.newMetadataPath("m1.avro")
        let bytes = try ManifestCodec.writeManifest(
            rewritten, spec: spec, schema: m.currentSchema, formatVersion: m.formatVersion, content: mf.content)
        try await changes.write(path, bytes)
        var described = try ManifestFile.describing(
            rewritten, path: path, length: bytes.count, spec: spec, schema: m.currentSchema,
            snapshotId: snapshotId, sequenceNumber: sequenceNumber)
        described.content = mf.content
        return described
    }
}

/// Merges small manifests of a spec and content (data, deletes) once there are enough of them
/// (`commit.manifest.min-count-to-merge`, `commit.manifest.target-size-bytes`,
/// `commit.manifest-merge.enabled`), rewriting live entries as EXISTING with their sequence
/// numbers (Java merges delete manifests by the same rule).
struct ManifestMerger {
    let metadata: TableMetadata
    let snapshotId: Int64
    let sequenceNumber: Int64

    /// `manifests` with the small ones of each spec merged; `newPaths` are the manifests this
    /// snapshot adds (their entries stay ADDED). New manifests come first in the result.
    func merge(_ manifests: [ManifestFile], newPaths: Set<String>, into changes: inout PendingChanges) async throws
        -> [ManifestFile]
    {
        guard try metadata.value(of: TableProperties.manifestMergeEnabled) else { return manifests }
        let minCount = try metadata.value(of: TableProperties.manifestMinMergeCount)
        let target = try metadata.value(of: TableProperties.manifestTargetSizeBytes)
        var out: [ManifestFile] = []
        let groups = Dictionary(grouping: manifests, by: { "\($0.partitionSpecId)-\($0.content.rawValue)" })
        for (_, group) in groups.sorted(by: { $0.key < $1.key }) {
            let small = group.filter { $0.length < target }
            guard small.count >= minCount, let first = small.first, let spec = metadata.spec(id: first.partitionSpecId)
            else {
                out += group
                continue
            }
            var entries: [ManifestEntry] = []
            for mf in small {
                let read = try ManifestCodec.readManifest(
                    try await changes.io.read(mf.path), manifest: mf, schema: metadata.currentSchema, spec: spec)
                for var e in read where e.status != .deleted {
                    if e.status == .added && mf.addedSnapshotId != snapshotId { e.status = .existing }
                    if newPaths.contains(mf.path) {
                        // A rewrite's new files keep the data sequence number they were added with.
                        e.snapshotId = snapshotId
                        e.sequenceNumber = e.sequenceNumber ?? sequenceNumber
                        e.fileSequenceNumber = sequenceNumber
                    }
                    entries.append(e)
                }
            }
            let bytes = try ManifestCodec.writeManifest(
                entries, spec: spec, schema: metadata.currentSchema, formatVersion: metadata.formatVersion,
                content: first.content)
            let path = changes.newMetadataPath("m1.avro")
            try await changes.write(path, bytes)
            var merged = try ManifestFile.describing(
                entries, path: path, length: bytes.count, spec: spec, schema: metadata.currentSchema,
                snapshotId: snapshotId, sequenceNumber: sequenceNumber)
            merged.content = first.content
            out.append(merged)
            out += group.filter { $0.length >= target }
        }
        // Keep the new manifests first, as writers conventionally do.
        out.sort { ($0.addedSnapshotId == snapshotId ? 0 : 1) < ($1.addedSnapshotId == snapshotId ? 0 : 1) }
        return out
    }
}
