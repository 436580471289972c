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
    /// The manifest that lists it.
    public var manifestPath: String = ""
    /// The delete files that apply to it, by the spec's rules (see `DeleteIndex`): its
    /// deletion vector, or else the position delete files with a data sequence number at or
    /// above the data file's in the same partition; equality deletes with a higher one in the
    /// same partition or from an unpartitioned spec.
    public var deletes: [DataFile] = []
    /// The equality deletes among `deletes` with their sequence numbers and scopes.
    var equalityDeletes: [DeleteIndex.Entry] = []

    /// The position deletes and deletion vector that refer to this data file alone (by
    /// `referenced_data_file`): replaced when its deletes are merged, dropped with the file.
    public var fileScopedDeletes: [DataFile] {
        deletes.filter { $0.content == .positionDeletes && $0.referencedDataFile == file.filePath }
    }
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
    public private(set) var schema: Schema
    /// The row filter bound to `schema` (nil: all rows).
    public private(set) var filter: BoundExpression? = nil
    /// The fields returned: `schema`, or the columns chosen with `selecting(_:)`.
    public private(set) var projection: Schema
    /// Where the data files' decoded footers are kept between scans (nil: read each time);
    /// `ParquetFooterCache.shared` unless chosen with `cachingFooters(in:)`.
    public private(set) var footerCache: ParquetFooterCache? = .shared

    /// A scan of the current snapshot, or of a chosen one.
    public init(metadata: TableMetadata, io: FileIO, snapshotId: Int64? = nil) throws {
        self.metadata = metadata
        self.io = io
        if let id = snapshotId {
            guard let s = metadata.snapshot(id: id) else {
                throw IcebergError.invalidValue(row: nil, field: "snapshot-id", detail: "no snapshot \(id)")
            }
            snapshot = s
            schema = s.schemaId.flatMap { metadata.schema(id: $0) } ?? metadata.currentSchema
        } else {
            snapshot = metadata.currentSnapshot
            schema = metadata.currentSchema
        }
        projection = schema
    }

    /// A scan of a branch's or tag's snapshot. A branch is read with the current schema
    /// (it takes writes under it); a tag with its snapshot's schema, as Java does.
    public init(metadata: TableMetadata, io: FileIO, ref name: String) throws {
        guard let ref = metadata.ref(name) else {
            throw IcebergError.invalidValue(row: nil, field: "ref", detail: "no branch or tag named '\(name)'")
        }
        try self.init(metadata: metadata, io: io, snapshotId: ref.snapshotId)
        if ref.type == .branch {
            schema = metadata.currentSchema
            projection = schema
        }
    }

    /// The same scan keeping the data files' decoded footers in `cache` (nil: none kept, each
    /// footer read and decoded as its file is opened).
    public func cachingFooters(in cache: ParquetFooterCache?) -> TableScan {
        var scan = self
        scan.footerCache = cache
        return scan
    }

    /// Returns only the given columns: top-level names or dotted paths into structs, in the
    /// schema's order, then the metadata columns asked for (`_pos`, the row's position in its
    /// file, and `_row_id` and `_last_updated_sequence_number` of v3 row lineage, see
    /// `MetadataColumns`).
    public func selecting(_ columns: [String]) throws -> TableScan {
        var ids = Set<Int>()
        var metadataColumns: [NestedField] = []
        for c in columns {
            if let m = MetadataColumns.named(c), schema.field(at: c) == nil {
                guard metadata.formatVersion >= 3 || m == MetadataColumns.filePosition else {
                    throw IcebergError.invalidValue(
                        row: nil, field: c,
                        detail: "row lineage columns need a format v3 table (this one is v\(metadata.formatVersion))")
                }
                if !metadataColumns.contains(m) { metadataColumns.append(m) }
                continue
            }
            guard let f = schema.field(at: c) else {
                throw IcebergError.invalidValue(row: nil, field: c, detail: "no such column in the table")
            }
            ids.insert(f.id)
        }
        var copy = self
        let kept = try schema.keeping(ids)
        copy.projection = try Schema(
            schemaId: kept.schemaId, identifierFieldIds: kept.identifierFieldIds, fields: kept.fields + metadataColumns)
        return copy
    }

    /// Returns the fields of `projection`, a part of `schema` (see `Schema.keeping`).
    func projecting(_ projection: Schema) -> TableScan {
        var copy = self
        copy.projection = projection
        return copy
    }

    /// Sets the row filter (bound to the scan's schema).
    public func filtered(_ expression: Expression) throws -> TableScan {
        var copy = self
        copy.filter = try expression.bind(schema)
        return copy
    }

    /// The manifests of the snapshot.
    public func manifests() async throws -> [ManifestFile] {
        guard let snapshot else { return [] }
        if !snapshot.manifestList.isEmpty {
            return try ManifestCodec.readManifestList(try await io.read(snapshot.manifestList))
        }
        // v1 snapshots may list manifests inline.
        return (snapshot.inlineManifests ?? []).map {
            ManifestFile(
                path: $0, length: 0, partitionSpecId: metadata.defaultSpecId, sequenceNumber: 0, minSequenceNumber: 0,
                addedSnapshotId: snapshot.snapshotId, addedFilesCount: 0, existingFilesCount: 0, deletedFilesCount: 0,
                addedRowsCount: 0, existingRowsCount: 0, deletedRowsCount: 0, partitions: nil, keyMetadata: nil)
        }
    }

    /// The live data files of the snapshot (those the filter allows).
    public func planFiles() async throws -> [FileScanTask] {
        var report = ScanReport()
        return try await planFiles(&report)
    }

    /// Plans files and counts in `report` the manifests and files the filter pruned.
    public func planFiles(_ report: inout ScanReport) async throws -> [FileScanTask] {
        try await planFilesAndDeletes(&report).tasks
    }

    /// The live data files (those the filter allows) and every live delete file of the
    /// snapshot, from one read of its manifests (maintenance needs both).
    func planFilesAndDeletes() async throws -> (tasks: [FileScanTask], deletes: [DeleteIndex.Entry]) {
        var report = ScanReport()
        return try await planFilesAndDeletes(&report)
    }

    private func planFilesAndDeletes(_ report: inout ScanReport) async throws
        -> (tasks: [FileScanTask], deletes: [DeleteIndex.Entry])
    {
        var tasks: [FileScanTask] = []
        var deletes = DeleteIndex()
        let manifests = try await manifests()
        for m in manifests where m.content != .data {
            let spec = metadata.spec(id: m.partitionSpecId)
            let entries = try ManifestCodec.readManifest(
                try await io.read(m.path), manifest: m, schema: metadata.currentSchema, spec: spec)
            for e in entries where e.status != .deleted && e.dataFile.content != .data {
                report.deleteFiles += 1
                deletes.add(
                    e.dataFile, specId: m.partitionSpecId, sequenceNumber: e.sequenceNumber ?? 0,
                    unpartitioned: spec?.fields.isEmpty ?? true)
            }
        }
        for m in manifests where m.content == .data {
            let spec = metadata.spec(id: m.partitionSpecId)
            let files = filter.map { FileFilter($0, spec: spec, schema: metadata.currentSchema) }
            if let files, !files.manifestMayMatch(m) {
                report.manifestsPruned += 1
                continue
            }
            let entries = try ManifestCodec.readManifest(
                try await io.read(m.path), manifest: m, schema: metadata.currentSchema, spec: spec)
            for e in entries where e.status != .deleted && e.dataFile.content == .data {
                if let files, !files.partitionMayMatch(e.dataFile) {
                    report.filesPrunedByPartition += 1
                    continue
                }
                if let files, !files.metricsMayMatch(e.dataFile) {
                    report.filesPrunedByMetrics += 1
                    continue
                }
                let sequenceNumber = e.sequenceNumber ?? 0
                let applicable = deletes.entries(
                    for: e.dataFile, specId: m.partitionSpecId, sequenceNumber: sequenceNumber)
                tasks.append(
                    FileScanTask(
                        file: e.dataFile, specId: m.partitionSpecId, sequenceNumber: sequenceNumber,
                        manifestPath: m.path, deletes: applicable.map(\.file),
                        equalityDeletes: applicable.filter { $0.file.content == .equalityDeletes }))
            }
        }
        report.dataFiles += tasks.count
        return (tasks, deletes.all)
    }

    /// The snapshot's rows as an async sequence of column batches, one per row group read
    /// (empty batches are not returned). Row groups whose statistics or Bloom filters rule the
    /// filter out are skipped; of the others, the filter's columns are read first, in the pages
    /// their column indexes allow, and the other columns only for the rows that pass the filter
    /// and the deletes. With `metrics`, what was pruned and read is counted there.
    public func batches(metrics: ScanMetrics? = nil) -> ScanBatches { ScanBatches(scan: self, metrics: metrics) }

    /// All rows of the snapshot as JSON objects (the projection's fields).
    public func rows() async throws -> [JSONValue] {
        var out: [JSONValue] = []
        for try await batch in batches() { out += try batch.jsonRows() }
        return out
    }
}

