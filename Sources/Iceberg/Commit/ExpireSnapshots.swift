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
/// `snapshotIds` expire explicitly (never a ref's own snapshot). The metadata commit is
/// retried on conflicts per `commit.retry.*`, recomputed on the refreshed table. After it
/// lands, manifest lists of expired snapshots, manifests no kept snapshot lists, and data and
/// delete files no kept manifest holds as live are deleted (unless `deleteFiles` is false).
public struct ExpireSnapshots {
    /// The catalog to commit through.
    public let catalog: Catalog
    /// The table.
    public let identifier: TableIdentifier
    /// Snapshots older than this (ms since the epoch) may expire; nil: now minus the table's
    /// `history.expire.max-snapshot-age-ms`.
    public var olderThanMs: Int64?
    /// Ancestors kept on each branch regardless of age; nil: the branch's or table's setting.
    public var retainLast: Int?
    /// Snapshots to expire whatever their age.
    public var snapshotIds: Set<Int64> = []
    /// Whether files reachable only from expired snapshots are deleted.
    public var deleteFiles = true

    /// Prepares an expiration with the table's defaults.
    public init(catalog: Catalog, identifier: TableIdentifier) {
        self.catalog = catalog
        self.identifier = identifier
    }

    /// What an expiration removed.
    public struct Result: Sendable, Equatable {
        /// Snapshots removed from the metadata.
        public var expiredSnapshotIds: [Int64] = []
        /// Refs removed because they were older than their `max-ref-age-ms`.
        public var removedRefs: [String] = []
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
    }

    /// The snapshots and refs an expiration at `now` (ms since the epoch; default the current
    /// time) would remove from `metadata`.
    public func plan(_ metadata: TableMetadata, now: Int64? = nil) throws -> (snapshotIds: [Int64], refs: [String]) {
        let now = now ?? nowMs()
        let m = metadata
        let defaultMaxAge = Int64(m.property("history.expire.max-snapshot-age-ms") ?? "") ?? 432_000_000
        let defaultMinKeep = retainLast ?? Int(m.property("history.expire.min-snapshots-to-keep") ?? "") ?? 1
        let defaultMaxRefAge = Int64(m.property("history.expire.max-ref-age-ms") ?? "") ?? Int64.max
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
            guard byId[id] != nil else { throw CatalogError.invalidArgument("snapshot \(id) is not in table \(identifier)") }
            let heads = keptRefs.filter { $0.1.snapshotId == id }.map(\.0).sorted()
            if !heads.isEmpty {
                throw CatalogError.invalidArgument("snapshot \(id) cannot expire: it is the current snapshot of \(heads.joined(separator: ", "))")
            }
        }

        func ancestors(of id: Int64) -> [Snapshot] {
            var out: [Snapshot] = []
            var seen: Set<Int64> = []
            var next: Int64? = id
            while let n = next, let s = byId[n], seen.insert(n).inserted {
                out.append(s)
                next = s.parentSnapshotId
            }
            return out
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
                let history = ancestors(of: ref.snapshotId)
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

    /// Expires snapshots as of `now` (default the current time) and deletes the files only
    /// they reached. Returns what was removed; nothing is committed when nothing expires.
    @discardableResult
    public func commit(now: Int64? = nil) async throws -> Result {
        var table = try await catalog.loadTable(identifier)
        let retry = CommitRetryPolicy(table.metadata)
        var attempt = 0
        while true {
            attempt += 1
            let base = table
            let (expired, refs) = try plan(base.metadata, now: now)
            guard !expired.isEmpty || !refs.isEmpty else { return Result() }
            var requirements: [TableRequirement] = [.assertTableUUID(base.metadata.tableUUID)]
            for (name, ref) in base.metadata.refs where !refs.contains(name) {
                requirements.append(.assertRefSnapshotId(ref: name, snapshotId: ref.snapshotId))
            }
            var updates: [TableUpdate] = refs.map { .removeSnapshotRef($0) }
            if !expired.isEmpty { updates.append(.removeSnapshots(expired)) }
            let committed: Table
            do {
                committed = try await catalog.commitTable(identifier, requirements: requirements, updates: updates)
            } catch let CatalogError.commitConflict(message) {
                guard retry.mayRetry(after: attempt) else {
                    throw CatalogError.commitConflict("\(message) (gave up after \(attempt) attempts)")
                }
                try await retry.wait(after: attempt)
                table = try await catalog.loadTable(identifier)
                continue
            }
            var result = Result(expiredSnapshotIds: expired, removedRefs: refs)
            if deleteFiles {
                try await deleteUnreachableFiles(before: base.metadata, after: committed.metadata, io: committed.io, into: &result)
            }
            return result
        }
    }

    /// Deletes what the snapshots in `before` but not in `after` reached and no snapshot in
    /// `after` does: their manifest lists, manifests only they list, and files no kept
    /// manifest holds as live.
    private func deleteUnreachableFiles(before: TableMetadata, after: TableMetadata, io: FileIO, into result: inout Result) async throws {
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
                for e in try await entries(mf, after, io) where e.status != .deleted { candidates[e.dataFile.filePath] = nil }
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
        try ManifestCodec.readManifest(try await io.read(mf.path), manifest: mf, schema: m.currentSchema, spec: m.spec(id: mf.partitionSpecId))
    }
}
