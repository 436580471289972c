/// A table property this SDK reads: its key, its default and what it means.
///
/// Every property key the SDK reads is declared once, in `TableProperties`; code reads a
/// value with `TableMetadata.value(of:)`, which parses it and falls back to the default.
public struct TableProperty<Value: Sendable>: Sendable {
    /// The key in the table's `properties`.
    public let key: String
    /// The value when the table does not set the key.
    public let defaultValue: Value
    /// The default as documented (docs/iceberg.md's property table).
    public let defaultText: String
    /// What the property controls, in one line.
    public let meaning: String
    let parse: @Sendable (String) -> Value?
    let expected: String

    init(
        _ key: String, default defaultValue: Value, defaultText: String, expected: String, meaning: String,
        parse: @escaping @Sendable (String) -> Value?
    ) {
        self.key = key
        self.defaultValue = defaultValue
        self.defaultText = defaultText
        self.meaning = meaning
        self.parse = parse
        self.expected = expected
    }

    /// The value of this property in `properties` (the last entry wins), or the default.
    /// Throws `IcebergError.invalidProperty` when the text does not parse.
    public func value(in properties: [(String, String)]) throws -> Value {
        guard let text = properties.last(where: { $0.0 == key })?.1 else { return defaultValue }
        guard let v = parse(text) else { throw IcebergError.invalidProperty(key: key, value: text, expected: expected) }
        return v
    }

    /// The documented form of this property (for listings such as the docs table).
    public var description: TablePropertyDescription {
        TablePropertyDescription(key: key, defaultText: defaultText, meaning: meaning)
    }
}

/// A property's key, documented default and meaning, independent of its value type.
public struct TablePropertyDescription: Sendable, Hashable {
    /// The key.
    public var key: String
    /// The default as documented.
    public var defaultText: String
    /// What it controls.
    public var meaning: String

    /// Creates a description.
    public init(key: String, defaultText: String, meaning: String) {
        self.key = key
        self.defaultText = defaultText
        self.meaning = meaning
    }
}

extension TableProperty where Value: FixedWidthInteger {
    init(_ key: String, default value: Value, _ meaning: String, text: String? = nil) {
        self.init(key, default: value, defaultText: text ?? String(value), expected: "an integer", meaning: meaning) {
            Value($0)
        }
    }
}

extension TableProperty where Value == Bool {
    init(_ key: String, default value: Bool, _ meaning: String) {
        self.init(key, default: value, defaultText: String(value), expected: "true or false", meaning: meaning) {
            text in
            switch text.lowercased() {
            case "true": return true
            case "false": return false
            default: return nil
            }
        }
    }
}

extension TableProperty where Value == String? {
    init(_ key: String, _ meaning: String, defaultText: String) {
        self.init(key, default: nil, defaultText: defaultText, expected: "text", meaning: meaning) { $0 }
    }
}

extension TableProperty where Value == String {
    init(_ key: String, default value: String, _ meaning: String) {
        self.init(key, default: value, defaultText: value, expected: "text", meaning: meaning) { $0 }
    }
}

extension TableProperty where Value == Int? {
    init(_ key: String, optionalInt meaning: String, defaultText: String) {
        self.init(key, default: nil, defaultText: defaultText, expected: "an integer", meaning: meaning) { Int($0) }
    }
}

/// The table properties this SDK reads (the keys Java's `TableProperties` uses for the same
/// settings), each with its default and meaning. No other file of the SDK names a key.
public enum TableProperties {
    // MARK: Commits

