/// Maintenance that runs itself: compaction (with the rewrite of position-delete files and
/// the removal of dangling deletes that follow it), snapshot expiry, manifest rewriting and
/// removal of unreferenced files, in that order, by the policy in the table's `maintenance.*`
/// properties, in the shape of S3 Tables' maintenance configuration and with its defaults
/// (compaction to 512 MB files with the `auto` strategy; snapshots kept for 120 hours, at
/// least 1 per branch; unreferenced files deleted after 3 + 10 days: S3 Tables marks a file
/// noncurrent after the first period and deletes it after the second, and without object
/// versions the two add up). A step whose property is `false` is skipped.
///
/// Each step is its own commit, retried as any commit is; a step that fails stops the run
/// (the earlier steps stay committed) and the error names it.
public struct TableMaintenance: Sendable {
    /// The branch compacted and whose manifests are rewritten.
    public var branch = "main"
    /// Plan every step and change nothing.
    public var dryRun = false
    /// The time the age rules are evaluated at (ms since the epoch); nil: now.
    public var now: Int64?
    /// Receives the compaction's progress.
    public var progress: WorkProgressHandler?

    /// Maintenance by the table's policy.
    public init(branch: String = "main", dryRun: Bool = false, now: Int64? = nil) {
        self.branch = branch
        self.dryRun = dryRun
        self.now = now
    }

    /// What maintenance did (or, in a dry run, would do). `Codable`.
    public struct Result: Sendable, Hashable, Codable {
        /// Steps skipped because the policy disables them.
        public var skipped: [String] = []
        /// Compaction: files and bytes to rewrite (a dry run) or rewritten.
        public var compactionPlannedFiles = 0
        /// Compaction's groups.
        public var compactionPlannedGroups = 0
        /// What compaction did (nil: not run).
        public var compaction: RewriteDataFilesResult?
        /// Position-delete files merged by the delete rewrite.
        public var rewrittenDeleteFiles = 0
        /// Delete files removed because they could no longer delete anything.
        public var danglingDeletesRemoved = 0
        /// Snapshots expired (or that would expire).
        public var expiredSnapshots: [Int64] = []
        /// Files expiry deleted.
        public var expiryDeletedFiles = 0
        /// Manifests replaced by the rewrite (0: not needed).
        public var rewrittenManifests = 0
        /// Manifests written by it.
        public var addedManifests = 0
        /// Unreferenced files found old enough to go.
        public var orphanFiles: [String] = []
        /// Of them, deleted.
        public var deletedOrphanFiles = 0

        /// Nothing done.
        public init() {}

        enum CodingKeys: String, CodingKey {
            case skipped
            case compactionPlannedFiles = "compaction-planned-files"
            case compactionPlannedGroups = "compaction-planned-groups"
            case compaction
            case rewrittenDeleteFiles = "rewritten-delete-files"
            case danglingDeletesRemoved = "dangling-deletes-removed"
            case expiredSnapshots = "expired-snapshots"
            case expiryDeletedFiles = "expiry-deleted-files"
            case rewrittenManifests = "rewritten-manifests"
            case addedManifests = "added-manifests"
            case orphanFiles = "orphan-files"
            case deletedOrphanFiles = "deleted-orphan-files"
        }
    }

    /// The compaction a table's policy asks for (partial progress, the policy's target size
    /// and strategy); throws when the target size is outside 64–512 MB.
    public static func compactionOptions(_ m: TableMetadata, branch: String = "main") throws
        -> RewriteDataFilesOptions
    {
        let megabytes = try m.value(of: TableProperties.maintenanceTargetFileSizeMB)
        guard (64...512).contains(megabytes) else {
            throw IcebergError.invalidProperty(
                key: TableProperties.maintenanceTargetFileSizeMB.key, value: String(megabytes),
                expected: "a size in MB from 64 to 512")
        }
        var o = RewriteDataFilesOptions()
        o.branch = branch
        o.targetFileSizeBytes = Int64(megabytes) << 20
        o.strategy = try m.value(of: TableProperties.maintenanceCompactionStrategy)
        o.partialProgress = true
        return o
    }

