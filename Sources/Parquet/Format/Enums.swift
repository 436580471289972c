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
    case utf8 = 0, map = 1, mapKeyValue = 2, list = 3, `enum` = 4, decimal = 5, date = 6
    case timeMillis = 7, timeMicros = 8, timestampMillis = 9, timestampMicros = 10
    case uint8 = 11, uint16 = 12, uint32 = 13, uint64 = 14, int8 = 15, int16 = 16, int32 = 17, int64 = 18
    case json = 19, bson = 20, interval = 21
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
    case plain = 0
    case plainDictionary = 2
    case rle = 3
    case bitPacked = 4
    case deltaBinaryPacked = 5
    case deltaLengthByteArray = 6
    case deltaByteArray = 7
    case rleDictionary = 8
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
    case uncompressed = 0, snappy = 1, gzip = 2, lzo = 3, brotli = 4, lz4 = 5, zstd = 6, lz4Raw = 7

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
    case dataPage = 0, indexPage = 1, dictionaryPage = 2, dataPageV2 = 3
}

/// Ordering of page bounds in a column index.
public enum BoundaryOrder: Int32, Sendable, Hashable {
    case unordered = 0, ascending = 1, descending = 2
}

/// Units of TIME and TIMESTAMP logical types.
public enum TimeUnit: Sendable, Hashable {
    case millis, micros, nanos
}

/// Parquet logical type annotations (`LogicalType` union in parquet.thrift).
public enum LogicalType: Sendable, Hashable {
    case string
    case map
    case list
    case `enum`
    case decimal(precision: Int32, scale: Int32)
    case date
    case time(isAdjustedToUTC: Bool, unit: TimeUnit)
    case timestamp(isAdjustedToUTC: Bool, unit: TimeUnit)
    case integer(bitWidth: Int8, isSigned: Bool)
    case unknown
    case json
    case bson
    case uuid
    case float16
    case variant
    /// A union member this library does not know (kept by its field id).
    case other(fieldId: Int16)
}