    /// `commit.retry.num-retries`.
    public static let commitNumRetries = TableProperty<Int>(
        "commit.retry.num-retries", default: 4,
        "retries after a conflict whose cause does not show progress by another writer (conflicts with commits that landed meanwhile retry until the total timeout)"
    )
    /// `commit.retry.min-wait-ms`.
    public static let commitMinRetryWaitMs = TableProperty<Int>(
        "commit.retry.min-wait-ms", default: 100,
        "shortest wait before a retry, in ms; waits double per attempt, jittered")
    /// `commit.retry.max-wait-ms`.
    public static let commitMaxRetryWaitMs = TableProperty<Int>(
        "commit.retry.max-wait-ms", default: 60_000, "longest wait before a retry, in ms")
    /// `commit.retry.total-timeout-ms`.
    public static let commitTotalRetryTimeMs = TableProperty<Int64>(
        "commit.retry.total-timeout-ms", default: 1_800_000, "time after which a commit stops retrying, in ms")
    /// `commit.manifest-merge.enabled`.
    public static let manifestMergeEnabled = TableProperty<Bool>(
        "commit.manifest-merge.enabled", default: true, "whether appends merge small manifests")
    /// `commit.manifest.min-count-to-merge`.
    public static let manifestMinMergeCount = TableProperty<Int>(
        "commit.manifest.min-count-to-merge", default: 100,
        "manifests of one spec below the target size that trigger a merge")
    /// `commit.manifest.target-size-bytes`.
    public static let manifestTargetSizeBytes = TableProperty<Int64>(
        "commit.manifest.target-size-bytes", default: 8 << 20, "manifests at least this large are not merged",
        text: "8388608")

    // MARK: Metadata files

    /// `write.metadata.previous-versions-max`.
    public static let metadataPreviousVersionsMax = TableProperty<Int>(
        "write.metadata.previous-versions-max", default: 100, "earlier metadata files kept in the metadata log")
    /// `write.metadata.delete-after-commit.enabled`.
    public static let metadataDeleteAfterCommit = TableProperty<Bool>(
        "write.metadata.delete-after-commit.enabled", default: false,
        "whether metadata files dropped from the log are deleted")

    // MARK: Data files

