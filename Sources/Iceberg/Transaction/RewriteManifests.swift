/// Rewrites a branch's manifests into fewer, partition-clustered ones of about
/// `commit.manifest.target-size-bytes` (Java's `RewriteManifests` and Spark's
/// `rewrite_manifests`): the live entries of the chosen manifests, per spec and content (data,
/// deletes), are sorted by partition and file and written again as EXISTING, keeping their
/// snapshot ids and sequence numbers, in one `replace` snapshot whose rows are the parent's.
/// Scans plan faster when a filter's partitions sit in few manifests.
///
/// A commit that lands in between makes the rewrite plan again on the new head (it never
/// drops what that commit added). Manifests already of the target size and alone in their
/// group are kept as they are.
public struct RewriteManifests: TableAction {
    /// The branch whose head is rewritten.
    public var branch = "main"
    /// Only manifests of this spec (nil: every spec).
    public var specId: Int?
    /// The size of a written manifest (nil: `commit.manifest.target-size-bytes`, 8 MB).
    public var targetSizeBytes: Int64?
    /// What the rewrite did (complete once the transaction has landed).
    public private(set) var result = Result()

    /// A rewrite of every manifest of `branch`.
    public init(branch: String = "main", specId: Int? = nil, targetSizeBytes: Int64? = nil) {
        self.branch = branch
        self.specId = specId
        self.targetSizeBytes = targetSizeBytes
    }

    /// What a manifest rewrite did.
    public struct Result: Sendable, Hashable {
        /// Manifests replaced.
        public var replacedManifests = 0
        /// Manifests written.
        public var addedManifests = 0
        /// Manifests kept as they were.
        public var keptManifests = 0
        /// Entries written again.
        public var entries = 0
        /// The new snapshot (nil: nothing to rewrite).
        public var snapshotId: Int64?
    }

    /// Plans and writes the new manifests on the current head, and records the snapshot.
    public mutating func apply(to changes: inout PendingChanges) async throws {
        result = Result()
        let m = changes.metadata
        guard let head = m.head(of: branch) else { return }
        let target = try targetSizeBytes ?? m.value(of: TableProperties.manifestTargetSizeBytes)
        guard target > 0 else { throw CatalogError.invalidArgument("the target manifest size must be positive") }
        let manifests = try await TableScan(metadata: m, io: changes.io, snapshotId: head.snapshotId).manifests()
        var producer = SnapshotProducer(changes, branch: branch)
        var replaced: Set<String> = []
        var written: [ManifestFile] = []
        for group in Self.groups(manifests.filter { specId == nil || $0.partitionSpecId == specId }) {
            // One manifest already near the target has nothing to gain.
            guard group.count > 1 || (group.first.map { $0.length < target / 2 } ?? false),
                let first = group.first, let spec = m.spec(id: first.partitionSpecId)
            else { continue }
            var entries: [ManifestEntry] = []
            var bytes: Int64 = 0
            var read = 0
            for mf in group {
                let all = try ManifestCodec.readManifest(
                    try await changes.io.read(mf.path), manifest: mf, schema: m.currentSchema, spec: spec)
                read += all.count
                bytes += mf.length
                for var e in all where e.status != .deleted {
                    e.status = .existing
                    entries.append(e)
                }
            }
            let partitionType = try spec.partitionType(m.currentSchema)
            entries.sort { a, b in
                let order = Self.compare(a.dataFile.partition, b.dataFile.partition, partitionType)
                return order != 0 ? order < 0 : a.dataFile.filePath < b.dataFile.filePath
            }
            // Entries per manifest from the group's average entry size, as Java estimates it.
            let perEntry = max(1, bytes / Int64(max(read, 1)))
            let perManifest = max(1, Int(target / perEntry))
            for start in stride(from: 0, to: entries.count, by: perManifest) {
                let chunk = Array(entries[start..<min(start + perManifest, entries.count)])
                let data = try ManifestCodec.writeManifest(
                    chunk, spec: spec, schema: m.currentSchema, formatVersion: m.formatVersion, content: first.content)
                let path = changes.newMetadataPath("m0.avro")
                try await changes.write(path, data)
                var manifest = try ManifestFile.describing(
                    chunk, path: path, length: data.count, spec: spec, schema: m.currentSchema,
                    snapshotId: producer.snapshotId, sequenceNumber: producer.sequenceNumber)
                manifest.content = first.content
                written.append(manifest)
            }
            replaced.formUnion(group.map(\.path))
            result.entries += entries.count
        }
        guard !replaced.isEmpty else { return }
        producer.replaceManifests(replaced, with: written)
        result.replacedManifests = replaced.count
        result.addedManifests = written.count
        result.keptManifests = manifests.count - replaced.count
        producer.extraSummary = [
            ("manifests-created", String(written.count)), ("manifests-kept", String(result.keptManifests)),
            ("manifests-replaced", String(replaced.count)), ("entries-processed", String(result.entries)),
        ]
        let snapshot = try await producer.commit(operation: "replace", mergeManifests: false, into: &changes)
        result.snapshotId = snapshot.snapshotId
    }

    /// Manifests grouped as the rewrite takes them: per spec, data apart from deletes.
    static func groups(_ manifests: [ManifestFile]) -> [[ManifestFile]] {
        Dictionary(grouping: manifests) { "\($0.partitionSpecId)-\($0.content == .data ? 0 : 1)" }
            .sorted { $0.key < $1.key }.map(\.value)
    }

    /// Orders partition tuples field by field, nulls first.
    static func compare(_ a: [Literal?], _ b: [Literal?], _ type: StructType) -> Int {
        for i in type.fields.indices {
            let x = i < a.count ? a[i] : nil
            let y = i < b.count ? b[i] : nil
            switch (x, y) {
            case (nil, nil): continue
            case (nil, _): return -1
            case (_, nil): return 1
            case (let x?, let y?):
                if let order = Literal.compare(x, y), order != 0 { return order }
            }
        }
        return 0
    }
}

extension Table {
    /// Rewrites the manifests of a branch (see `RewriteManifests`).
    @discardableResult
    public func rewriteManifests(_ rewrite: RewriteManifests = RewriteManifests()) async throws
        -> RewriteManifests.Result
    {
        var txn = newTransaction()
        txn.add(rewrite)
        let (_, actions) = try await txn.commitReturningActions()
        return (actions.first as? RewriteManifests)?.result ?? RewriteManifests.Result()
    }
}
