/// Removes delete files that can no longer delete anything (Java's `RemoveDanglingDeletes`
/// and Spark's `remove-dangling-deletes`), in one `replace` snapshot of a branch that keeps
/// every row as it reads:
///
/// - a deletion vector or file-scoped position delete whose data file is gone;
/// - a delete file of a partition that holds no live data file;
/// - a position delete older than every live data file of its partition (it applies to data
///   of a lower or equal sequence number), an equality delete no newer than all of them (it
///   applies to strictly lower ones).
///
/// Deletes of an unpartitioned spec apply across partitions and are compared with every live
/// data file. A commit landing in between makes the action plan again on the new head, so a
/// delete that became needed again (new data it applies to) stays.
public struct RemoveDanglingDeletes: TableAction {
    /// The branch cleaned.
    public var branch: String
    /// The delete files removed (complete once the transaction has landed).
    public private(set) var removed: [DataFile] = []
    /// The snapshot made (nil: nothing dangled).
    public private(set) var snapshotId: Int64?

    /// Removal on `branch`.
    public init(branch: String = "main") { self.branch = branch }

    /// Finds the dangling deletes at the branch's head and removes them.
    public mutating func apply(to changes: inout PendingChanges) async throws {
        removed = []
        snapshotId = nil
        let m = changes.metadata
        guard m.formatVersion >= 2, let head = m.head(of: branch) else { return }
        let (tasks, deletes) = try await TableScan(metadata: m, io: changes.io, snapshotId: head.snapshotId)
            .planFilesAndDeletes()
        var livePaths: Set<String> = []
        var minByPartition: [PartitionKey: Int64] = [:]
        var globalMin: Int64?
        for t in tasks {
            livePaths.insert(t.file.filePath)
            let key = PartitionKey(specId: t.specId, partition: t.file.partition)
            minByPartition[key] = min(minByPartition[key] ?? .max, t.sequenceNumber)
            globalMin = min(globalMin ?? .max, t.sequenceNumber)
        }
        var dangling: [String: DataFile] = [:]
        for d in deletes {
            let file = d.file
            let scoped = file.content == .positionDeletes ? file.referencedDataFile : nil
            let minimum =
                d.global ? globalMin : minByPartition[PartitionKey(specId: d.specId, partition: file.partition)]
            let gone: Bool
            if let scoped, !livePaths.contains(scoped) {
                gone = true
            } else if let minimum {
                gone = !d.canApply(toDataFrom: minimum)
            } else {
                gone = true
            }
            if gone { dangling[SnapshotProducer.deleteKey(file)] = file }
        }
        guard !dangling.isEmpty else { return }
        var producer = SnapshotProducer(changes, branch: branch)
        removed = Array(dangling.values).sorted { SnapshotProducer.deleteKey($0) < SnapshotProducer.deleteKey($1) }
        producer.removeDeletes(removed)
        snapshotId = try await producer.commit(operation: "replace", mergeManifests: false, into: &changes).snapshotId
    }

    /// A partition of a spec.
    private struct PartitionKey: Hashable {
        var specId: Int
        var partition: [Literal?]
    }
}

extension Table {
    /// Removes the delete files of a branch that can no longer delete anything (see
    /// `RemoveDanglingDeletes`); returns those removed.
    @discardableResult
    public func removeDanglingDeletes(branch: String = "main") async throws -> [DataFile] {
        var txn = newTransaction()
        txn.add(RemoveDanglingDeletes(branch: branch))
        let (_, actions) = try await txn.commitReturningActions()
        return (actions.first as? RemoveDanglingDeletes)?.removed ?? []
    }
}