    /// `write.data.path`.
    public static let writeDataPath = TableProperty<String?>(
        "write.data.path", "where new data files are written", defaultText: "table location + /data")
    /// `write.metadata.path` (Java writes metadata files there; this SDK writes them under
    /// the table location, and a confined catalog keeps the folder inside its warehouse).
    public static let writeMetadataPath = TableProperty<String?>(
        "write.metadata.path", "where Java writes metadata files (a served catalog confines it)",
        defaultText: "table location + /metadata")
    /// `write.object-storage.path` (deprecated in Java for `write.data.path`, still honoured there).
    public static let objectStoragePath = TableProperty<String?>(
        "write.object-storage.path", "older name of write.data.path that Java still honours", defaultText: "none")
    /// `write.folder-storage.path` (deprecated in Java for `write.data.path`, still honoured there).
    public static let folderStoragePath = TableProperty<String?>(
        "write.folder-storage.path", "older name of write.data.path that Java still honours", defaultText: "none")
    /// The properties that name folders writers put files in.
    public static let folderProperties = [writeDataPath, writeMetadataPath, objectStoragePath, folderStoragePath]
    /// `write.target-file-size-bytes`.
    public static let writeTargetFileSizeBytes = TableProperty<Int>(
        "write.target-file-size-bytes", default: 512 << 20, "size at which a data file is closed and the next begins",
        text: "536870912")
    /// `write.delete.target-file-size-bytes`.
    public static let deleteTargetFileSizeBytes = TableProperty<Int64>(
        "write.delete.target-file-size-bytes", default: 64 << 20,
        "size position-delete files are rewritten to (their rewrite takes smaller ones)", text: "67108864")
    /// `write.parquet.compression-codec`.
    public static let parquetCompressionCodec = TableProperty<String>(
        "write.parquet.compression-codec", default: "zstd",
        "Parquet codec of new data files: zstd, snappy, gzip, lz4 (written as LZ4_RAW), brotli, uncompressed")
    /// `write.parquet.compression-level`.
    public static let parquetCompressionLevel = TableProperty<Int?>(
        "write.parquet.compression-level", optionalInt: "codec level (zstd, gzip)", defaultText: "zstd 1, gzip 6")
    /// `write.parquet.row-group-size-bytes`.
    public static let parquetRowGroupSizeBytes = TableProperty<Int?>(
        "write.parquet.row-group-size-bytes", optionalInt: "uncompressed size at which a row group is closed",
        defaultText: "134217728")
    /// `write.parquet.page-size-bytes`.
    public static let parquetPageSizeBytes = TableProperty<Int?>(
        "write.parquet.page-size-bytes", optionalInt: "size at which a data page is closed", defaultText: "1048576")
    /// `write.parquet.dict-size-bytes`.
    public static let parquetDictSizeBytes = TableProperty<Int?>(
        "write.parquet.dict-size-bytes",
        optionalInt: "dictionary size above which a column falls back to plain encoding", defaultText: "1048576")
    /// `write.parquet.bloom-filter-enabled.column.<name>`: whether data files get a Bloom
    /// filter on a column (a dotted name).
    public static func bloomFilterEnabled(_ column: String) -> TableProperty<Bool> {
        TableProperty<Bool>(
            "\(bloomFilterEnabledPrefix)\(column)", default: false,
            "whether data files get a Parquet Bloom filter on the column (row groups and files pruned for = and in)")
    }
    /// The prefix of the per-column Bloom filter switches.
    public static let bloomFilterEnabledPrefix = "write.parquet.bloom-filter-enabled.column."
    /// `write.parquet.bloom-filter-fpp.column.<name>`: the filter's false-positive probability.
    public static func bloomFilterFpp(_ column: String) -> TableProperty<Double> {
        TableProperty<Double>(
            "write.parquet.bloom-filter-fpp.column.\(column)", default: 0.01, defaultText: "0.01",
            expected: "a probability between 0 and 1",
            meaning: "false-positive probability of the column's Bloom filter"
        ) { Double($0).flatMap { $0 > 0 && $0 < 1 ? $0 : nil } }
    }
    /// `write.parquet.bloom-filter-max-bytes`: the largest Bloom filter of a column chunk.
    public static let bloomFilterMaxBytes = TableProperty<Int>(
        "write.parquet.bloom-filter-max-bytes", default: 1_048_576,
        "largest Bloom filter bitset of a column chunk, in bytes")
    /// `write.metadata.metrics.default`.
    public static let metricsDefault = TableProperty<String>(
        "write.metadata.metrics.default", default: "truncate(16)",
        "column metrics kept in manifests: none, counts, truncate(N), full")
    /// `write.metadata.metrics.column.<name>`: the metrics mode of one column.
    public static func metricsColumn(_ column: String) -> TableProperty<String?> {
        TableProperty<String?>(
            "\(metricsColumnPrefix)\(column)", "metrics mode of one column",
            defaultText: "write.metadata.metrics.default")
    }
    /// The prefix of the per-column metrics keys.
    public static let metricsColumnPrefix = "write.metadata.metrics.column."

    /// `write.delete.mode`: how deletes are written.
    public static let writeDeleteMode = TableProperty<DeleteMode>(
        "write.delete.mode", default: .copyOnWrite, defaultText: DeleteMode.copyOnWrite.rawValue,
        expected: "copy-on-write or merge-on-read",
        meaning:
            "how deletes are written: copy-on-write rewrites files, merge-on-read writes position deletes (v2) or deletion vectors (v3)",
        parse: { DeleteMode(rawValue: $0.lowercased()) })

    /// `write.upsert.mode` (this SDK's own key): how upserts and change events delete the rows
    /// they replace.
    public static let writeUpsertMode = TableProperty<UpsertStrategy>(
        "write.upsert.mode", default: .auto, defaultText: UpsertStrategy.auto.rawValue,
        expected: "auto, equality-deletes or position-deletes",
        meaning:
            "how upserts delete replaced rows: equality deletes by key (cheapest to write), position deletes found by a key lookup (cheapest to read), or auto: equality deletes where the key decides the partition (or a global delete under an unpartitioned spec can), else position deletes",
        parse: { UpsertStrategy(rawValue: $0.lowercased()) })

