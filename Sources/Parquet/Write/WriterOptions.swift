import CompressionCodecs

/// Page compression for written files.
public enum ParquetCompression: Sendable, Hashable {
    /// No compression.
    case uncompressed
    /// Snappy (raw blocks).
    case snappy
    /// Zstandard at a level (1...22; Iceberg and pyarrow default to 1 and 3 respectively).
    case zstd(level: Int32 = 3)
    /// Gzip at a zlib level (1...9).
    case gzip(level: Int32 = 6)
    /// Raw LZ4 blocks (`LZ4_RAW`; the deprecated Hadoop-framed `LZ4` is read, never written).
    case lz4Raw
    /// Brotli at a quality (0...11; pyarrow defaults to 8).
    case brotli(quality: Int32 = 8)

    /// The names `named(_:level:)` accepts, for messages.
    public static let names = "zstd, snappy, gzip, lz4_raw (or lz4), brotli or uncompressed (or none)"

    /// The compression a name selects (as Iceberg's `write.parquet.compression-codec` and the
    /// CLI spell it, any case), at `level` or the codec's default; nil for an unknown name.
    /// `lz4` selects `LZ4_RAW`, the LZ4 that Parquet readers share.
    public static func named(_ name: String, level: Int32? = nil) -> ParquetCompression? {
        switch name.lowercased() {
        case "zstd": .zstd(level: level ?? 3)
        case "snappy": .snappy
        case "gzip": .gzip(level: level ?? 6)
        case "lz4", "lz4_raw": .lz4Raw
        case "brotli": .brotli(quality: level ?? 8)
        case "uncompressed", "none": .uncompressed
        default: nil
        }
    }

    var kind: CompressionKind {
        switch self {
        case .uncompressed: .uncompressed
        case .snappy: .snappy
        case .zstd: .zstd
        case .gzip: .gzip
        case .lz4Raw: .lz4Raw
        case .brotli: .brotli
        }
    }

    var codec: CompressionCodec {
        switch self {
        case .uncompressed: .uncompressed
        case .snappy: .snappy
        case .zstd(let l): .zstd(level: l)
        case .gzip(let l): .gzip(level: l)
        case .lz4Raw: .lz4Raw
        case .brotli(let q): .brotli(quality: q)
        }
    }
}

/// Data page layout version.
public enum DataPageVersion: Int, Sendable, Hashable {
    /// DATA_PAGE (v1): levels and values compressed together; read by every engine.
    case v1 = 1
    /// DATA_PAGE_V2: levels uncompressed before compressed values.
    case v2 = 2
}

/// Settings of a `ParquetWriter`.
public struct ParquetWriterOptions: Sendable {
    /// Page compression.
    public var compression: ParquetCompression = .snappy
    /// Target size of a data page before compression, in bytes.
    public var dataPageSize: Int = 1 << 20
    /// Largest dictionary (PLAIN-encoded size) before a column falls back to PLAIN.
    public var dictionaryPageSizeLimit: Int = 1 << 20
    /// Whether columns try dictionary encoding by default.
    public var enableDictionary = true
    /// Data page version.
    public var dataPageVersion: DataPageVersion = .v1
    /// A row group is flushed once its buffered data reaches this many bytes.
    public var rowGroupBytes: Int = 128 << 20
    /// A row group holds at most this many rows.
    public var rowGroupRows: Int = 1 << 20
    /// Value encoding per column, keyed by dotted path (`a.b.c`). A column listed here is not
    /// dictionary-encoded unless the encoding is `.rleDictionary`.
    public var columnEncodings: [String: Encoding] = [:]
    /// Dictionary on/off per column (dotted path), overriding `enableDictionary`.
    public var columnDictionary: [String: Bool] = [:]
    /// Whether page and chunk statistics are written.
    public var writeStatistics = true
    /// Byte-array bounds longer than this are truncated (nil: never).
    public var statisticsTruncateLength: Int? = 64
    /// Whether the column index and offset index are written.
    public var writePageIndex = true
    /// Columns (dotted paths) that get a split-block Bloom filter per chunk, with the target
    /// false-positive probability of each (sized by the chunk's non-null value count).
    public var bloomFilterColumns: [String: Double] = [:]
    /// The largest Bloom filter bitset of a chunk, in bytes (the filter is smaller when the
    /// values need fewer bits at the target probability).
    public var bloomFilterMaxBytes: Int = 1 << 20
    /// The `created_by` string of the footer.
    public var createdBy = "swift-iceberg parquet 0.1.0"
    /// File-level key/value metadata.
    public var keyValueMetadata: [KeyValue] = []

    /// Default options: snappy, 1 MiB pages, dictionary on, page v1, 128 MiB row groups.
    public init() {}
}