/// Whether the files of one partition spec may hold rows matching a filter: by manifest
/// partition summaries, a file's partition tuple (the filter projected onto the spec) and its
/// column metrics. Unknown is a match.
struct FileFilter {
    let filter: BoundExpression
    private let projected: BoundExpression
    private let partitionType: StructType

    /// A test of files of `spec` (nil: unknown, partitions not used) for `filter`, bound to a
    /// schema whose field ids `schema` (the current one, holding the partition sources) shares.
    init(_ filter: BoundExpression, spec: PartitionSpec?, schema: Schema) {
        self.filter = filter
        if let spec {
            projected = Pruning.project(filter, spec, schema)
            partitionType = (try? spec.partitionType(schema)) ?? StructType([])
        } else {
            projected = .alwaysTrue
            partitionType = StructType([])
        }
    }

    /// Whether a manifest's partition summaries allow a match.
    func manifestMayMatch(_ manifest: ManifestFile) -> Bool {
        Pruning.manifestMayMatch(projected, manifest.partitions, partitionType)
    }

    /// Whether a file's partition and metrics allow a match.
    func mayMatch(_ file: DataFile) -> Bool { partitionMayMatch(file) && metricsMayMatch(file) }

    /// Whether a file's partition tuple allows a match.
    func partitionMayMatch(_ file: DataFile) -> Bool {
        let partition = file.partition
        return projected.evaluate { id in
            partitionType.fields.firstIndex { $0.id == id }.flatMap { $0 < partition.count ? partition[$0] : nil }
        }
    }

    /// Whether a file's column metrics (bounds, null and NaN counts) allow a match.
    func metricsMayMatch(_ file: DataFile) -> Bool { Pruning.fileMayMatch(filter, file) }
}
