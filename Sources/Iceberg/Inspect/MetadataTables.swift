import JSONSupport
import Parquet

/// The metadata tables of an Iceberg table, as Spark shows them (`db.t.snapshots`,
/// `db.t.files`, …) and PyIceberg's `table.inspect` returns them, with Java's column names
/// and field ids.
public enum MetadataTableType: String, CaseIterable, Sendable, Codable {
    /// Every snapshot of the table.
    case snapshots
    /// The snapshot log: when each snapshot became current, and whether it still leads to the current one.
    case history
    /// Branches and tags.
    case refs
    /// The manifests of a snapshot.
    case manifests
    /// The manifests of every snapshot (a manifest once per snapshot that lists it).
    case allManifests = "all_manifests"
    /// The live data and delete files of a snapshot.
    case files
    /// The live data files of a snapshot.
    case dataFiles = "data_files"
    /// The live delete files of a snapshot.
    case deleteFiles = "delete_files"
    /// The live files of every manifest of every snapshot (a file may appear more than once).
    case allFiles = "all_files"
    /// `allFiles` limited to data files.
    case allDataFiles = "all_data_files"
    /// `allFiles` limited to delete files.
    case allDeleteFiles = "all_delete_files"
    /// The manifest entries of a snapshot, deleted ones included, with their sequence numbers.
    case entries
    /// The manifest entries of every manifest of every snapshot.
    case allEntries = "all_entries"
    /// Per partition of a snapshot: record, file and size counts of data and delete files, and
    /// the snapshot that last changed it.
    case partitions
    /// The metadata files of the table, oldest first, with the snapshot current in each.
    case metadataLogEntries = "metadata_log_entries"

    /// Whether the table reads one snapshot (the current one unless a snapshot or ref is named).
    public var readsOneSnapshot: Bool {
        switch self {
        case .manifests, .files, .dataFiles, .deleteFiles, .entries, .partitions: true
        default: false
        }
    }
}

/// The rows of one metadata table: its schema (Java's names and ids) and its rows as one
/// columnar batch; `rows()` gives them as JSON objects in the SDK's JSON value convention
/// (timestamps as text, maps as `{"keys", "values"}`, binary as hex).
public struct MetadataTable: Sendable {
    /// Which metadata table this is.
    public let type: MetadataTableType
    /// The columns.
    public var schema: Schema { batch.schema }
    /// The rows as one columnar batch.
    public let batch: ColumnBatch
    /// The transform of each field of the `partition` column (by name), for display.
    var partitionTransforms: [String: Transform] = [:]

    init(type: MetadataTableType, batch: ColumnBatch, partitionTransforms: [String: Transform] = [:]) {
        self.type = type
        self.batch = batch
        self.partitionTransforms = partitionTransforms
    }

    init(type: MetadataTableType, schema: Schema, partitionTransforms: [String: Transform] = [:], rows: [JSONValue])
        throws
    {
        self.init(
            type: type, batch: try ColumnBatch.shredding(rows, schema: schema), partitionTransforms: partitionTransforms
        )
    }

    /// Number of rows.
    public var rowCount: Int { batch.rowCount }

    /// The rows as JSON objects keyed by column name.
    public func rows() throws -> [JSONValue] {
        try batch.jsonRows()
    }

    /// The rows as a person reads them: partition values of `year`, `month` and `hour`
    /// transforms as dates (`2025-04`, not the month ordinal 663), in `partition` and in
    /// `data_file.partition`.
    public func displayRows() throws -> [JSONValue] {
        let rows = try rows()
        guard !partitionTransforms.isEmpty else { return rows }
        func human(_ partition: JSONValue) -> JSONValue {
            guard case .object(let pairs) = partition else { return partition }
            return .object(
                pairs.map { name, value in
                    guard let transform = partitionTransforms[name], let v = value.intValue,
                        let ordinal = Int32(exactly: v)
                    else { return (name, value) }
                    switch transform {
                    case .year, .month, .hour:
                        return (name, .string(transform.pathValue(.int(ordinal), source: .timestamp)))
                    default: return (name, value)
                    }
                })
        }
        return rows.map { row in
            guard case .object(let pairs) = row else { return row }
            return .object(
                pairs.map { name, value in
                    switch name {
                    case "partition": return (name, human(value))
                    case "data_file":
                        guard case .object(let file) = value else { return (name, value) }
                        return (name, .object(file.map { $0.0 == "partition" ? ($0.0, human($0.1)) : $0 }))
                    default: return (name, value)
                    }
                })
        }
    }

