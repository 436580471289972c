import JSONSupport
import Parquet

/// A data file to read, with the manifest information a reader needs.
public struct FileScanTask: Sendable {
    /// The data file.
    public var file: DataFile
    /// Its partition spec.
    public var specId: Int
    /// Its data sequence number.
    public var sequenceNumber: Int64
}

/// Plans and reads a scan of one snapshot of a table.
public struct TableScan: Sendable {
    /// Table metadata.
    public let metadata: TableMetadata
    /// Storage.
    public let io: FileIO
    /// The snapshot read (nil: the table is empty).
    public let snapshot: Snapshot?
    /// The schema rows are returned in: the snapshot's schema (time travel), or the current one.
    public let schema: Schema

    /// A scan of the current snapshot, or of a chosen one.
    public init(metadata: TableMetadata, io: FileIO, snapshotId: Int64? = nil) throws {
        self.metadata = metadata
        self.io = io
        if let id = snapshotId {
            guard let s = metadata.snapshot(id: id) else { throw IcebergError.invalidValue(row: nil, field: "snapshot-id", detail: "no snapshot \(id)") }
            snapshot = s
            schema = s.schemaId.flatMap { metadata.schema(id: $0) } ?? metadata.currentSchema
        } else {
            snapshot = metadata.currentSnapshot
            schema = metadata.currentSchema
        }
    }

    /// The manifests of the snapshot.
    public func manifests() async throws -> [ManifestFile] {
        guard let snapshot else { return [] }
        if !snapshot.manifestList.isEmpty {
            return try ManifestCodec.readManifestList(try await io.read(snapshot.manifestList))
        }
        // v1 snapshots may list manifests inline.
        return (snapshot.inlineManifests ?? []).map {
            ManifestFile(path: $0, length: 0, partitionSpecId: metadata.defaultSpecId, sequenceNumber: 0, minSequenceNumber: 0,
                         addedSnapshotId: snapshot.snapshotId, addedFilesCount: 0, existingFilesCount: 0, deletedFilesCount: 0,
                         addedRowsCount: 0, existingRowsCount: 0, deletedRowsCount: 0, partitions: nil, keyMetadata: nil)
        }
    }

    /// The live data files of the snapshot.
    public func planFiles() async throws -> [FileScanTask] {
        var tasks: [FileScanTask] = []
        for m in try await manifests() where m.content == .data {
            let entries = try ManifestCodec.readManifest(try await io.read(m.path), manifest: m, schema: metadata.currentSchema,
                                                         spec: metadata.spec(id: m.partitionSpecId))
            for e in entries where e.status != .deleted && e.dataFile.content == .data {
                tasks.append(FileScanTask(file: e.dataFile, specId: m.partitionSpecId, sequenceNumber: e.sequenceNumber ?? 0))
            }
        }
        return tasks
    }

    /// All rows of the snapshot as JSON objects.
    public func rows() async throws -> [JSONValue] {
        var out: [JSONValue] = []
        let reader = DataFileRows(schema: schema)
        for task in try await planFiles() {
            out += try reader.rows(try await io.input(task.file.filePath))
        }
        return out
    }
}
