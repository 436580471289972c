/// Retention settings of a branch or tag (the spec's snapshot reference fields); nil leaves
/// a setting to the table's `history.expire.*` defaults.
public struct RefRetention: Sendable, Hashable {
    /// Branches: how many of the newest ancestors expiration always keeps.
    public var minSnapshotsToKeep: Int?
    /// Branches: how old an ancestor may grow before it may expire.
    public var maxSnapshotAgeMs: Int64?
    /// How old the ref itself may grow before expiration removes it (never `main`).
    public var maxRefAgeMs: Int64?

    /// Retention settings.
    public init(minSnapshotsToKeep: Int? = nil, maxSnapshotAgeMs: Int64? = nil, maxRefAgeMs: Int64? = nil) {
        self.minSnapshotsToKeep = minSnapshotsToKeep
        self.maxSnapshotAgeMs = maxSnapshotAgeMs
        self.maxRefAgeMs = maxRefAgeMs
    }
}

/// Changes to a table's history and refs (Java's `ManageSnapshots`): roll back, set the
/// current snapshot, cherry-pick, and create, replace, rename, fast-forward and remove
/// branches and tags. The operations apply in order, each to the table as the earlier ones
/// left it, and are checked again on every attempt (a rollback target that stopped being an
/// ancestor after a lost race fails). Every refused operation is a
/// `CatalogError.invalidArgument` (a bad request) or `.validationFailed` (the table moved on)
/// naming the snapshot or ref; nothing is committed then.
public struct ManageSnapshots: TableAction {
    /// One operation.
    public enum Operation: Sendable, Hashable {
        /// Makes an ancestor of the current snapshot current again (Java's `rollbackTo`).
        case rollbackToSnapshot(Int64)
        /// Makes current the newest ancestor of the current snapshot older than a time (ms
        /// since the epoch; Java's `rollbackToTime`).
        case rollbackToTimestamp(Int64)
        /// Makes any snapshot of the table current.
        case setCurrentSnapshot(Int64)
        /// Applies a snapshot of another branch to `main`: the head moves to it when its
        /// parent is `main`'s head; an `append` adds its files as a new snapshot (summary
        /// `source-snapshot-id`); anything else is refused.
        case cherryPick(Int64)
        /// Creates a branch at a snapshot (nil: the current one; on an empty table, a new
        /// empty snapshot, as Java).
        case createBranch(String, snapshotId: Int64? = nil, retention: RefRetention = RefRetention())
        /// Creates a tag at a snapshot (nil: the current one).
        case createTag(String, snapshotId: Int64? = nil, maxRefAgeMs: Int64? = nil)
        /// Points an existing branch at a snapshot (its retention stays).
        case replaceBranch(String, snapshotId: Int64)
        /// Points an existing tag at a snapshot.
        case replaceTag(String, snapshotId: Int64)
        /// Moves branch `name` to the head of `source` when its own head is an ancestor of
        /// it (created when missing).
        case fastForward(String, to: String)
        /// Renames a branch (not `main`).
        case renameBranch(String, to: String)
        /// Removes a branch (not `main`).
        case removeBranch(String)
        /// Removes a tag.
        case removeTag(String)
        /// Changes the retention of a ref (branch settings only on branches).
        case setRetention(String, RefRetention)
    }

    /// The operations, applied in order.
    public var operations: [Operation]

    /// A change of these operations.
    public init(_ operations: [Operation]) { self.operations = operations }

    /// Records the ref moves (and a cherry-pick's snapshot).
    public func apply(to changes: inout PendingChanges) async throws {
        for op in operations { try await apply(op, to: &changes) }
    }