    /// The rows decoded as values of a `Decodable` type whose properties are named after the columns.
    public func rows<T: Decodable>(as type: T.Type) throws -> [T] {
        let decoder = RowDecoder(schema: schema)
        return try rows().map { try decoder.decode(T.self, from: $0) }
    }
}

extension Table {
    /// A metadata table of this table. Tables that read one snapshot (`readsOneSnapshot`) read
    /// the one `snapshotId` or the branch or tag `ref` names, or the current one; the others
    /// describe the whole table and refuse both.
    public func inspect(_ type: MetadataTableType, snapshotId: Int64? = nil, ref: String? = nil) async throws
        -> MetadataTable
    {
        try await MetadataTableReader(metadata: metadata, metadataLocation: metadataLocation, io: io)
            .read(type, snapshotId: snapshotId, ref: ref)
    }
}

/// Builds metadata tables from a table's metadata and the manifests it reaches.
struct MetadataTableReader {
    let metadata: TableMetadata
    let metadataLocation: String
    let io: FileIO

    func read(_ type: MetadataTableType, snapshotId: Int64?, ref: String?) async throws -> MetadataTable {
        if snapshotId != nil || ref != nil {
            guard type.readsOneSnapshot else {
                throw IcebergError.invalidValue(
                    row: nil, field: "snapshot",
                    detail: "the \(type.rawValue) table describes the whole table; it reads no single snapshot")
            }
            guard snapshotId == nil || ref == nil else {
                throw IcebergError.invalidValue(
                    row: nil, field: "snapshot", detail: "name a snapshot id or a ref, not both")
            }
        }
        let layout = MetadataTableLayout(metadata)
        switch type {
        case .snapshots: return try table(type, MetadataTableLayout.snapshots, snapshotRows())
        case .history: return try table(type, MetadataTableLayout.history, historyRows())
        case .refs: return try table(type, MetadataTableLayout.refs, refRows())
        case .metadataLogEntries: return try table(type, MetadataTableLayout.metadataLog, metadataLogRows())
        case .manifests:
            let manifests = try await scan(snapshotId, ref).manifests()
            return try table(type, MetadataTableLayout.manifests, manifests.map { manifestRow($0, all: false) })
        case .allManifests:
            var rows: [JSONValue] = []
            for s in metadata.snapshots {
                for m in try await manifests(of: s) {
                    rows.append(manifestRow(m, all: true, referenceSnapshot: s.snapshotId))
                }
            }
            return try table(type, MetadataTableLayout.allManifests, rows)
        case .files, .dataFiles, .deleteFiles, .allFiles, .allDataFiles, .allDeleteFiles:
            let content: ManifestSelection =
                [.dataFiles, .allDataFiles].contains(type)
                ? .data : [.deleteFiles, .allDeleteFiles].contains(type) ? .deletes : .both
            let all = [.allFiles, .allDataFiles, .allDeleteFiles].contains(type)
            let manifests = try await selected(
                all ? allManifests() : scan(snapshotId, ref).manifests(), content)
            let schema = try layout.filesSchema()
            var columns = try ContentFileColumns(
                schema: schema.schema, partition: schema.partition, layout: layout, entries: false)
            for (manifest, entries) in try await read(manifests) {
                for e in entries where e.status != .deleted { columns.append(e, specId: manifest.partitionSpecId) }
            }
            return MetadataTable(
                type: type, batch: try columns.batch(), partitionTransforms: layout.partitionTransforms())
        case .entries, .allEntries:
            let manifests =
                type == .allEntries ? try await allManifests() : try await scan(snapshotId, ref).manifests()
            let schema = try layout.entriesSchema()
            var columns = try ContentFileColumns(
                schema: schema.schema, partition: schema.partition, layout: layout, entries: true)
            for (manifest, entries) in try await read(manifests) {
                for e in entries { columns.append(e, specId: manifest.partitionSpecId) }
            }
            return MetadataTable(
                type: type, batch: try columns.batch(), partitionTransforms: layout.partitionTransforms())
        case .partitions:
            return try await partitions(try await scan(snapshotId, ref).manifests(), layout)
        }
    }

