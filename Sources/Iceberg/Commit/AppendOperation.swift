#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Commits data files to a table as a new `append` snapshot on `main`.
///
/// The new files go into one new manifest (written once; its entries inherit snapshot id and
/// sequence numbers so retries can reuse it). The manifest list carries the parent's
/// manifests; once a spec has `commit.manifest.min-count-to-merge` manifests, small ones are
/// merged so metadata does not grow per commit. On a conflict the append is rebuilt on the
/// refreshed table and retried per `commit.retry.*`. Files written for failed attempts are
/// deleted, except when the outcome is unknown.
public struct AppendOperation {
    /// The catalog to commit through.
    public let catalog: Catalog
    /// The table.
    public let identifier: TableIdentifier

    /// Creates the operation.
    public init(catalog: Catalog, identifier: TableIdentifier) {
        self.catalog = catalog
        self.identifier = identifier
    }

    /// Commits the files; returns the table after the commit.
    @discardableResult
    public func commit(_ files: [DataFile], startingFrom loaded: Table? = nil, setting properties: [(String, String)] = []) async throws -> Table {
        var table: Table
        if let loaded { table = loaded } else { table = try await catalog.loadTable(identifier) }
        let m = table.metadata
        let retry = CommitRetryPolicy(m)
        let io = table.io
        // In v2 the new manifest depends only on the files and the spec it was written with
        // (entries inherit snapshot id and sequence numbers), so every attempt reuses it.
        // v1 entries must carry the snapshot id, so v1 writes it per attempt.
        var reusable: AddedManifest? = nil
        if m.formatVersion >= 2 {
            let bytes = try ManifestCodec.writeManifest(
                files.map { ManifestEntry(status: .added, snapshotId: nil, sequenceNumber: nil, fileSequenceNumber: nil, dataFile: $0) },
                spec: m.defaultSpec, schema: m.currentSchema, formatVersion: m.formatVersion)
            reusable = AddedManifest(path: "\(m.location)/metadata/\(RandomUUID.make())-m0.avro", bytes: bytes, specId: m.defaultSpecId)
        }
        let addedManifestPath = reusable?.path
        var written: [String] = []
        var attempt = 0
        while true {
            attempt += 1
            var attemptFiles: [String] = []
            do {
                var (updates, requirements, files) = try await buildSnapshot(table: table, files: files, reusable: reusable, attempt: attempt,
                                                                             alreadyWritten: addedManifestPath.map { written.contains($0) } ?? false)
                attemptFiles = files
                if !properties.isEmpty { updates.append(.setProperties(properties)) }
                written += files.filter { !written.contains($0) }
                let committed = try await catalog.commitTable(identifier, requirements: requirements, updates: updates)
                return committed
            } catch let CatalogError.commitConflict(message) {
                // Remove this attempt's manifest list and merged manifests; keep the added manifest.
                try? await io.delete(attemptFiles.filter { $0 != addedManifestPath })
                written.removeAll { attemptFiles.contains($0) && $0 != addedManifestPath }
                guard retry.mayRetry(after: attempt) else {
                    try? await io.delete(written)
                    throw CatalogError.commitConflict("\(message) (gave up after \(attempt) attempts)")
                }
                try await retry.wait(after: attempt)
                table = try await catalog.loadTable(identifier)
            } catch let error as CatalogError {
                if case .commitStateUnknown = error { throw error }
                try? await io.delete(written)
                throw error
            } catch {
                try? await io.delete(written)
                throw error
            }
        }
    }