    /// `write.delete.isolation-level`: which concurrent commits fail a `RowDelta`.
    public static let deleteIsolationLevel = TableProperty<IsolationLevel>(
        "write.delete.isolation-level", default: .serializable, defaultText: IsolationLevel.serializable.rawValue,
        expected: "serializable or snapshot",
        meaning:
            "serializable: a row delta fails when a concurrent commit added data or deletes its rows could match; snapshot: only deletes",
        parse: { IsolationLevel(rawValue: $0.lowercased()) })

    // MARK: Snapshot retention

    /// `history.expire.max-snapshot-age-ms`.
    public static let maxSnapshotAgeMs = TableProperty<Int64>(
        "history.expire.max-snapshot-age-ms", default: 432_000_000,
        "age after which snapshot expiration may remove a snapshot (5 days)")
    /// `history.expire.min-snapshots-to-keep`.
    public static let minSnapshotsToKeep = TableProperty<Int>(
        "history.expire.min-snapshots-to-keep", default: 1, "ancestors of each branch that snapshot expiration keeps")
    /// `history.expire.max-ref-age-ms`.
    public static let maxRefAgeMs = TableProperty<Int64>(
        "history.expire.max-ref-age-ms", default: Int64.max,
        "age after which expiration removes a branch or tag other than main", text: "unlimited")

    // MARK: Maintenance (`iceberg maintain`, in the shape of S3 Tables' maintenance configuration)

    /// `maintenance.compaction.enabled`.
    public static let maintenanceCompactionEnabled = TableProperty<Bool>(
        "maintenance.compaction.enabled", default: true, "whether maintenance compacts data files")
    /// `maintenance.compaction.target-file-size-mb`.
    public static let maintenanceTargetFileSizeMB = TableProperty<Int>(
        "maintenance.compaction.target-file-size-mb", default: 512,
        "size compaction aims for, in MB (64 to 512, as S3 Tables allows)")
    /// `maintenance.compaction.strategy`.
    public static let maintenanceCompactionStrategy = TableProperty<CompactionStrategy>(
        "maintenance.compaction.strategy", default: .auto, defaultText: "auto", expected: "auto, binpack or sort",
        meaning: "auto: sort when the table has a sort order, else binpack",
        parse: { CompactionStrategy(rawValue: $0.lowercased()) })
    /// `maintenance.snapshot-management.enabled`.
    public static let maintenanceSnapshotsEnabled = TableProperty<Bool>(
        "maintenance.snapshot-management.enabled", default: true, "whether maintenance expires snapshots")
    /// `maintenance.snapshot-management.min-snapshots-to-keep`.
    public static let maintenanceMinSnapshotsToKeep = TableProperty<Int>(
        "maintenance.snapshot-management.min-snapshots-to-keep", default: 1,
        "ancestors of each branch maintenance keeps whatever their age")
    /// `maintenance.snapshot-management.max-snapshot-age-hours`.
    public static let maintenanceMaxSnapshotAgeHours = TableProperty<Int>(
        "maintenance.snapshot-management.max-snapshot-age-hours", default: 120,
        "age in hours after which maintenance expires a snapshot")
    /// `maintenance.manifest-rewrite.enabled`.
    public static let maintenanceManifestsEnabled = TableProperty<Bool>(
        "maintenance.manifest-rewrite.enabled", default: true,
        "whether maintenance rewrites a branch's manifests when a spec has several")
    /// `maintenance.unreferenced-file-removal.enabled`.
    public static let maintenanceOrphansEnabled = TableProperty<Bool>(
        "maintenance.unreferenced-file-removal.enabled", default: true,
        "whether maintenance deletes files no snapshot references")
    /// `maintenance.unreferenced-file-removal.unreferenced-days`.
    public static let maintenanceUnreferencedDays = TableProperty<Int>(
        "maintenance.unreferenced-file-removal.unreferenced-days", default: 3,
        "days a file must be unreferenced before it counts as noncurrent")
    /// `maintenance.unreferenced-file-removal.non-current-days`.
    public static let maintenanceNonCurrentDays = TableProperty<Int>(
        "maintenance.unreferenced-file-removal.non-current-days", default: 10,
        "days a noncurrent file is kept before maintenance deletes it")

    // MARK: Reading

