/// Removes old snapshots from a table and deletes the files that only they reached, so a
/// table's metadata and storage stop growing with its history (Java's `ExpireSnapshots`).
///
/// What is kept, per the spec's snapshot retention properties:
/// - every branch's and tag's snapshot; refs other than `main` older than their
///   `max-ref-age-ms` (default `history.expire.max-ref-age-ms`, unlimited) are removed;
/// - on each branch, the newest `min-snapshots-to-keep` ancestors (default `retainLast`, else
///   `history.expire.min-snapshots-to-keep`, 1) and every ancestor newer than the branch's
///   `max-snapshot-age-ms` or, without one, `olderThanMs` (default now minus
///   `history.expire.max-snapshot-age-ms`, 5 days);
/// - snapshots outside every branch's history that are newer than `olderThanMs`.
///
/// `snapshotIds` expire explicitly (never a ref's own snapshot). After a lost race the
/// expiration is planned again on the refreshed table, and every ref it keeps must still point
/// where it did. After the commit lands, manifest lists of expired snapshots, manifests no
/// kept snapshot lists, and data and delete files no kept manifest holds as live are deleted
/// (unless `deleteFiles` is false). With `cleanExpiredMetadata`, schemas no kept snapshot was
/// written with and specs no kept manifest uses go as well, the current ones excepted.
public struct ExpireSnapshots: TableAction {
    /// Snapshots older than this (ms since the epoch) may expire; nil: now minus the table's
    /// `history.expire.max-snapshot-age-ms`.
    public var olderThanMs: Int64?
    /// Ancestors kept on each branch regardless of age; nil: the branch's or table's setting.
    public var retainLast: Int?
    /// Snapshots to expire whatever their age.
    public var snapshotIds: Set<Int64> = []
    /// Whether files reachable only from expired snapshots are deleted.
    public var deleteFiles = true
    /// Whether schemas and partition specs that no kept snapshot uses (and that are not
    /// current) are removed too (Java's `cleanExpiredMetadata`; off by default).
    public var cleanExpiredMetadata = false

    /// The time the retention rules are evaluated at (ms since the epoch); nil: now.
    public var now: Int64?
    /// What the expiration removed (complete once the transaction has landed).
    public private(set) var result = Result()
    /// The metadata the committed plan was made on (to find the files only it reached).
    private var planned: TableMetadata?

    /// An expiration with the given settings; nil settings take the table's defaults.
    public init(
        olderThanMs: Int64? = nil, retainLast: Int? = nil, snapshotIds: Set<Int64> = [], deleteFiles: Bool = true,
        now: Int64? = nil
    ) {
        self.olderThanMs = olderThanMs
        self.retainLast = retainLast
        self.snapshotIds = snapshotIds
        self.deleteFiles = deleteFiles
        self.now = now
    }

    /// What an expiration removed.
    public struct Result: Sendable, Equatable {
        /// Snapshots removed from the metadata.
        public var expiredSnapshotIds: [Int64] = []
        /// Refs removed because they were older than their `max-ref-age-ms`.
        public var removedRefs: [String] = []
        /// Schemas removed (with `cleanExpiredMetadata`).
        public var removedSchemaIds: [Int] = []
        /// Partition specs removed (with `cleanExpiredMetadata`).
        public var removedSpecIds: [Int] = []
        /// Manifest lists deleted.
        public var deletedManifestLists = 0
        /// Manifests deleted.
        public var deletedManifests = 0
        /// Data files deleted.
        public var deletedDataFiles = 0
        /// Position and equality delete files deleted.
        public var deletedDeleteFiles = 0
        /// Files that could not be deleted (left for an orphan-file cleanup).
        public var failedDeletes: [String] = []
        /// Why the files of expired snapshots could not be listed, if they could not (the
        /// metadata change has landed all the same).
        public var cleanupError: String?
    }