    /// Builds the snapshot for one attempt; returns updates, requirements and files written.
    func buildSnapshot(table: Table, files: [DataFile], reusable: AddedManifest?, attempt: Int,
                       alreadyWritten: Bool) async throws -> ([TableUpdate], [TableRequirement], [String]) {
        let m = table.metadata
        let io = table.io
        let parent = m.currentSnapshot
        let snapshotId = m.unusedSnapshotId()
        let sequence = m.formatVersion >= 2 ? m.lastSequenceNumber + 1 : 0
        var writtenNow: [String] = []

        // The added manifest: reused across attempts (v2), or written for this snapshot id (v1).
        let added: AddedManifest
        if let reusable {
            added = reusable
            if !alreadyWritten { try await io.write(added.path, added.bytes) }
        } else {
            let bytes = try ManifestCodec.writeManifest(files.map { ManifestEntry(status: .added, snapshotId: snapshotId, sequenceNumber: nil, fileSequenceNumber: nil, dataFile: $0) },
                                                        spec: m.defaultSpec, schema: m.currentSchema, formatVersion: m.formatVersion)
            added = AddedManifest(path: "\(m.location)/metadata/\(RandomUUID.make())-m0.avro", bytes: bytes, specId: m.defaultSpecId)
            try await io.write(added.path, added.bytes)
        }
        writtenNow.append(added.path)
        guard let addedSpec = m.spec(id: added.specId) else { throw CatalogError.invalidCommit("partition spec \(added.specId) was removed") }
        let addedFile = try ManifestFile.describing(
            files.map { ManifestEntry(status: .added, snapshotId: snapshotId, sequenceNumber: nil, fileSequenceNumber: nil, dataFile: $0) },
            path: added.path, length: added.bytes.count, spec: addedSpec, schema: m.currentSchema, snapshotId: snapshotId, sequenceNumber: sequence)

        var manifests: [ManifestFile] = [addedFile]
        if let parent {
            let scan = try TableScan(metadata: m, io: io, snapshotId: parent.snapshotId)
            var existing = try await scan.manifests()
            let (merged, mergedFiles) = try await ManifestMerger(metadata: m, io: io, snapshotId: snapshotId, sequenceNumber: sequence)
                .merge(existing, adding: addedFile)
            existing = merged
            writtenNow += mergedFiles
            manifests = existing
        }

        let listPath = "\(m.location)/metadata/snap-\(snapshotId)-\(attempt)-\(RandomUUID.make()).avro"
        let listBytes = try ManifestCodec.writeManifestList(manifests, snapshotId: snapshotId, parentSnapshotId: parent?.snapshotId,
                                                            sequenceNumber: sequence, formatVersion: m.formatVersion)
        try await io.write(listPath, listBytes)
        writtenNow.append(listPath)

        let summary = SnapshotSummary.append(files: files, parent: parent)
        var snapshot = Snapshot(snapshotId: snapshotId, parentSnapshotId: parent?.snapshotId, sequenceNumber: sequence, timestampMs: nowMs(),
                                manifestList: listPath, summary: summary, schemaId: m.currentSchemaId)
        if m.formatVersion >= 3 { snapshot.firstRowId = m.nextRowId ?? 0; snapshot.addedRows = 0 }
        let updates: [TableUpdate] = [.addSnapshot(snapshot), .setSnapshotRef(name: "main", ref: SnapshotRef(snapshotId: snapshotId, type: .branch))]
        let requirements: [TableRequirement] = [.assertTableUUID(m.tableUUID), .assertRefSnapshotId(ref: "main", snapshotId: parent?.snapshotId)]
        return (updates, requirements, writtenNow)
    }
}

/// A manifest of the appended files, with the spec it was written for.
struct AddedManifest {
    var path: String
    var bytes: [UInt8]
    var specId: Int
}

/// Snapshot summary fields (the spec's Appendix F names).
enum SnapshotSummary {
    static func append(files: [DataFile], parent: Snapshot?) -> [(String, String)] {
        let records = files.reduce(0) { $0 + $1.recordCount }
        let bytes = files.reduce(0) { $0 + $1.fileSizeInBytes }
        let partitions = Set(files.map { $0.partition.map { $0?.description ?? "null" } }).count
        return [
            ("operation", "append"),
            ("added-data-files", String(files.count)),
            ("added-records", String(records)),
            ("added-files-size", String(bytes)),
            ("changed-partition-count", String(partitions)),
        ] + totals(parent: parent, records: records, bytes: bytes, dataFiles: Int64(files.count))
    }

    /// The parent's `total-*` fields changed by the given numbers of records, bytes and data
    /// files (delete-file totals carried over).
    static func totals(parent: Snapshot?, records: Int64, bytes: Int64, dataFiles: Int64) -> [(String, String)] {
        func total(_ key: String) -> Int64 { Int64(parent?.summary(key) ?? "") ?? 0 }
        return [
            ("total-records", String(total("total-records") + records)),
            ("total-files-size", String(total("total-files-size") + bytes)),
            ("total-data-files", String(total("total-data-files") + dataFiles)),
            ("total-delete-files", String(total("total-delete-files"))),
            ("total-position-deletes", String(total("total-position-deletes"))),
            ("total-equality-deletes", String(total("total-equality-deletes"))),
        ]
    }
}

