/// Merges small position-delete files (format v2) per partition (Java's
/// `RewritePositionDeleteFiles`, Spark's `rewrite_position_delete_files`): Java's size-based
/// planner takes files under 75% or over 180% of `write.delete.target-file-size-bytes` (64 MB),
/// packs them per partition and rewrites a group of at least `minInputFiles` (5) files, more
/// bytes than the target or a file over the maximum (`rewriteAll` takes every file). A group's
/// deletes are written again as one file per data file (file-scoped, as Java writes them by
/// default), without the rows of data files that are gone, with the newest data sequence
/// number of the files they replace; the commit is a `replace` snapshot. Deletion vectors
/// (format v3) are never rewritten: each data file has one already.
///
/// The plan is made again on every attempt, so a commit landing in between never loses a
/// delete or keeps one whose file was replaced.
public struct RewritePositionDeleteFiles: TableAction {
    /// The branch rewritten.
    public var branch = "main"
    /// Sizes, group limits and `rewriteAll` (the target defaults to `write.delete.target-file-size-bytes`).
    public var options = RewriteDataFilesOptions()
    /// What the rewrite did (complete once the transaction has landed).
    public private(set) var result = Result()

    /// A rewrite of `branch`'s position-delete files.
    public init(branch: String = "main", options: RewriteDataFilesOptions = RewriteDataFilesOptions()) {
        self.branch = branch
        self.options = options
    }

    /// What a position-delete rewrite did.
    public struct Result: Sendable, Hashable, Codable {
        /// Position-delete files replaced.
        public var rewrittenDeleteFiles = 0
        /// Position-delete files written.
        public var addedDeleteFiles = 0
        /// Bytes replaced.
        public var rewrittenBytes: Int64 = 0
        /// Deleted positions of data files that are gone, dropped.
        public var danglingPositions = 0
        /// The snapshot made (nil: nothing to rewrite).
        public var snapshotId: Int64?

        enum CodingKeys: String, CodingKey {
            case rewrittenDeleteFiles = "rewritten-delete-files"
            case addedDeleteFiles = "added-delete-files"
            case rewrittenBytes = "rewritten-bytes"
            case danglingPositions = "dangling-positions"
            case snapshotId = "snapshot-id"
        }
    }

    /// Plans on the branch's head, writes the merged files and records the snapshot.
    public mutating func apply(to changes: inout PendingChanges) async throws {
        result = Result()
        let m = changes.metadata
        guard m.formatVersion >= 2, let head = m.head(of: branch) else { return }
        let planner = try RewritePlanner(
            options, metadata: m, defaultTarget: try m.value(of: TableProperties.deleteTargetFileSizeBytes))
        let (tasks, liveDeletes) = try await TableScan(metadata: m, io: changes.io, snapshotId: head.snapshotId)
            .planFilesAndDeletes()
        let deletes = liveDeletes.filter { $0.file.content == .positionDeletes && !$0.file.isDeletionVector }
        guard !deletes.isEmpty else { return }
        var byPartition: [[Literal?]: [DeleteIndex.Entry]] = [:]
        for d in deletes { byPartition[[.int(Int32(d.specId))] + d.file.partition, default: []].append(d) }
        var groups: [[DeleteIndex.Entry]] = []
        for (_, files) in byPartition.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            let candidates =
                options.rewriteAll ? files : files.filter { planner.outsideSizeRange($0.file.fileSizeInBytes) }
            for group in planner.pack(candidates, size: { $0.file.fileSizeInBytes })
            where options.rewriteAll
                || planner.worthRewriting(count: group.count, size: group.reduce(0) { $0 + $1.file.fileSizeInBytes })
            {
                groups.append(group)
            }
        }
        guard !groups.isEmpty else { return }
        var live: [String: FileScanTask] = [:]
        for t in tasks { live[t.file.filePath] = t }
        let writer = try PositionDeleteWriter(metadata: m, io: changes.io)
        var producer = SnapshotProducer(changes, branch: branch)
        var written: [String] = []
        do {
            for group in groups {
                var positions: [String: [Int64]] = [:]
                for d in group {
                    for (path, p) in try await DeleteFileCache.readPositions(d.file, changes.io) {
                        positions[path, default: []] += p
                    }
                }
                var added: [DataFile] = []
                for (path, p) in positions.sorted(by: { $0.key < $1.key }) {
                    guard let task = live[path] else {
                        result.danglingPositions += p.count
                        continue
                    }
                    let file = try await writer.write(Array(Set(p)).sorted(), of: task.file)
                    written.append(file.filePath)
                    added.append(file)
                }
                producer.removeDeletes(group.map(\.file))
                // A merged file keeps the spec of the files it replaces (all of one partition).
                try await producer.addDeletes(
                    added, specId: group[0].specId, dataSequenceNumber: group.map(\.sequenceNumber).max(),
                    into: &changes)
                result.rewrittenDeleteFiles += group.count
                result.rewrittenBytes += group.reduce(0) { $0 + $1.file.fileSizeInBytes }
                result.addedDeleteFiles += added.count
            }
        } catch {
            try? await changes.io.delete(written)
            throw error
        }
        changes.track(written)
        result.snapshotId = try await producer.commit(operation: "replace", mergeManifests: true, into: &changes)
            .snapshotId
    }
}

extension Table {
    /// Rewrites the position-delete files of a branch (see `RewritePositionDeleteFiles`).
    @discardableResult
    public func rewritePositionDeleteFiles(_ rewrite: RewritePositionDeleteFiles = RewritePositionDeleteFiles())
        async throws -> RewritePositionDeleteFiles.Result
    {
        var txn = newTransaction()
        txn.add(rewrite)
        let (_, actions) = try await txn.commitReturningActions()
        return (actions.first as? RewritePositionDeleteFiles)?.result ?? RewritePositionDeleteFiles.Result()
    }
}