    private func table(_ type: MetadataTableType, _ schema: Schema, _ rows: [JSONValue]) throws -> MetadataTable {
        try MetadataTable(type: type, schema: schema, rows: rows)
    }

    // MARK: Table-wide tables

    private func snapshotRows() -> [JSONValue] {
        metadata.snapshots.map { s in
            .object([
                ("committed_at", Self.timestamp(ms: s.timestampMs)), ("snapshot_id", .int(s.snapshotId)),
                ("parent_id", s.parentSnapshotId.map { .int($0) } ?? .null),
                ("operation", s.summary.first { $0.0 == "operation" }.map { .string($0.1) } ?? .null),
                ("manifest_list", s.manifestList.isEmpty ? .null : .string(s.manifestList)),
                // As in Java's `Snapshot.summary()`, the operation is a column of its own.
                ("summary", Self.map(s.summary.filter { $0.0 != "operation" }.map { (.string($0.0), .string($0.1)) })),
            ])
        }
    }

    private func historyRows() -> [JSONValue] {
        let current = Set(metadata.currentSnapshotId.map { metadata.ancestors(of: $0).map(\.snapshotId) } ?? [])
        return metadata.snapshotLog.map { entry in
            .object([
                ("made_current_at", Self.timestamp(ms: entry.timestampMs)), ("snapshot_id", .int(entry.snapshotId)),
                ("parent_id", metadata.snapshot(id: entry.snapshotId)?.parentSnapshotId.map { .int($0) } ?? .null),
                ("is_current_ancestor", .bool(current.contains(entry.snapshotId))),
            ])
        }
    }

    private func refRows() -> [JSONValue] {
        metadata.refs.map { name, ref in
            .object([
                ("name", .string(name)), ("type", .string(ref.type == .branch ? "BRANCH" : "TAG")),
                ("snapshot_id", .int(ref.snapshotId)),
                ("max_reference_age_in_ms", ref.maxRefAgeMs.map { .int($0) } ?? .null),
                ("min_snapshots_to_keep", ref.minSnapshotsToKeep.map { .int(Int64($0)) } ?? .null),
                ("max_snapshot_age_in_ms", ref.maxSnapshotAgeMs.map { .int($0) } ?? .null),
            ])
        }
    }

    /// Each metadata file of the log and the current one, with the snapshot that was current
    /// when it was written (the newest snapshot-log entry at or before its time, as Java finds it).
    private func metadataLogRows() -> [JSONValue] {
        let files = metadata.metadataLog + [(timestampMs: metadata.lastUpdatedMs, metadataFile: metadataLocation)]
        return files.map { file in
            let latest = metadata.snapshotLog.filter { $0.timestampMs <= file.timestampMs }.max {
                $0.timestampMs < $1.timestampMs
            }
            let snapshot = latest.flatMap { metadata.snapshot(id: $0.snapshotId) }
            return .object([
                ("timestamp", Self.timestamp(ms: file.timestampMs)), ("file", .string(file.metadataFile)),
                ("latest_snapshot_id", latest.map { .int($0.snapshotId) } ?? .null),
                ("latest_schema_id", snapshot?.schemaId.map { .int(Int64($0)) } ?? .null),
                ("latest_sequence_number", snapshot.map { .int($0.sequenceNumber) } ?? .null),
            ])
        }
    }