    private func apply(_ op: Operation, to changes: inout PendingChanges) async throws {
        let m = changes.metadata
        let main = m.ref("main") ?? SnapshotRef(snapshotId: 0, type: .branch)
        switch op {
        case .rollbackToSnapshot(let toSnapshot):
            _ = try Self.snapshot(toSnapshot, in: m)
            guard m.isAncestorOfCurrent(toSnapshot) else {
                throw CatalogError.validationFailed(
                    "cannot roll back to snapshot \(toSnapshot): it is not an ancestor of the current snapshot")
            }
            try Self.move("main", main, to: toSnapshot, &changes)
        case .rollbackToTimestamp(let toTimestampMs):
            let target = m.ancestorsOfCurrent.filter { $0.timestampMs < toTimestampMs }.max {
                $0.timestampMs < $1.timestampMs
            }
            guard let target else {
                throw CatalogError.validationFailed(
                    "cannot roll back to \(toTimestampMs): no ancestor of the current snapshot is older")
            }
            try Self.move("main", main, to: target.snapshotId, &changes)
        case .setCurrentSnapshot(let id):
            _ = try Self.snapshot(id, in: m)
            try Self.move("main", main, to: id, &changes)
        case .cherryPick(let id):
            try await cherryPick(try Self.snapshot(id, in: m), into: &changes)
        case .createBranch(let name, let id, let retention):
            try await createBranch(name, at: id, retention: retention, &changes)
        case .createTag(let name, let id, let maxRefAgeMs):
            try Self.absent(name, in: m)
            guard let id = id ?? m.currentSnapshotId else {
                throw CatalogError.invalidArgument("tag \(name): the table has no snapshot to tag")
            }
            _ = try Self.snapshot(id, in: m)
            try changes.apply(
                .setSnapshotRef(name: name, ref: SnapshotRef(snapshotId: id, type: .tag, maxRefAgeMs: maxRefAgeMs)))
        case .replaceBranch(let name, let id):
            _ = try Self.snapshot(id, in: m)
            try Self.move(name, try Self.existing(name, .branch, in: m), to: id, &changes)
        case .replaceTag(let name, let id):
            _ = try Self.snapshot(id, in: m)
            try Self.move(name, try Self.existing(name, .tag, in: m), to: id, &changes)
        case .fastForward(let name, let source):
            try Self.fastForward(name, to: source, &changes)
        case .renameBranch(let name, let newName):
            guard name != "main" else { throw CatalogError.invalidArgument("the main branch cannot be renamed") }
            let ref = try Self.existing(name, .branch, in: m)
            try Self.absent(newName, in: m)
            try changes.apply(.removeSnapshotRef(name))
            try changes.apply(.setSnapshotRef(name: newName, ref: ref))
        case .removeBranch(let name):
            guard name != "main" else { throw CatalogError.invalidArgument("the main branch cannot be removed") }
            _ = try Self.existing(name, .branch, in: m)
            try changes.apply(.removeSnapshotRef(name))
        case .removeTag(let name):
            _ = try Self.existing(name, .tag, in: m)
            try changes.apply(.removeSnapshotRef(name))
        case .setRetention(let name, let retention):
            try Self.setRetention(name, retention, &changes)
        }
    }

    /// A snapshot of the table, or an error naming its id.
    private static func snapshot(_ id: Int64, in m: TableMetadata) throws -> Snapshot {
        guard let s = m.snapshot(id: id) else {
            throw CatalogError.invalidArgument("snapshot \(id) is not in the table")
        }
        return s
    }

    /// The ref `name`, which must exist and be of `kind`.
    private static func existing(_ name: String, _ kind: SnapshotRef.Kind, in m: TableMetadata) throws -> SnapshotRef {
        guard let ref = m.ref(name) else {
            throw CatalogError.invalidArgument("\(kind == .branch ? "branch" : "tag") \(name) does not exist")
        }
        guard ref.type == kind else {
            throw CatalogError.invalidArgument("ref \(name) is a \(ref.type.rawValue), not a \(kind.rawValue)")
        }
        return ref
    }

    /// Throws unless `name` is a valid name no ref has.
    private static func absent(_ name: String, in m: TableMetadata) throws {
        guard !name.isEmpty else { throw CatalogError.invalidArgument("a ref name cannot be empty") }
        if m.ref(name) != nil { throw CatalogError.invalidArgument("ref \(name) already exists") }
    }

    /// Points `ref` (named `name`) at `id`; nothing when it already does.
    private static func move(_ name: String, _ ref: SnapshotRef, to id: Int64, _ changes: inout PendingChanges) throws {
        var moved = ref
        moved.snapshotId = id
        if moved != ref { try changes.apply(.setSnapshotRef(name: name, ref: moved)) }
    }

    /// A new branch at `id`, else at the current snapshot; on a table without snapshots it
    /// starts with an empty one, as in Java.
    private func createBranch(
        _ name: String, at id: Int64?, retention: RefRetention, _ changes: inout PendingChanges
    ) async throws {
        let m = changes.metadata
        try Self.absent(name, in: m)
        var ref = SnapshotRef(snapshotId: 0, type: .branch)
        ref.retention = retention
        if let id = id ?? m.currentSnapshotId {
            ref.snapshotId = try Self.snapshot(id, in: m).snapshotId
        } else {
            let producer = SnapshotProducer(changes, branch: name)
            ref.snapshotId = try await producer.commit(operation: "append", mergeManifests: false, into: &changes)
                .snapshotId
        }
        try changes.apply(.setSnapshotRef(name: name, ref: ref))
    }

    /// Moves branch `name` to the head of `source` when its head is an ancestor of it (a
    /// missing branch is created there).
    private static func fastForward(_ name: String, to source: String, _ changes: inout PendingChanges) throws {
        let m = changes.metadata
        guard let target = m.ref(source) else { throw CatalogError.invalidArgument("ref \(source) does not exist") }
        guard let ref = m.ref(name) else {
            try changes.apply(
                .setSnapshotRef(name: name, ref: SnapshotRef(snapshotId: target.snapshotId, type: .branch)))
            return
        }
        let branch = try existing(name, .branch, in: m)
        guard ref.snapshotId != target.snapshotId else { return }
        guard m.ancestors(of: target.snapshotId).contains(where: { $0.snapshotId == ref.snapshotId }) else {
            throw CatalogError.validationFailed(
                "cannot fast-forward \(name) to \(source): the head of \(name) is not an ancestor of \(source)")
        }
        try move(name, branch, to: target.snapshotId, &changes)
    }