    /// `schema.name-mapping.default`.
    public static let nameMappingDefault = TableProperty<String?>(
        "schema.name-mapping.default", "JSON name mapping for data files without field ids", defaultText: "none")

    /// Every property above, in the order docs/iceberg.md lists them.
    public static let all: [TablePropertyDescription] = [
        commitNumRetries.description, commitMinRetryWaitMs.description, commitMaxRetryWaitMs.description,
        commitTotalRetryTimeMs.description, manifestMergeEnabled.description, manifestMinMergeCount.description,
        manifestTargetSizeBytes.description, metadataPreviousVersionsMax.description,
        metadataDeleteAfterCommit.description,
        writeDataPath.description, writeMetadataPath.description, objectStoragePath.description,
        folderStoragePath.description, writeTargetFileSizeBytes.description, deleteTargetFileSizeBytes.description,
        parquetCompressionCodec.description,
        parquetCompressionLevel.description, parquetRowGroupSizeBytes.description, parquetPageSizeBytes.description,
        parquetDictSizeBytes.description, bloomFilterEnabled("<name>").description,
        bloomFilterFpp("<name>").description,
        bloomFilterMaxBytes.description, metricsDefault.description,
        metricsColumn("<name>").description, writeDeleteMode.description, writeUpsertMode.description,
        deleteIsolationLevel.description, maxSnapshotAgeMs.description,
        minSnapshotsToKeep.description,
        maxRefAgeMs.description, maintenanceCompactionEnabled.description, maintenanceTargetFileSizeMB.description,
        maintenanceCompactionStrategy.description, maintenanceSnapshotsEnabled.description,
        maintenanceMinSnapshotsToKeep.description, maintenanceMaxSnapshotAgeHours.description,
        maintenanceManifestsEnabled.description, maintenanceOrphansEnabled.description,
        maintenanceUnreferencedDays.description, maintenanceNonCurrentDays.description, nameMappingDefault.description,
    ]
}

extension TableMetadata {
    /// The value of a table property (its default when unset); throws
    /// `IcebergError.invalidProperty` naming the key when the set text does not parse.
    public func value<Value>(of property: TableProperty<Value>) throws -> Value {
        try property.value(in: properties)
    }
}

/// How maintenance compacts (`maintenance.compaction.strategy`, S3 Tables' strategies).
public enum CompactionStrategy: String, Sendable, Hashable, Codable {
    /// `sort` when the table has a sort order, else `binpack`.
    case auto
    /// Combine files as they are.
    case binpack
    /// Sort by the table's sort order.
    case sort
}

/// How a delete is written (`write.delete.mode`, Java's `RowLevelOperationMode`).
public enum DeleteMode: String, Sendable, Hashable {
    /// Files holding deleted rows are written again without them.
    case copyOnWrite = "copy-on-write"
    /// Deleted rows are recorded in delete files that readers apply (position deletes in v2).
    case mergeOnRead = "merge-on-read"
}

/// How an upsert (or a batch of change events) deletes the rows it replaces.
public enum UpsertStrategy: String, Sendable, Hashable {
    /// Equality deletes when they can be written (every spec with live data files is
    /// partitioned by key columns only, or the table has an unpartitioned spec for global
    /// deletes), else position deletes: a choice that works whatever the partitioning.
    case auto
    /// Equality-delete files keyed by the key columns, plus the new rows appended: no lookup
    /// of existing rows (what streaming sinks such as Flink write). Readers join each data
    /// file with the keys.
    case equalityDeletes = "equality-deletes"
    /// The existing rows are looked up by key in the files their keys' partitions and column
    /// bounds can hold, and deleted by position (v2 position-delete files, v3 deletion
    /// vectors): what Spark and Athena write, the cheapest to read.
    case positionDeletes = "position-deletes"
}

/// Which commits that landed after a row delta's starting snapshot make it fail (Java's
/// `IsolationLevel`).
public enum IsolationLevel: String, Sendable, Hashable {
    /// Fails on concurrent data files or delete files that could touch the rows it changes.
    case serializable
    /// Fails only on concurrent delete files that could touch the rows it changes.
    case snapshot
}