    /// The snapshots and refs an expiration at `now` (ms since the epoch; default `self.now`,
    /// else the current time) would remove from `metadata`.
    public func plan(_ metadata: TableMetadata, now: Int64? = nil) throws -> (snapshotIds: [Int64], refs: [String]) {
        let now = now ?? self.now ?? WallClock.nowMs()
        let m = metadata
        let defaultMaxAge = try m.value(of: TableProperties.maxSnapshotAgeMs)
        let defaultMinKeep = try retainLast ?? m.value(of: TableProperties.minSnapshotsToKeep)
        let defaultMaxRefAge = try m.value(of: TableProperties.maxRefAgeMs)
        let cutoff = olderThanMs ?? now - defaultMaxAge
        let byId = Dictionary(m.snapshots.map { ($0.snapshotId, $0) }, uniquingKeysWith: { a, _ in a })

        var keptRefs: [(String, SnapshotRef)] = []
        var removedRefs: [String] = []
        for (name, ref) in m.refs {
            let maxRefAge = ref.maxRefAgeMs ?? defaultMaxRefAge
            if name != "main", let s = byId[ref.snapshotId], maxRefAge != Int64.max, now - s.timestampMs > maxRefAge {
                removedRefs.append(name)
            } else {
                keptRefs.append((name, ref))
            }
        }
        for id in snapshotIds.sorted() {
            guard byId[id] != nil else { throw CatalogError.invalidArgument("snapshot \(id) is not in the table") }
            let heads = keptRefs.filter { $0.1.snapshotId == id }.map(\.0).sorted()
            if !heads.isEmpty {
                throw CatalogError.invalidArgument(
                    "snapshot \(id) cannot expire: it is the current snapshot of \(heads.joined(separator: ", "))")
            }
        }

        var retained: Set<Int64> = []
        var inBranchHistory: Set<Int64> = []
        for (_, ref) in keptRefs {
            switch ref.type {
            case .tag:
                retained.insert(ref.snapshotId)
            case .branch:
                let minKeep = max(ref.minSnapshotsToKeep ?? defaultMinKeep, 1)
                let branchCutoff = ref.maxSnapshotAgeMs.map { now - $0 } ?? cutoff
                let history = m.ancestors(of: ref.snapshotId)
                inBranchHistory.formUnion(history.map(\.snapshotId))
                // The newest ancestors until both rules are satisfied; older ones stay only
                // if another branch or tag keeps them.
                var kept = 0
                for s in history {
                    guard kept < minKeep || s.timestampMs >= branchCutoff else { break }
                    retained.insert(s.snapshotId)
                    kept += 1
                }
            }
        }
        for s in m.snapshots where !inBranchHistory.contains(s.snapshotId) && s.timestampMs >= cutoff {
            retained.insert(s.snapshotId)
        }
        let expired = m.snapshots.map(\.snapshotId).filter { !retained.contains($0) || snapshotIds.contains($0) }
        return (expired, removedRefs.sorted())
    }

    /// Records the removal of the planned snapshots and refs; requires every kept ref to
    /// still point where it did when planned.
    public mutating func apply(to changes: inout PendingChanges) async throws {
        result = Result()
        planned = nil
        let m = changes.metadata
        let (expired, refs) = try plan(m)
        let (schemas, specs) =
            cleanExpiredMetadata ? try await unusedMetadata(m, expired: expired, io: changes.io) : ([], [])
        guard !expired.isEmpty || !refs.isEmpty || !schemas.isEmpty || !specs.isEmpty else { return }
        for (name, _) in m.refs where !refs.contains(name) {
            if let ref = changes.base.metadata.ref(name) {
                changes.require(.assertRefSnapshotId(ref: name, snapshotId: ref.snapshotId))
            }
        }
        for name in refs { try changes.apply(.removeSnapshotRef(name)) }
        if !expired.isEmpty { try changes.apply(.removeSnapshots(expired)) }
        if !specs.isEmpty { try changes.apply(.removePartitionSpecs(specs)) }
        if !schemas.isEmpty { try changes.apply(.removeSchemas(schemas)) }
        result = Result(
            expiredSnapshotIds: expired, removedRefs: refs, removedSchemaIds: schemas, removedSpecIds: specs)
        planned = m
    }