    /// Changes a ref's retention settings (tags keep only max-ref-age-ms).
    private static func setRetention(_ name: String, _ retention: RefRetention, _ changes: inout PendingChanges)
        throws
    {
        guard var ref = changes.metadata.ref(name) else {
            throw CatalogError.invalidArgument("ref \(name) does not exist")
        }
        if ref.type == .tag, retention.minSnapshotsToKeep != nil || retention.maxSnapshotAgeMs != nil {
            throw CatalogError.invalidArgument("tag \(name): only max-ref-age-ms applies to tags")
        }
        let before = ref
        if let v = retention.minSnapshotsToKeep { ref.minSnapshotsToKeep = v }
        if let v = retention.maxSnapshotAgeMs { ref.maxSnapshotAgeMs = v }
        if let v = retention.maxRefAgeMs { ref.maxRefAgeMs = v }
        if ref != before { try changes.apply(.setSnapshotRef(name: name, ref: ref)) }
    }

    /// Java's `CherryPickOperation` for what this SDK writes: a fast-forward when the picked
    /// snapshot's parent is `main`'s head, else a new snapshot adding an append's files.
    private func cherryPick(_ picked: Snapshot, into changes: inout PendingChanges) async throws {
        let m = changes.metadata
        let id = picked.snapshotId
        if picked.parentSnapshotId == m.currentSnapshotId {
            let main = m.ref("main") ?? SnapshotRef(snapshotId: id, type: .branch)
            var moved = main
            moved.snapshotId = id
            try changes.apply(.setSnapshotRef(name: "main", ref: moved))
            return
        }
        guard picked.summary("operation") == "append" else {
            throw CatalogError.invalidArgument(
                "cannot cherry-pick snapshot \(id): a \(picked.summary("operation") ?? "?") snapshot whose parent is not the current snapshot (only appends and fast-forwards can be picked)"
            )
        }
        let ancestors = m.ancestorsOfCurrent
        if ancestors.contains(where: { $0.snapshotId == id }) {
            throw CatalogError.validationFailed("cannot cherry-pick snapshot \(id): it is already an ancestor of main")
        }
        if let earlier = ancestors.first(where: { $0.summary("source-snapshot-id") == String(id) }) {
            throw CatalogError.validationFailed(
                "cannot cherry-pick snapshot \(id): it was already picked as snapshot \(earlier.snapshotId)")
        }
        var producer = SnapshotProducer(changes, branch: "main")
        producer.extraSummary = [("source-snapshot-id", String(id))]
        if let wap = picked.summary("wap.id") {
            if ancestors.contains(where: { $0.summary("published-wap-id") == wap }) {
                throw CatalogError.validationFailed(
                    "cannot cherry-pick snapshot \(id): wap id \(wap) was published already")
            }
            producer.extraSummary.append(("published-wap-id", wap))
        }
        let scan = try TableScan(metadata: m, io: changes.io, snapshotId: id)
        for mf in try await scan.manifests() where mf.content == .data && mf.addedSnapshotId == id {
            let entries = try ManifestCodec.readManifest(
                try await changes.io.read(mf.path), manifest: mf, schema: m.currentSchema,
                spec: m.spec(id: mf.partitionSpecId))
            let added = entries.filter { $0.status == .added && ($0.snapshotId ?? id) == id }.map(\.dataFile)
            try await producer.add(added, specId: mf.partitionSpecId, into: &changes)
        }
        try await producer.commit(operation: "append", mergeManifests: true, into: &changes)
    }
}

extension SnapshotRef {
    /// The ref's retention settings.
    public var retention: RefRetention {
        get {
            RefRetention(
                minSnapshotsToKeep: minSnapshotsToKeep, maxSnapshotAgeMs: maxSnapshotAgeMs, maxRefAgeMs: maxRefAgeMs)
        }
        set {
            minSnapshotsToKeep = newValue.minSnapshotsToKeep
            maxSnapshotAgeMs = newValue.maxSnapshotAgeMs
            maxRefAgeMs = newValue.maxRefAgeMs
        }
    }
}

extension Table {
    /// Applies snapshot and ref operations in one commit (see `ManageSnapshots`).
    public func manageSnapshots(_ operations: [ManageSnapshots.Operation]) async throws {
        var txn = newTransaction()
        txn.add(ManageSnapshots(operations))
        try await txn.commit()
    }
}