    // MARK: Manifests

    /// The scan of the snapshot a snapshot id or ref names (else the current one), whose
    /// errors name a missing snapshot or ref.
    private func scan(_ id: Int64?, _ ref: String?) throws -> TableScan {
        if let ref { return try TableScan(metadata: metadata, io: io, ref: ref) }
        return try TableScan(metadata: metadata, io: io, snapshotId: id)
    }

    private func manifests(of snapshot: Snapshot?) async throws -> [ManifestFile] {
        guard let snapshot else { return [] }
        return try await TableScan(metadata: metadata, io: io, snapshotId: snapshot.snapshotId).manifests()
    }

    /// Every manifest of every snapshot, each once.
    private func allManifests() async throws -> [ManifestFile] {
        var seen = Set<String>()
        var out: [ManifestFile] = []
        for s in metadata.snapshots {
            for m in try await manifests(of: s) where seen.insert(m.path).inserted { out.append(m) }
        }
        return out
    }

    private enum ManifestSelection { case data, deletes, both }

    private func selected(_ manifests: [ManifestFile], _ selection: ManifestSelection) -> [ManifestFile] {
        switch selection {
        case .data: manifests.filter { $0.content == .data }
        case .deletes: manifests.filter { $0.content != .data }
        case .both: manifests
        }
    }

    /// The entries of each manifest, read concurrently, in the manifests' order.
    private func read(_ manifests: [ManifestFile]) async throws -> [(ManifestFile, [ManifestEntry])] {
        let schema = metadata.currentSchema
        let specs = metadata.partitionSpecs
        let io = self.io
        let entries = try await mapConcurrently(manifests) { m in
            let spec = specs.first { $0.specId == m.partitionSpecId }
            return try ManifestCodec.readManifest(try await io.read(m.path), manifest: m, schema: schema, spec: spec)
        }
        return Array(zip(manifests, entries))
    }

    private func manifestRow(_ m: ManifestFile, all: Bool, referenceSnapshot: Int64? = nil) -> JSONValue {
        let data = m.content == .data
        func count(_ n: Int32, _ ofData: Bool) -> JSONValue { .int(Int64(ofData == data ? n : 0)) }
        var spec = metadata.spec(id: m.partitionSpecId)
        if let s = spec, (try? s.partitionType(metadata.currentSchema)) == nil { spec = nil }
        let summaries: JSONValue =
            m.partitions.map { list in
                .array(
                    list.enumerated().map { i, summary in
                        let human = { (bytes: [UInt8]?) -> JSONValue in
                            guard let bytes, let spec, i < spec.fields.count,
                                let source = metadata.currentSchema.field(id: spec.fields[i].sourceId)
                            else { return .null }
                            let field = spec.fields[i]
                            let type = field.transform.resultType(source.type)
                            return Literal.deserialize(bytes, as: type).map {
                                .string(field.transform.pathValue($0, source: source.type))
                            } ?? .null
                        }
                        return .object([
                            ("contains_null", .bool(summary.containsNull)),
                            ("contains_nan", summary.containsNaN.map { .bool($0) } ?? (all ? .bool(false) : .null)),
                            ("lower_bound", human(summary.lowerBound)), ("upper_bound", human(summary.upperBound)),
                        ])
                    })
            } ?? (all ? .null : .array([]))
        var row: [(String, JSONValue)] = [
            ("content", .int(data ? 0 : 1)), ("path", .string(m.path)), ("length", .int(m.length)),
            ("partition_spec_id", .int(Int64(m.partitionSpecId))), ("added_snapshot_id", .int(m.addedSnapshotId)),
            ("added_data_files_count", count(m.addedFilesCount, true)),
            ("existing_data_files_count", count(m.existingFilesCount, true)),
            ("deleted_data_files_count", count(m.deletedFilesCount, true)),
            ("added_delete_files_count", count(m.addedFilesCount, false)),
            ("existing_delete_files_count", count(m.existingFilesCount, false)),
            ("deleted_delete_files_count", count(m.deletedFilesCount, false)), ("partition_summaries", summaries),
        ]
        if all {
            row.append(("reference_snapshot_id", referenceSnapshot.map { .int($0) } ?? .null))
            row.append(("key_metadata", m.keyMetadata.map { .string(ByteText.hex($0)) } ?? .null))
        }
        return .object(row)
    }