extension SnapshotSummary {
    /// A copy-on-write delete: whole files removed, surviving rows rewritten into `added`. As
    /// in Java and PyIceberg, `deleted-records` counts the rows of the removed files.
    static func delete(removed: [DataFile], added: [DataFile], parent: Snapshot?) -> [(String, String)] {
        let addedRecords = added.reduce(0) { $0 + $1.recordCount }, addedBytes = added.reduce(0) { $0 + $1.fileSizeInBytes }
        let removedRecords = removed.reduce(0) { $0 + $1.recordCount }, removedBytes = removed.reduce(0) { $0 + $1.fileSizeInBytes }
        let partitions = Set((removed + added).map { $0.partition.map { $0?.description ?? "null" } }).count
        var out: [(String, String)] = [("operation", added.isEmpty ? "delete" : "overwrite")]
        if !added.isEmpty {
            out += [("added-data-files", String(added.count)), ("added-records", String(addedRecords)), ("added-files-size", String(addedBytes))]
        }
        out += [
            ("deleted-data-files", String(removed.count)),
            ("deleted-records", String(removedRecords)),
            ("removed-files-size", String(removedBytes)),
            ("changed-partition-count", String(partitions)),
        ]
        return out + totals(parent: parent, records: addedRecords - removedRecords, bytes: addedBytes - removedBytes,
                            dataFiles: Int64(added.count - removed.count))
    }
}

extension ManifestFile {
    /// The manifest-list entry of a data manifest written by snapshot `snapshotId` with
    /// `entries`: file and row counts per status, the lowest data sequence number of the live
    /// entries (inherited ones take `sequenceNumber`) and the partition field summaries.
    static func describing(_ entries: [ManifestEntry], path: String, length: Int, spec: PartitionSpec, schema: Schema,
                           snapshotId: Int64, sequenceNumber: Int64) throws -> ManifestFile {
        func files(_ status: EntryStatus) -> Int32 { Int32(entries.reduce(0) { $0 + ($1.status == status ? 1 : 0) }) }
        func rows(_ status: EntryStatus) -> Int64 { entries.reduce(0) { $0 + ($1.status == status ? $1.dataFile.recordCount : 0) } }
        let live = entries.filter { $0.status != .deleted }
        return ManifestFile(path: path, length: Int64(length), partitionSpecId: spec.specId, sequenceNumber: sequenceNumber,
                            minSequenceNumber: live.map { $0.sequenceNumber ?? sequenceNumber }.min() ?? sequenceNumber, addedSnapshotId: snapshotId,
                            addedFilesCount: files(.added), existingFilesCount: files(.existing), deletedFilesCount: files(.deleted),
                            addedRowsCount: rows(.added), existingRowsCount: rows(.existing), deletedRowsCount: rows(.deleted),
                            partitions: ManifestSummary.summarize(entries.map(\.dataFile.partition), try spec.partitionType(schema)), keyMetadata: nil)
    }
}

/// Partition field summaries for a manifest list entry.
enum ManifestSummary {
    static func summarize(_ partitions: [[Literal?]], _ type: StructType) -> [FieldSummary] {
        type.fields.enumerated().map { i, field in
            var containsNull = false, containsNaN = false
            var lo: Literal? = nil, hi: Literal? = nil
            for p in partitions {
                guard i < p.count, let v = p[i] else { containsNull = true; continue }
                if case .double(let d) = v, d.isNaN { containsNaN = true; continue }
                if case .float(let f) = v, f.isNaN { containsNaN = true; continue }
                if lo == nil || (Literal.compare(v, lo!) ?? 0) < 0 { lo = v }
                if hi == nil || (Literal.compare(v, hi!) ?? 0) > 0 { hi = v }
            }
            return FieldSummary(containsNull: containsNull, containsNaN: containsNaN,
                                lowerBound: lo?.serialized(as: field.type), upperBound: hi?.serialized(as: field.type))
        }
    }
}

