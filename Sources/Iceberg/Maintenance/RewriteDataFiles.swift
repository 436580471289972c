/// What one rewritten group wrote (`Codable`, to be handed from the process that rewrote it
/// to the one that commits). The new files are listed in a manifest under the table's
/// metadata folder, which the commit reads and then removes.
public struct RewriteGroupOutput: Sendable, Hashable, Codable {
    /// The group's number in the plan.
    public var groupIndex: Int
    /// The manifest listing the new files.
    public var manifestPath: String
    /// Its length in bytes.
    public var manifestLength: Int
    /// The new files.
    public var addedFiles: [String]
    /// Their bytes.
    public var addedBytes: Int64
    /// Their rows.
    public var addedRecords: Int64

    enum CodingKeys: String, CodingKey {
        case groupIndex = "group-index"
        case manifestPath = "manifest-path"
        case manifestLength = "manifest-length"
        case addedFiles = "added-files"
        case addedBytes = "added-bytes"
        case addedRecords = "added-records"
    }
}

/// What a data-file rewrite did (`Codable`; the CLI prints it as JSON).
public struct RewriteDataFilesResult: Sendable, Hashable, Codable {
    /// Data files replaced.
    public var rewrittenDataFiles = 0
    /// Data files written.
    public var addedDataFiles = 0
    /// Bytes replaced.
    public var rewrittenBytes: Int64 = 0
    /// Bytes written.
    public var addedBytes: Int64 = 0
    /// Delete files removed (deletion vectors and position deletes of replaced files, and
    /// deletes older than every remaining data file).
    public var removedDeleteFiles = 0
    /// Data files of groups that failed (partial progress only).
    public var failedDataFiles = 0
    /// Groups committed.
    public var committedGroups: [Int] = []
    /// Groups that failed, with why (partial progress only).
    public var failures: [String] = []
    /// The `replace` snapshots made.
    public var snapshotIds: [Int64] = []

    /// Nothing done.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case rewrittenDataFiles = "rewritten-data-files"
        case addedDataFiles = "added-data-files"
        case rewrittenBytes = "rewritten-bytes"
        case addedBytes = "added-bytes"
        case removedDeleteFiles = "removed-delete-files"
        case failedDataFiles = "failed-data-files"
        case committedGroups = "committed-groups"
        case failures
        case snapshotIds = "snapshot-ids"
    }
}

extension Table {
    /// Compacts the data files of a branch (Java's `RewriteDataFiles`, Spark's
    /// `rewrite_data_files`): plans with `planRewrite`, rewrites the groups (up to
    /// `maxConcurrentGroups` at once) and commits them with `commitRewrite`.
    ///
    /// Rows come out with every delete applied, so the new files carry none. The commit is a
    /// `replace` snapshot validated against what landed since the starting snapshot: a
    /// rewritten file removed meanwhile, or given new position deletes or a deletion vector,
    /// fails it cleanly (`CatalogError.validationFailed`; nothing changes and the new files
    /// are deleted); appends and equality deletes do not (the new files take the starting
    /// snapshot's data sequence number, so equality deletes committed meanwhile still apply).
    /// Without partial progress any failure fails the whole rewrite.
    @discardableResult
    public func rewriteDataFiles(_ options: RewriteDataFilesOptions = RewriteDataFilesOptions()) async throws
        -> RewriteDataFilesResult
    {
        try await executeRewrite(try await planRewrite(options), sortMemoryBytes: options.sortMemoryBytes)
    }

    /// Rewrites and commits the groups of `plan` in this process, reporting to `progress`
    /// after each group (`sortMemoryBytes`: see `rewriteGroup`).
    public func executeRewrite(
        _ plan: RewritePlan, sortMemoryBytes: Int = RewriteDataFilesOptions.defaultSortMemoryBytes,
        progress: WorkProgressHandler? = nil
    ) async throws
        -> RewriteDataFilesResult
    {
        guard !plan.groups.isEmpty else { return RewriteDataFilesResult() }
        let counter = ProgressCounter(
            WorkProgress(operation: "rewrite-data-files", filesTotal: plan.fileCount, bytesTotal: plan.inputBytes),
            handler: progress)
        let batches: [[RewriteFileGroup]]
        if plan.partialProgress {
            let perCommit = (plan.groups.count + plan.maxCommits - 1) / plan.maxCommits
            batches = stride(from: 0, to: plan.groups.count, by: perCommit).map {
                Array(plan.groups[$0..<min($0 + perCommit, plan.groups.count)])
            }
        } else {
            batches = [plan.groups]
        }
        var result = RewriteDataFilesResult()
        var firstError: (any Error)?
        for batch in batches {
            do {
                let outputs = try await rewriteGroups(
                    batch, of: plan, sortMemoryBytes: sortMemoryBytes, counter: counter)
                result.merge(try await commitRewrite(plan, outputs: outputs))
            } catch {
                guard plan.partialProgress else { throw error }
                if case CatalogError.commitStateUnknown = error { throw error }
                firstError = firstError ?? error
                result.failedDataFiles += batch.reduce(0) { $0 + $1.files.count }
                result.failures.append(
                    "groups \(batch.map { String($0.index) }.joined(separator: ", ")): \(error)")
            }
        }
        if result.committedGroups.isEmpty, let firstError { throw firstError }
        return result
    }