    /// The schemas and specs the table keeps no use for once `expired` go, as Java finds them:
    /// not current, not the schema of a kept snapshot, not the spec of a manifest a kept
    /// snapshot lists.
    private func unusedMetadata(_ m: TableMetadata, expired: [Int64], io: FileIO) async throws
        -> (schemas: [Int], specs: [Int])
    {
        let gone = Set(expired)
        var schemas: Set<Int> = [m.currentSchemaId]
        var specs: Set<Int> = [m.defaultSpecId]
        for s in m.snapshots where !gone.contains(s.snapshotId) {
            if let id = s.schemaId { schemas.insert(id) }
            if specs.count < m.partitionSpecs.count {
                for mf in try await TableScan(metadata: m, io: io, snapshotId: s.snapshotId).manifests() {
                    specs.insert(mf.partitionSpecId)
                }
            }
        }
        return (
            m.schemas.map(\.schemaId).filter { !schemas.contains($0) },
            m.partitionSpecs.map(\.specId).filter { !specs.contains($0) }
        )
    }

    /// Deletes the files only the expired snapshots reached (unless `deleteFiles` is false).
    public mutating func finish(committed: Table) async {
        guard deleteFiles, let before = planned else { return }
        do {
            try await deleteUnreachableFiles(before: before, after: committed.metadata, io: committed.io, into: &result)
        } catch {
            result.cleanupError = "\(error)"
        }
    }

    /// Deletes what the snapshots in `before` but not in `after` reached and no snapshot in
    /// `after` does: their manifest lists, manifests only they list, and files no kept
    /// manifest holds as live.
    private func deleteUnreachableFiles(
        before: TableMetadata, after: TableMetadata, io: FileIO, into result: inout Result
    ) async throws {
        let keptIds = Set(after.snapshots.map(\.snapshotId))
        let gone = before.snapshots.filter { !keptIds.contains($0.snapshotId) }
        guard !gone.isEmpty else { return }
        func manifests(_ m: TableMetadata, _ s: Snapshot) async throws -> [ManifestFile] {
            try await TableScan(metadata: m, io: io, snapshotId: s.snapshotId).manifests()
        }
        var keptManifests: [String: ManifestFile] = [:]
        var keptLists: Set<String> = []
        for s in after.snapshots {
            keptLists.insert(s.manifestList)
            for mf in try await manifests(after, s) { keptManifests[mf.path] = mf }
        }
        var goneManifests: [String: ManifestFile] = [:]
        for s in gone {
            for mf in try await manifests(before, s) where keptManifests[mf.path] == nil { goneManifests[mf.path] = mf }
        }
        // Files in the manifests that go, minus every file a kept manifest still holds as live.
        var candidates: [String: FileContent] = [:]
        for mf in goneManifests.values.sorted(by: { $0.path < $1.path }) {
            for e in try await entries(mf, before, io) { candidates[e.dataFile.filePath] = e.dataFile.content }
        }
        if !candidates.isEmpty {
            for mf in keptManifests.values {
                for e in try await entries(mf, after, io) where e.status != .deleted {
                    candidates[e.dataFile.filePath] = nil
                }
            }
        }
        func delete(_ path: String) async -> Bool {
            do {
                try await io.delete(path)
                return true
            } catch {
                result.failedDeletes.append(path)
                return false
            }
        }
        for (path, content) in candidates.sorted(by: { $0.key < $1.key }) {
            guard await delete(path) else { continue }
            if content == .data { result.deletedDataFiles += 1 } else { result.deletedDeleteFiles += 1 }
        }
        for path in goneManifests.keys.sorted() {
            if await delete(path) { result.deletedManifests += 1 }
        }
        for s in gone where !s.manifestList.isEmpty && !keptLists.contains(s.manifestList) {
            if await delete(s.manifestList) { result.deletedManifestLists += 1 }
        }
    }

    private func entries(_ mf: ManifestFile, _ m: TableMetadata, _ io: FileIO) async throws -> [ManifestEntry] {
        try ManifestCodec.readManifest(
            try await io.read(mf.path), manifest: mf, schema: m.currentSchema, spec: m.spec(id: mf.partitionSpecId))
    }
}