    /// Runs the steps on `table` (its handle follows every commit).
    public func run(on table: Table) async throws -> Result {
        var result = Result()
        let now = self.now ?? WallClock.nowMs()
        func step<T>(_ name: String, _ body: () async throws -> T) async throws -> T {
            do { return try await body() } catch { throw MaintenanceError(step: name, underlying: error) }
        }
        var m = table.metadata
        if try m.value(of: TableProperties.maintenanceCompactionEnabled) {
            let plan = try await step("compaction") {
                try await table.planRewrite(try Self.compactionOptions(m, branch: branch))
            }
            result.compactionPlannedFiles = plan.fileCount
            result.compactionPlannedGroups = plan.groups.count
            if !dryRun && !plan.groups.isEmpty {
                result.compaction = try await step("compaction") {
                    try await table.executeRewrite(plan, progress: progress)
                }
            }
            if !dryRun {
                // Deletes after compaction: small position-delete files merged, dangling ones removed.
                result.rewrittenDeleteFiles = try await step("delete rewrite") {
                    try await table.rewritePositionDeleteFiles(RewritePositionDeleteFiles(branch: branch))
                }.rewrittenDeleteFiles
                result.danglingDeletesRemoved = try await step("delete rewrite") {
                    try await table.removeDanglingDeletes(branch: branch)
                }.count
            }
        } else {
            result.skipped.append("compaction")
        }
        m = table.metadata
        if try m.value(of: TableProperties.maintenanceSnapshotsEnabled) {
            let hours = try m.value(of: TableProperties.maintenanceMaxSnapshotAgeHours)
            let expiry = ExpireSnapshots(
                olderThanMs: now - Int64(hours) * 3_600_000,
                retainLast: try m.value(of: TableProperties.maintenanceMinSnapshotsToKeep), now: now)
            if dryRun {
                result.expiredSnapshots = try expiry.plan(m, now: now).snapshotIds
            } else {
                let r = try await step("snapshot expiry") { try await table.expireSnapshots(expiry) }
                result.expiredSnapshots = r.expiredSnapshotIds
                result.expiryDeletedFiles =
                    r.deletedManifestLists + r.deletedManifests + r.deletedDataFiles + r.deletedDeleteFiles
            }
        } else {
            result.skipped.append("snapshot expiry")
        }
        m = table.metadata
        if try m.value(of: TableProperties.maintenanceManifestsEnabled) {
            if let head = m.head(of: branch) {
                let manifests = try await step("manifest rewrite") {
                    try await TableScan(metadata: m, io: table.io, snapshotId: head.snapshotId).manifests()
                }
                if RewriteManifests.groups(manifests).contains(where: { $0.count > 1 }) {
                    if dryRun {
                        result.rewrittenManifests = manifests.count
                    } else {
                        let r = try await step("manifest rewrite") {
                            try await table.rewriteManifests(RewriteManifests(branch: branch))
                        }
                        result.rewrittenManifests = r.replacedManifests
                        result.addedManifests = r.addedManifests
                    }
                }
            }
        } else {
            result.skipped.append("manifest rewrite")
        }
        m = table.metadata
        if try m.value(of: TableProperties.maintenanceOrphansEnabled) {
            let days =
                try m.value(of: TableProperties.maintenanceUnreferencedDays)
                + m.value(of: TableProperties.maintenanceNonCurrentDays)
            var removal = DeleteOrphanFiles(olderThanMs: now - Int64(days) * 86_400_000)
            removal.dryRun = dryRun
            let r = try await step("unreferenced file removal") { try await removal.run(on: table, now: now) }
            result.orphanFiles = r.orphanFiles
            result.deletedOrphanFiles = r.deletedFiles
        } else {
            result.skipped.append("unreferenced file removal")
        }
        return result
    }
}

/// A maintenance step that failed: which, and why.
public struct MaintenanceError: Error, CustomStringConvertible {
    /// The step (`compaction`, `delete rewrite`, `snapshot expiry`, `manifest rewrite`,
    /// `unreferenced file removal`).
    public var step: String
    /// What went wrong.
    public var underlying: any Error
    /// `maintenance step <step> failed: <error>`.
    public var description: String { "maintenance step \(step) failed: \(underlying)" }
}

extension Table {
    /// Runs maintenance by the table's policy (see `TableMaintenance`).
    @discardableResult
    public func maintain(_ maintenance: TableMaintenance = TableMaintenance()) async throws -> TableMaintenance.Result {
        try await maintenance.run(on: self)
    }
}