    /// Rewrites groups concurrently; if one fails, what the others wrote is deleted.
    private func rewriteGroups(
        _ groups: [RewriteFileGroup], of plan: RewritePlan, sortMemoryBytes: Int, counter: ProgressCounter
    ) async throws -> [RewriteGroupOutput] {
        let outcomes = try await mapConcurrently(groups, limit: plan.maxConcurrentGroups) { group in
            do {
                let output = try await self.rewriteGroup(group, of: plan, sortMemoryBytes: sortMemoryBytes)
                counter.add(files: group.files.count, bytes: group.inputBytes)
                return Result<RewriteGroupOutput, any Error>.success(output)
            } catch {
                return .failure(error)
            }
        }
        var outputs: [RewriteGroupOutput] = []
        var failure: (any Error)?
        for o in outcomes {
            switch o {
            case .success(let out): outputs.append(out)
            case .failure(let e): failure = failure ?? e
            }
        }
        if let failure {
            await discard(outputs)
            throw failure
        }
        return outputs
    }

    /// Deletes what rewritten groups wrote (they will not be committed).
    func discard(_ outputs: [RewriteGroupOutput]) async {
        try? await io.delete(outputs.flatMap { $0.addedFiles + [$0.manifestPath] })
    }

    /// Rewrites one group of a plan: reads its files at the starting snapshot with their
    /// deletes applied and writes the rows in the plan's spec and order (format v3: keeping
    /// each row's id and last-updated sequence number). With the `sort` strategy the group's
    /// rows are sorted across its output files, as Java's range sort writes them (each file a
    /// consecutive range), holding up to `sortMemoryBytes` of rows per output partition and
    /// spilling sorted runs to local temporary files beyond it. Nothing is committed; on
    /// failure what was written is deleted. Any process with the table can run it.
    public func rewriteGroup(
        _ group: RewriteFileGroup, of plan: RewritePlan,
        sortMemoryBytes: Int = RewriteDataFilesOptions.defaultSortMemoryBytes
    ) async throws -> RewriteGroupOutput {
        let m = metadata
        guard m.snapshot(id: plan.startingSnapshotId) != nil else {
            throw CatalogError.validationFailed(
                "snapshot \(plan.startingSnapshotId) the rewrite was planned on is no longer in the table")
        }
        guard let spec = m.spec(id: plan.outputSpecId) else {
            throw CatalogError.validationFailed("output spec \(plan.outputSpecId) is no longer in the table")
        }
        let scan = try TableScan(metadata: m, io: io, snapshotId: plan.startingSnapshotId)
        var tasks = group.files.compactMap { plan.tasks[$0.path] }
        if tasks.count != group.files.count {
            let wanted = Set(group.files.map(\.path))
            var byPath: [String: FileScanTask] = [:]
            for t in try await scan.planFiles() where wanted.contains(t.file.filePath) { byPath[t.file.filePath] = t }
            tasks = try group.files.map { f in
                guard let t = byPath[f.path] else {
                    throw CatalogError.validationFailed(
                        "data file \(f.path) of rewrite group \(group.index) is not in snapshot \(plan.startingSnapshotId)"
                    )
                }
                return t
            }
        }
        let lineage = m.formatVersion >= 3 ? [MetadataColumns.rowId, MetadataColumns.lastUpdatedSequenceNumber] : []
        let current = m.currentSchema
        let schema = try Schema(
            schemaId: current.schemaId, identifierFieldIds: current.identifierFieldIds, fields: current.fields + lineage
        )
        var writer = try TableWriter(
            metadata: m, io: io, schema: schema, spec: spec, sortOrder: plan.resolvedSortOrder(),
            metricsProperties: m.properties, targetFileSize: Int(clamping: group.splitSizeBytes))
        if plan.strategy == .sort { writer.sortAcrossFilesMemoryBytes = sortMemoryBytes }
        var manifestPath: String?
        do {
            var batches = ScanBatches.Iterator(scan: scan.projecting(schema), tasks: tasks)
            while let batch = try await batches.next() { try await writer.append(batch) }
            let files = try await writer.finish()
            let entries = files.map {
                ManifestEntry(
                    status: .added, snapshotId: nil, sequenceNumber: nil, fileSequenceNumber: nil, dataFile: $0)
            }
            let bytes = try ManifestCodec.writeManifest(
                entries, spec: spec, schema: current, formatVersion: max(2, m.formatVersion))
            let path = "\(m.location)/metadata/\(RandomUUID.make())-rewrite-group-\(group.index).avro"
            manifestPath = path
            try await io.write(path, bytes)
            return RewriteGroupOutput(
                groupIndex: group.index, manifestPath: path, manifestLength: bytes.count,
                addedFiles: files.map(\.filePath), addedBytes: files.reduce(0) { $0 + $1.fileSizeInBytes },
                addedRecords: files.reduce(0) { $0 + $1.recordCount })
        } catch {
            await writer.abort()
            if let manifestPath { try? await io.delete([manifestPath]) }
            throw error
        }
    }

