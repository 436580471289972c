/// Adds data files to a branch as a new `append` snapshot (Java's `MergeAppend`).
///
/// The files go into one new manifest. From format v2 on its entries inherit snapshot id
/// and sequence numbers, so it is written once and reused by every attempt; v1 writes it per
/// attempt. The parent's manifests are carried over, and small ones are merged once a spec
/// has `commit.manifest.min-count-to-merge` of them. Appends never conflict with other
/// appends: on a lost race the snapshot is simply rebuilt on the refreshed branch.
public struct AppendFiles: TableAction {
    /// The data files to add (written for the table's current schema and default spec).
    public let files: [DataFile]
    /// The branch the snapshot is committed to.
    public let branch: String
    private var reusableManifest: SnapshotProducer.WrittenManifest?

    /// Appends `files` to `branch`.
    public init(_ files: [DataFile], branch: String = "main") {
        self.files = files
        self.branch = branch
    }

    /// Builds the append snapshot on the current state of the branch.
    public mutating func apply(to changes: inout PendingChanges) async throws {
        var producer = SnapshotProducer(changes, branch: branch)
        if changes.metadata.formatVersion >= 2, !files.isEmpty {
            if reusableManifest == nil {
                reusableManifest = try await SnapshotProducer.writeAddedManifest(
                    files, snapshotId: nil, into: &changes, reusedAcrossAttempts: true)
            }
            if let manifest = reusableManifest { try producer.add(files, through: manifest) }
        } else {
            try await producer.add(files, into: &changes)
        }
        try await producer.commit(operation: "append", mergeManifests: true, into: &changes)
    }
}

/// Rows written into data files for the table as the transaction sees it, once, and again
/// only when the current schema or default spec changed since (an attempt that lost a race to
/// an evolution); the files of the stale write are deleted. The action using them requires
/// the schema and spec they were written under.
struct WrittenRows: Sendable {
    /// Feeds the rows to a writer.
    let write: @Sendable (inout TableWriter) async throws -> Void
    private var written: (schema: Schema, spec: PartitionSpec, files: [DataFile])?

    init(_ write: @escaping @Sendable (inout TableWriter) async throws -> Void) { self.write = write }

    /// The data files for this attempt, and whether they were (re)written by it.
    mutating func files(for changes: inout PendingChanges) async throws -> (files: [DataFile], fresh: Bool) {
        let m = changes.metadata
        if let w = written, w.schema != m.currentSchema || w.spec != m.defaultSpec {
            try? await changes.io.delete(w.files.map(\.filePath))
            written = nil
        }
        changes.requireWritingSchemaAndSpec()
        if let w = written { return (w.files, false) }
        var writer = try TableWriter(metadata: m, io: changes.io)
        let files: [DataFile]
        do {
            try await write(&writer)
            files = try await writer.finish()
        } catch {
            await writer.abort()
            throw error
        }
        changes.track(files.map(\.filePath), reusedAcrossAttempts: true)
        written = (m.currentSchema, m.defaultSpec, files)
        return (files, true)
    }
}

/// Writes rows into new data files (`WrittenRows`), then appends them like `AppendFiles`, so
/// an append that loses a race to a schema or partition change writes its rows again under
/// the new ones (or fails naming the field its rows no longer fit) rather than commit files
/// of a stale schema.
struct AppendRows: TableAction {
    let branch: String
    private var rows: WrittenRows
    private var append: AppendFiles?

    init(branch: String, write: @escaping @Sendable (inout TableWriter) async throws -> Void) {
        self.branch = branch
        rows = WrittenRows(write)
    }

    mutating func apply(to changes: inout PendingChanges) async throws {
        let (files, fresh) = try await rows.files(for: &changes)
        if fresh || append == nil { append = AppendFiles(files, branch: branch) }
        try await append?.apply(to: &changes)
    }
}