    // MARK: Partitions

    /// Java's `partitions` table: live entries of the snapshot's manifests grouped by their
    /// partition in the table's unified partition type; the spec and last update of a
    /// partition are those of its newest file.
    private func partitions(_ manifests: [ManifestFile], _ layout: MetadataTableLayout) async throws -> MetadataTable {
        let partitionType = try layout.unifiedPartitionType()
        struct Totals {
            var specId = 0
            var dataRecords: Int64 = 0, dataFiles: Int64 = 0, dataBytes: Int64 = 0
            var positionRecords: Int64 = 0, positionFiles: Int64 = 0
            var equalityRecords: Int64 = 0, equalityFiles: Int64 = 0
            var lastUpdatedMs: Int64? = nil, lastSnapshot: Int64? = nil
        }
        var order: [[Literal?]] = []
        var totals: [[Literal?]: Totals] = [:]
        for (manifest, entries) in try await read(manifests) {
            for e in entries where e.status != .deleted {
                let key = layout.coerce(e.dataFile.partition, specId: manifest.partitionSpecId, to: partitionType)
                if totals[key] == nil { order.append(key) }
                var t = totals[key, default: Totals()]
                if let id = e.snapshotId, let s = metadata.snapshot(id: id),
                    t.lastUpdatedMs.map({ s.timestampMs > $0 }) ?? true
                {
                    t.specId = manifest.partitionSpecId
                    t.lastUpdatedMs = s.timestampMs
                    t.lastSnapshot = id
                }
                let f = e.dataFile
                switch f.content {
                case .data:
                    t.dataRecords += f.recordCount
                    t.dataFiles += 1
                    t.dataBytes += f.fileSizeInBytes
                case .positionDeletes:
                    t.positionRecords += f.recordCount
                    t.positionFiles += 1
                case .equalityDeletes:
                    t.equalityRecords += f.recordCount
                    t.equalityFiles += 1
                }
                totals[key] = t
            }
        }
        let partitioned = !partitionType.fields.isEmpty
        let rows: [JSONValue] = order.map { key in
            let t = totals[key]!
            var row: [(String, JSONValue)] = []
            if partitioned {
                row.append(("partition", layout.partitionJSON(key, partitionType)))
                row.append(("spec_id", .int(Int64(t.specId))))
            }
            row += [
                ("record_count", .int(t.dataRecords)), ("file_count", .int(t.dataFiles)),
                ("total_data_file_size_in_bytes", .int(t.dataBytes)),
                ("position_delete_record_count", .int(t.positionRecords)),
                ("position_delete_file_count", .int(t.positionFiles)),
                ("equality_delete_record_count", .int(t.equalityRecords)),
                ("equality_delete_file_count", .int(t.equalityFiles)),
                ("last_updated_at", t.lastUpdatedMs.map { Self.timestamp(ms: $0) } ?? .null),
                ("last_updated_snapshot_id", t.lastSnapshot.map { .int($0) } ?? .null),
            ]
            return .object(row)
        }
        return try MetadataTable(
            type: .partitions, schema: try layout.partitionsSchema(partitionType),
            partitionTransforms: layout.partitionTransforms(), rows: rows)
    }

    // MARK: Values

    static func timestamp(ms: Int64) -> JSONValue {
        .string(TemporalValues.formatTimestamp(ms &* 1000, unitsPerSecond: 1_000_000, utc: true))
    }

    static func map(_ pairs: [(JSONValue, JSONValue)]) -> JSONValue {
        pairs.isEmpty ? .null : .object([("keys", .array(pairs.map(\.0))), ("values", .array(pairs.map(\.1)))])
    }
}