    /// Commits rewritten groups of `plan` as one `replace` snapshot (see `rewriteDataFiles`
    /// for the validation). When it fails for good the new files are deleted, unless the
    /// outcome is unknown.
    public func commitRewrite(_ plan: RewritePlan, outputs: [RewriteGroupOutput]) async throws
        -> RewriteDataFilesResult
    {
        guard !outputs.isEmpty else { return RewriteDataFilesResult() }
        let m = metadata
        guard let spec = m.spec(id: plan.outputSpecId) else {
            await discard(outputs)
            throw CatalogError.validationFailed("output spec \(plan.outputSpecId) is no longer in the table")
        }
        var added: [DataFile] = []
        let groups = Dictionary(plan.groups.map { ($0.index, $0) }, uniquingKeysWith: { a, _ in a })
        var inputs: [RewriteInputFile] = []
        do {
            for out in outputs {
                guard let group = groups[out.groupIndex] else {
                    throw CatalogError.invalidArgument("rewrite group \(out.groupIndex) is not in the plan")
                }
                inputs += group.files
                let described = try ManifestFile.describing(
                    [], path: out.manifestPath, length: out.manifestLength, spec: spec, schema: m.currentSchema,
                    snapshotId: plan.startingSnapshotId, sequenceNumber: 0)
                added += try ManifestCodec.readManifest(
                    try await io.read(out.manifestPath), manifest: described, schema: m.currentSchema, spec: spec
                ).map(\.dataFile)
            }
        } catch {
            await discard(outputs)
            throw error
        }
        var txn = newTransaction()
        txn.add(
            ReplaceRewrittenFiles(
                branch: plan.branch, startingSnapshotId: plan.startingSnapshotId,
                dataSequenceNumber: plan.dataSequenceNumber, outputSpecId: plan.outputSpecId, inputs: inputs,
                added: added, transportManifests: outputs.map(\.manifestPath)))
        do {
            let (_, actions) = try await txn.commitReturningActions()
            var result = (actions.first as? ReplaceRewrittenFiles)?.result ?? RewriteDataFilesResult()
            result.committedGroups = outputs.map(\.groupIndex).sorted()
            return result
        } catch {
            // The transaction deleted the new files unless the outcome is unknown; the
            // manifests naming them are this rewrite's own.
            if case CatalogError.commitStateUnknown = error {
            } else {
                try? await io.delete(outputs.map(\.manifestPath))
            }
            throw error
        }
    }
}

extension RewriteDataFilesResult {
    mutating func merge(_ other: RewriteDataFilesResult) {
        rewrittenDataFiles += other.rewrittenDataFiles
        addedDataFiles += other.addedDataFiles
        rewrittenBytes += other.rewrittenBytes
        addedBytes += other.addedBytes
        removedDeleteFiles += other.removedDeleteFiles
        failedDataFiles += other.failedDataFiles
        committedGroups += other.committedGroups
        failures += other.failures
        snapshotIds += other.snapshotIds
    }
}