/// Merges small manifests of a spec once there are enough of them
/// (`commit.manifest.min-count-to-merge`, `commit.manifest.target-size-bytes`,
/// `commit.manifest-merge.enabled`), rewriting live entries as EXISTING.
struct ManifestMerger {
    let metadata: TableMetadata
    let io: FileIO
    let snapshotId: Int64
    let sequenceNumber: Int64

    func merge(_ existing: [ManifestFile], adding added: ManifestFile) async throws -> ([ManifestFile], [String]) {
        let all = [added] + existing
        guard metadata.property("commit.manifest-merge.enabled") != "false" else { return (all, []) }
        let minCount = Int(metadata.property("commit.manifest.min-count-to-merge") ?? "") ?? 100
        let target = Int64(metadata.property("commit.manifest.target-size-bytes") ?? "") ?? 8 << 20
        var out: [ManifestFile] = []
        var written: [String] = []
        let groups = Dictionary(grouping: all, by: { "\($0.partitionSpecId)-\($0.content.rawValue)" })
        for (_, group) in groups.sorted(by: { $0.key < $1.key }) {
            let small = group.filter { $0.length < target }
            guard small.count >= minCount, let first = small.first, first.content == .data,
                  let spec = metadata.spec(id: first.partitionSpecId) else {
                out += group
                continue
            }
            var entries: [ManifestEntry] = []
            for mf in small {
                for var e in try ManifestCodec.readManifest(try await io.read(mf.path), manifest: mf, schema: metadata.currentSchema, spec: spec)
                    where e.status != .deleted {
                    if e.status == .added && mf.addedSnapshotId != snapshotId { e.status = .existing }
                    if mf.path == added.path { e.snapshotId = snapshotId; e.sequenceNumber = sequenceNumber; e.fileSequenceNumber = sequenceNumber }
                    entries.append(e)
                }
            }
            let bytes = try ManifestCodec.writeManifest(entries, spec: spec, schema: metadata.currentSchema, formatVersion: metadata.formatVersion)
            let path = "\(metadata.location)/metadata/\(RandomUUID.make())-m1.avro"
            try await io.write(path, bytes)
            written.append(path)
            out.append(try ManifestFile.describing(entries, path: path, length: bytes.count, spec: spec, schema: metadata.currentSchema,
                                                   snapshotId: snapshotId, sequenceNumber: sequenceNumber))
            out += group.filter { $0.length >= target }
        }
        // Keep the new manifest first, as writers conventionally do.
        out.sort { ($0.addedSnapshotId == snapshotId ? 0 : 1) < ($1.addedSnapshotId == snapshotId ? 0 : 1) }
        return (out, written)
    }
}

/// A table's `commit.retry.*` properties: how often and for how long a commit that lost a
/// race is rebuilt on the refreshed table and tried again, with jittered exponential backoff.
struct CommitRetryPolicy {
    /// `commit.retry.num-retries` (default 4).
    let retries: Int
    /// `commit.retry.min-wait-ms` (default 100).
    let minWaitMs: Int
    /// `commit.retry.max-wait-ms` (default 60 s).
    let maxWaitMs: Int
    /// `commit.retry.total-timeout-ms` (default 30 min).
    let totalTimeoutMs: Int64
    private let started = nowMs()

    /// Reads the policy from the table's properties; the total timeout runs from now.
    init(_ m: TableMetadata) {
        retries = Int(m.property("commit.retry.num-retries") ?? "") ?? 4
        minWaitMs = Int(m.property("commit.retry.min-wait-ms") ?? "") ?? 100
        maxWaitMs = Int(m.property("commit.retry.max-wait-ms") ?? "") ?? 60_000
        totalTimeoutMs = Int64(m.property("commit.retry.total-timeout-ms") ?? "") ?? 1_800_000
    }

    /// Whether another attempt may follow the failed attempt number `attempt` (1-based).
    func mayRetry(after attempt: Int) -> Bool {
        attempt <= retries && nowMs() - started < totalTimeoutMs
    }

    /// Sleeps before the attempt after `attempt`: min-wait doubling per attempt, capped at max-wait, jittered.
    func wait(after attempt: Int) async throws {
        let wait = min(maxWaitMs, minWaitMs * (1 << min(attempt - 1, 20)))
        let jittered = Int.random(in: wait / 2...max(wait / 2, wait))
        try await Task.sleep(nanoseconds: UInt64(jittered) * 1_000_000)
    }
}
