/// Parquet physical storage types (`Type` in parquet.thrift).
public enum PhysicalType: Int32, Sendable, Hashable, CaseIterable {
    /// One bit per value.
    case boolean = 0
    /// 32-bit signed integer.
    case int32 = 1
    /// 64-bit signed integer.
    case int64 = 2
    /// Legacy 96-bit timestamp (nanoseconds of day + Julian day).
    case int96 = 3
    /// IEEE 32-bit float.
    case float = 4
    /// IEEE 64-bit float.
    case double = 5
    /// Variable-length bytes.
    case byteArray = 6
    /// Fixed-length bytes (`type_length`).
    case fixedLenByteArray = 7

    /// The name as in the Parquet specification.
    public var name: String {
        switch self {
        case .boolean: "BOOLEAN"
        case .int32: "INT32"
        case .int64: "INT64"
        case .int96: "INT96"
        case .float: "FLOAT"
        case .double: "DOUBLE"
        case .byteArray: "BYTE_ARRAY"
        case .fixedLenByteArray: "FIXED_LEN_BYTE_ARRAY"
        }
    }
}

/// Legacy converted types (`ConvertedType` in parquet.thrift).
public enum ConvertedType: Int32, Sendable, Hashable {
    /// UTF-8 string.
    case utf8 = 0
    /// Map group.
    case map = 1
    /// Legacy map key/value group.
    case mapKeyValue = 2
    /// List group.
    case list = 3
    /// Enum string.
    case `enum` = 4
    /// Decimal with `precision` and `scale`.
    case decimal = 5
    /// Days since the epoch.
    case date = 6
    /// Milliseconds of the day.
    case timeMillis = 7
    /// Microseconds of the day.
    case timeMicros = 8
    /// UTC milliseconds since the epoch.
    case timestampMillis = 9
    /// UTC microseconds since the epoch.
    case timestampMicros = 10
    /// Unsigned 8-bit integer.
    case uint8 = 11
    /// Unsigned 16-bit integer.
    case uint16 = 12
    /// Unsigned 32-bit integer.
    case uint32 = 13
    /// Unsigned 64-bit integer.
    case uint64 = 14
    /// Signed 8-bit integer.
    case int8 = 15
    /// Signed 16-bit integer.
    case int16 = 16
    /// Signed 32-bit integer.
    case int32 = 17
    /// Signed 64-bit integer.
    case int64 = 18
    /// JSON text.
    case json = 19
    /// BSON document.
    case bson = 20
    /// Months, days and milliseconds in 12 bytes.
    case interval = 21
}

/// Whether a field is required, optional or repeated.
public enum Repetition: Int32, Sendable, Hashable {
    /// Exactly one value.
    case required = 0
    /// Zero or one value.
    case optional = 1
    /// Zero or more values.
    case repeated = 2
}

/// Value and level encodings (`Encoding` in parquet.thrift).
public enum Encoding: Int32, Sendable, Hashable, CaseIterable {
    /// Values back to back (fixed width little-endian, length-prefixed bytes, packed booleans).
    case plain = 0
    /// Legacy name of dictionary encoding (dictionary page and indices).
    case plainDictionary = 2
    /// RLE / bit-packed hybrid (levels, booleans).
    case rle = 3
    /// Deprecated MSB-first bit packing of levels.
    case bitPacked = 4
    /// Delta encoding of integers in bit-packed miniblocks.
    case deltaBinaryPacked = 5
    /// Delta-encoded lengths followed by the concatenated bytes.
    case deltaLengthByteArray = 6
    /// Incremental (prefix/suffix) encoding of byte arrays.
    case deltaByteArray = 7
    /// Dictionary indices with the RLE / bit-packed hybrid.
    case rleDictionary = 8
    /// Bytes of each value split into per-byte streams.
    case byteStreamSplit = 9

    /// The name as in the Parquet specification.
    public var name: String {
        switch self {
        case .plain: "PLAIN"
        case .plainDictionary: "PLAIN_DICTIONARY"
        case .rle: "RLE"
        case .bitPacked: "BIT_PACKED"
        case .deltaBinaryPacked: "DELTA_BINARY_PACKED"
        case .deltaLengthByteArray: "DELTA_LENGTH_BYTE_ARRAY"
        case .deltaByteArray: "DELTA_BYTE_ARRAY"
        case .rleDictionary: "RLE_DICTIONARY"
        case .byteStreamSplit: "BYTE_STREAM_SPLIT"
        }
    }
}

/// Compression codecs (`CompressionCodec` in parquet.thrift).
public enum CompressionKind: Int32, Sendable, Hashable {
    /// No compression.
    case uncompressed = 0
    /// Raw snappy.
    case snappy = 1
    /// Gzip members.
    case gzip = 2
    /// LZO (not supported).
    case lzo = 3
    /// Brotli (not supported).
    case brotli = 4
    /// Hadoop-framed LZ4 (deprecated, not supported).
    case lz4 = 5
    /// Zstandard frames.
    case zstd = 6
    /// Raw LZ4 blocks (not supported).
    case lz4Raw = 7

    /// The name as in the Parquet specification.
    public var name: String {
        switch self {
        case .uncompressed: "UNCOMPRESSED"
        case .snappy: "SNAPPY"
        case .gzip: "GZIP"
        case .lzo: "LZO"
        case .brotli: "BROTLI"
        case .lz4: "LZ4"
        case .zstd: "ZSTD"
        case .lz4Raw: "LZ4_RAW"
        }
    }
}

/// Page kinds (`PageType` in parquet.thrift).
public enum PageType: Int32, Sendable, Hashable {
    /// Data page v1.
    case dataPage = 0
    /// Index page (unused by writers).
    case indexPage = 1
    /// Dictionary page.
    case dictionaryPage = 2
    /// Data page v2.
    case dataPageV2 = 3
}

/// Ordering of page bounds in a column index.
public enum BoundaryOrder: Int32, Sendable, Hashable {
    /// No order across pages.
    case unordered = 0
    /// Page bounds never decrease.
    case ascending = 1
    /// Page bounds never increase.
    case descending = 2
}

/// Units of TIME and TIMESTAMP logical types.
public enum TimeUnit: Sendable, Hashable {
    /// Milliseconds.
    case millis
    /// Microseconds.
    case micros
    /// Nanoseconds.
    case nanos
}

/// Parquet logical type annotations (`LogicalType` union in parquet.thrift).
public enum LogicalType: Sendable, Hashable {
    /// UTF-8 string.
    case string
    /// Map group.
    case map
    /// List group.
    case list
    /// Enum string.
    case `enum`
    /// Fixed-point decimal.
    case decimal(precision: Int32, scale: Int32)
    /// Days since the epoch.
    case date
    /// Time of day.
    case time(isAdjustedToUTC: Bool, unit: TimeUnit)
    /// Instant (UTC) or local date-time.
    case timestamp(isAdjustedToUTC: Bool, unit: TimeUnit)
    /// Integer of a width and signedness.
    case integer(bitWidth: Int8, isSigned: Bool)
    /// Always-null column.
    case unknown
    /// JSON text.
    case json
    /// BSON document.
    case bson
    /// 16-byte UUID.
    case uuid
    /// IEEE half-precision float in 2 bytes.
    case float16
    /// Variant (semi-structured) group.
    case variant
    /// A union member this library does not know (kept by its field id).
    case other(fieldId: Int16)
}