/// The commit of a data-file rewrite (Java's `RewriteFiles` with `validateFromSnapshot` and
/// `dataSequenceNumber`): replaces the input files by the new ones in a `replace` snapshot,
/// after checking on every attempt that each input file is still live and has no position
/// delete it did not have when planned. Deletion vectors and position deletes of replaced
/// files only go with them, as do delete files that can apply to no data file left (Java's
/// minimum-sequence-number rule; equality deletes also at the minimum, which they cannot
/// delete from).
struct ReplaceRewrittenFiles: TableAction {
    let branch: String
    let startingSnapshotId: Int64
    let dataSequenceNumber: Int64?
    let outputSpecId: Int
    let inputs: [RewriteInputFile]
    let added: [DataFile]
    let transportManifests: [String]
    private(set) var result = RewriteDataFilesResult()

    init(
        branch: String, startingSnapshotId: Int64, dataSequenceNumber: Int64?, outputSpecId: Int,
        inputs: [RewriteInputFile], added: [DataFile], transportManifests: [String]
    ) {
        self.branch = branch
        self.startingSnapshotId = startingSnapshotId
        self.dataSequenceNumber = dataSequenceNumber
        self.outputSpecId = outputSpecId
        self.inputs = inputs
        self.added = added
        self.transportManifests = transportManifests
    }

    mutating func apply(to changes: inout PendingChanges) async throws {
        // The new files are deleted if the rewrite fails for good, kept when it lands.
        changes.track(added.map(\.filePath), reusedAcrossAttempts: true)
        result = RewriteDataFilesResult()
        let m = changes.metadata
        guard let head = m.head(of: branch) else {
            throw CatalogError.validationFailed("branch \(branch) no longer exists")
        }
        guard m.ancestors(of: head.snapshotId).contains(where: { $0.snapshotId == startingSnapshotId }) else {
            throw CatalogError.validationFailed(
                "branch \(branch) no longer descends from snapshot \(startingSnapshotId) the rewrite was planned on")
        }
        let (tasks, deletes) = try await TableScan(metadata: m, io: changes.io, snapshotId: head.snapshotId)
            .planFilesAndDeletes()
        var live: [String: FileScanTask] = [:]
        for t in tasks { live[t.file.filePath] = t }
        var replaced: [FileScanTask] = []
        for input in inputs {
            guard let t = live[input.path] else {
                throw CatalogError.validationFailed(
                    "data file \(input.path) was removed by a commit after snapshot \(startingSnapshotId), "
                        + "which the rewrite was planned on; plan it again")
            }
            let known = Set(input.deletes)
            for d in t.deletes where !known.contains(SnapshotProducer.deleteKey(d)) {
                // Equality deletes committed meanwhile still apply to the new files (same data
                // sequence number); new position deletes would point at a file that is gone.
                if d.content == .positionDeletes || dataSequenceNumber == nil {
                    throw CatalogError.validationFailed(
                        "delete file \(d.filePath), committed after snapshot \(startingSnapshotId), deletes rows of "
                            + "\(input.path), which the rewrite replaces; plan it again")
                }
            }
            replaced.append(t)
        }
        var dropped: [String: DataFile] = [:]
        for d in replaced.flatMap(\.fileScopedDeletes) { dropped[SnapshotProducer.deleteKey(d)] = d }
        if m.formatVersion >= 2 {
            // No delete older than every data file left can apply to anything.
            let replacedPaths = Set(inputs.map(\.path))
            var minSequence = m.lastSequenceNumber
            for t in tasks where !replacedPaths.contains(t.file.filePath) {
                minSequence = min(minSequence, t.sequenceNumber)
            }
            if !added.isEmpty { minSequence = min(minSequence, dataSequenceNumber ?? m.lastSequenceNumber + 1) }
            for d in deletes where d.sequenceNumber > 0 && !d.canApply(toDataFrom: minSequence) {
                dropped[SnapshotProducer.deleteKey(d.file)] = d.file
            }
        }
        var producer = SnapshotProducer(changes, branch: branch)
        try await producer.add(added, specId: outputSpecId, dataSequenceNumber: dataSequenceNumber, into: &changes)
        producer.remove(replaced.map(\.file), listedIn: Set(replaced.map(\.manifestPath)))
        producer.removeDeletes(Array(dropped.values))
        let snapshot = try await producer.commit(operation: "replace", mergeManifests: true, into: &changes)
        result.rewrittenDataFiles = replaced.count
        result.rewrittenBytes = replaced.reduce(0) { $0 + $1.file.fileSizeInBytes }
        result.addedDataFiles = added.count
        result.addedBytes = added.reduce(0) { $0 + $1.fileSizeInBytes }
        result.removedDeleteFiles = dropped.count
        result.snapshotIds = [snapshot.snapshotId]
    }

    /// The manifests that only carried the new files to the commit are no longer needed.
    mutating func finish(committed: Table) async {
        try? await committed.io.delete(transportManifests)
    }
}
